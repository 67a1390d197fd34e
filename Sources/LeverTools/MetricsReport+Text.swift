import LeverEngine

/// The plain-text tables the CLI prints: a result's metrics overall and by band, and a comparison of
/// models side by side.
extension MetricsReport {
    public static func table(_ result: EvaluationResult, title: String = "") -> String {
        let m = result.overall
        var lines: [String] = []
        if !title.isEmpty { lines.append(title) }
        var header = pad("metric (%)", 12)
        for k in m.ks { header += pad("@\(k)", 9, right: true) }
        lines.append(header)
        for name in MetricTable.names {
            var line = pad(name, 12)
            for v in m.values[name] ?? [] { line += pad(NumberFormat.fixed(v, 2), 9, right: true) }
            lines.append(line)
        }
        lines.append("(\(m.rows) test rows, \(m.labels) labels with a test positive)")
        lines.append("")
        let kMax = m.ks.max()!
        var bandHeader = pad("band", 7) + pad("train rows", 12) + pad("labels", 8, right: true) + pad("rows", 8, right: true)
        for k in m.ks { bandHeader += pad("P@\(k)", 8, right: true) }
        for k in m.ks { bandHeader += pad("PSP@\(k)", 9, right: true) }
        bandHeader += pad("cov@\(kMax)", 9, right: true) + pad("rec@\(kMax)", 9, right: true)
        lines.append(bandHeader)
        for b in result.bands {
            var line = pad(b.name, 7) + pad(b.range, 12) + pad("\(b.numLabels)", 8, right: true) + pad("\(b.metrics.rows)", 8, right: true)
            for v in b.metrics.values["P"] ?? [] { line += pad(NumberFormat.fixed(v, 2), 8, right: true) }
            for v in b.metrics.values["PSP"] ?? [] { line += pad(NumberFormat.fixed(v, 2), 9, right: true) }
            line += pad(NumberFormat.fixed(b.metrics.value("coverage", k: kMax) ?? 0, 2), 9, right: true)
            line += pad(NumberFormat.fixed(b.metrics.value("recall", k: kMax) ?? 0, 2), 9, right: true)
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line per model: P@k, PSP@k, coverage@max k overall, then PSP@max k per band.
    public static func comparison(_ models: [(name: String, result: EvaluationResult)]) -> String {
        guard let first = models.first else { return "" }
        let ks = first.result.overall.ks, kMax = ks.max()!
        var header = pad("model", 24)
        for k in ks { header += pad("P@\(k)", 8, right: true) }
        for k in ks { header += pad("PSP@\(k)", 9, right: true) }
        header += pad("cov@\(kMax)", 9, right: true)
        for b in first.result.bands { header += pad("\(b.name) PSP@\(kMax)", 15, right: true) }
        var lines = [header]
        for (name, r) in models {
            var line = pad(name, 24)
            for k in ks { line += pad(NumberFormat.fixed(r.overall.value("P", k: k) ?? 0, 2), 8, right: true) }
            for k in ks { line += pad(NumberFormat.fixed(r.overall.value("PSP", k: k) ?? 0, 2), 9, right: true) }
            line += pad(NumberFormat.fixed(r.overall.value("coverage", k: kMax) ?? 0, 2), 9, right: true)
            for b in r.bands { line += pad(NumberFormat.fixed(b.metrics.value("PSP", k: kMax) ?? 0, 2), 15, right: true) }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let n = s.count
        if n >= width { return right ? " " + s : s + " " }
        let fill = String(repeating: " ", count: width - n)
        return right ? fill + s : s + fill
    }
}
