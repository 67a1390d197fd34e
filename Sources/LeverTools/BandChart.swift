import LeverEngine

/// A grouped bar chart (SVG) of one metric by label-frequency band, one bar per model, so the
/// tail gain is visible without reading numbers.
public enum BandChart {
    public static func svg(title: String, metric: String, k: Int, models: [(name: String, result: EvaluationResult)]) -> String {
        let groups = ["overall"] + (models.first?.result.bands.map { $0.name } ?? [])
        let colors = ["#8c8c8c", "#4e79a7", "#e15759", "#59a14f", "#f28e2b"]
        let width = 760, height = 420, left = 60, right = 20, top = 50, bottom = 80
        let plotW = width - left - right, plotH = height - top - bottom
        func value(_ r: EvaluationResult, _ g: String) -> Double {
            let table = g == "overall" ? r.overall : r.bands.first { $0.name == g }?.metrics
            return table?.value(metric, k: k) ?? 0
        }
        let maxV = max(1, models.flatMap { m in groups.map { value(m.result, $0) } }.max() ?? 1)
        let top100 = (maxV / 10).rounded(.up) * 10
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(width / 2)\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(escape(title))</text>\n"
        for t in stride(from: 0.0, through: top100, by: top100 / 5) {
            let y = Double(top + plotH) - t / top100 * Double(plotH)
            s += "<line x1=\"\(left)\" x2=\"\(left + plotW)\" y1=\"\(fmt(y))\" y2=\"\(fmt(y))\" stroke=\"#ddd\"/>\n"
            s += "<text x=\"\(left - 6)\" y=\"\(fmt(y + 4))\" text-anchor=\"end\">\(NumberFormat.fixed(t, 0))</text>\n"
        }
        s += "<text transform=\"translate(16,\(top + plotH / 2)) rotate(-90)\" text-anchor=\"middle\">\(escape(metric))@\(k) (%)</text>\n"
        let groupW = Double(plotW) / Double(groups.count)
        let barW = groupW * 0.8 / Double(max(models.count, 1))
        for (gi, g) in groups.enumerated() {
            let gx = Double(left) + Double(gi) * groupW + groupW * 0.1
            for (mi, m) in models.enumerated() {
                let v = value(m.result, g)
                let h = v / top100 * Double(plotH)
                let x = gx + Double(mi) * barW
                s += "<rect x=\"\(fmt(x))\" y=\"\(fmt(Double(top + plotH) - h))\" width=\"\(fmt(barW - 2))\" height=\"\(fmt(h))\" fill=\"\(colors[mi % colors.count])\"/>\n"
                s += "<text x=\"\(fmt(x + barW / 2 - 1))\" y=\"\(fmt(Double(top + plotH) - h - 4))\" text-anchor=\"middle\" font-size=\"10\">\(NumberFormat.fixed(v, 1))</text>\n"
            }
            var label = g
            if let band = models.first?.result.bands.first(where: { $0.name == g }) { label += " (train rows \(band.range))" }
            s += "<text x=\"\(fmt(gx + groupW * 0.4))\" y=\"\(top + plotH + 18)\" text-anchor=\"middle\">\(escape(label))</text>\n"
        }
        for (mi, m) in models.enumerated() {
            let x = left + mi * (plotW / max(models.count, 1))
            s += "<rect x=\"\(x)\" y=\"\(height - 30)\" width=\"12\" height=\"12\" fill=\"\(colors[mi % colors.count])\"/>\n"
            s += "<text x=\"\(x + 18)\" y=\"\(height - 20)\">\(escape(m.name))</text>\n"
        }
        return s + "</svg>\n"
    }

    private static func fmt(_ x: Double) -> String { NumberFormat.fixed(x, 1) }

    private static func escape(_ s: String) -> String {
        var o = ""
        for ch in s {
            switch ch {
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "&": o += "&amp;"
            case "\"": o += "&quot;"
            default: o.append(ch)
            }
        }
        return o
    }
}
