#if canImport(Glibc)
import Glibc
#endif

/// The sigmoid of the `calibrated` soft-target transform, fitted per model: the chance that a
/// training input's teacher-shortlisted label is one of its training labels, as a logistic function
/// of the teacher cosine (Platt scaling over the training inputs' teacher shortlists). A teacher whose
/// cosines separate true labels well gives mined inputs high targets; a weak one gives them low ones.
enum SoftTargetCalibration {
    /// At most this many (cosine, truth) pairs are fitted: an evenly strided sample of the shortlists
    /// beyond it (two parameters need no more; 40 MB of pairs), so memory and time stay bounded at any scale.
    static let maxPairs = 1 << 23

    /// Fits (a, b) of sigmoid(a s + b) on the (cosine, is-a-training-label) pairs of the inputs'
    /// shortlists, with Platt's smoothed targets (so even separable pairs have a finite optimum), by
    /// Newton steps halved until the loss falls. Non-finite cosines are skipped. Nil without both
    /// kinds of pair, or when the fitted sigmoid does not rise with the cosine (a <= 0): the configured
    /// sigmoid is then used. The mined inputs' targets and, with label rows, the similar labels' use it.
    static func fit(shortlists: ArraySlice<[(Int32, Float)]>, trainLabels: SparseMatrix) -> (a: Float, b: Float)? {
        let total = shortlists.reduce(0) { $0 + $1.count }
        let stride = max(1, (total + maxPairs - 1) / maxPairs)
        var scores: [Float] = [], truth: [Bool] = []
        scores.reserveCapacity(min(total, maxPairs))
        truth.reserveCapacity(min(total, maxPairs))
        var seen = 0
        for (r, list) in zip(0..<trainLabels.rows, shortlists) {
            let range = trainLabels.rowRange(r)
            for (label, s) in list {
                defer { seen += 1 }
                guard seen % stride == 0, s.isFinite else { continue }
                scores.append(s)
                truth.append(range.contains { trainLabels.indices[$0] == label && trainLabels.values[$0] > 0 })
            }
        }
        let positives = Double(truth.filter { $0 }.count), negatives = Double(truth.count) - positives
        guard positives > 0, negatives > 0 else { return nil }
        let hi = (positives + 1) / (positives + 2), lo = 1 / (negatives + 2)
        // Mean log loss at (a, b), computed without overflow for any sign of the logit.
        func loss(_ a: Double, _ b: Double) -> Double {
            var sum = 0.0
            for (s, t) in zip(scores, truth) {
                let z = a * Double(s) + b, y = t ? hi : lo
                sum += z >= 0 ? (1 - y) * z + log1p(exp(-z)) : -y * z + log1p(exp(z))
            }
            return sum / Double(scores.count)
        }
        var a = 0.0, b = log((positives + 1) / (negatives + 1))
        var current = loss(a, b)
        guard current.isFinite else { return nil }
        for _ in 0..<100 {
            var ga = 0.0, gb = 0.0, haa = 1e-12, hab = 0.0, hbb = 1e-12
            for (s, t) in zip(scores, truth) {
                let x = Double(s)
                let p = 1 / (1 + exp(-(a * x + b))), y = t ? hi : lo
                let w = p * (1 - p)
                ga += (p - y) * x; gb += p - y
                haa += w * x * x; hab += w * x; hbb += w
            }
            let det = haa * hbb - hab * hab
            guard det > 0, det.isFinite else { break }
            let da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det
            var step = 1.0, improved = false
            while step >= 1e-10 {
                let next = loss(a - step * da, b - step * db)
                if next < current { a -= step * da; b -= step * db; current = next; improved = true; break }
                step /= 2
            }
            if !improved || (abs(step * da) < 1e-7 && abs(step * db) < 1e-7) { break }
        }
        guard a.isFinite, b.isFinite, a > 0 else { return nil }
        return (Float(a), Float(b))
    }
}
