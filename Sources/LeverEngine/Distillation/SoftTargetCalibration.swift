#if canImport(Glibc)
import Glibc
#endif

/// The sigmoid of the `calibrated` soft-target transform, fitted per model: the chance that a
/// training input's teacher-shortlisted label is one of its training labels, as a logistic function
/// of the teacher cosine (Platt scaling over the training inputs' teacher shortlists). A teacher whose
/// cosines separate true labels well gives mined inputs high targets; a weak one gives them low ones.
enum SoftTargetCalibration {
    /// Fits (a, b) of sigmoid(a s + b) by Newton's method on the (cosine, is-a-training-label) pairs
    /// of the inputs' shortlists, with Platt's smoothed targets; nil without both kinds of pair.
    static func fit(shortlists: ArraySlice<[(Int32, Float)]>, trainLabels: SparseMatrix) -> (a: Float, b: Float)? {
        var scores: [Float] = [], truth: [Bool] = []
        for (r, list) in zip(0..<trainLabels.rows, shortlists) {
            let range = trainLabels.rowRange(r)
            for (label, s) in list {
                scores.append(s)
                truth.append(range.contains { trainLabels.indices[$0] == label && trainLabels.values[$0] > 0 })
            }
        }
        let positives = Double(truth.filter { $0 }.count), negatives = Double(truth.count) - positives
        guard positives > 0, negatives > 0 else { return nil }
        let hi = (positives + 1) / (positives + 2), lo = 1 / (negatives + 2)
        var a = 0.0, b = log((positives + 1) / (negatives + 1))
        for _ in 0..<50 {
            // Gradient and Hessian of the mean log loss in (a, b), with a tiny ridge for stability.
            var ga = 0.0, gb = 0.0, haa = 1e-9, hab = 0.0, hbb = 1e-9
            for (s, t) in zip(scores, truth) {
                let x = Double(s), y = t ? hi : lo
                let p = 1 / (1 + exp(-(a * x + b)))
                let w = max(p * (1 - p), 1e-12)
                ga += (p - y) * x; gb += p - y
                haa += w * x * x; hab += w * x; hbb += w
            }
            let det = haa * hbb - hab * hab
            guard det > 0 else { break }
            let da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det
            a -= da; b -= db
            if abs(da) < 1e-6 && abs(db) < 1e-6 { break }
        }
        guard a.isFinite, b.isFinite else { return nil }
        return (Float(a), Float(b))
    }
}
