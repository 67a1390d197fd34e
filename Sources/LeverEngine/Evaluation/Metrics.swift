#if canImport(Glibc)
import Glibc
#endif

/// The field's ranking metrics at a list of cut-offs, in percent.
///
/// Per test row, the ranking is the predicted labels best first with filtered (row, label) pairs
/// removed; Y is the row's labels with a value > 0.
/// - P@k = |top-k ∩ Y| / k, averaged over all rows.
/// - nDCG@k = Σ hits 1/log2(r+1) / Σ_{r ≤ min(k,|Y|)} 1/log2(r+1), averaged over all rows (0 when Y is empty).
/// - PSP@k = Σ_rows Σ_{hits in top-k} 1/p_l  /  Σ_rows (best k of Y by 1/p_l).
/// - PSnDCG@k: as PSP@k with 1/log2(r+1) discounts, each row's two sums divided by its ideal DCG
///   normaliser Σ_{r ≤ min(k,|Y|)} 1/log2(r+1) (the napkinXC definition).
/// - coverage@k = distinct labels hit in some top-k / distinct labels with a test positive.
/// - recall@k = |top-k ∩ Y| / |Y|, averaged over rows with Y non-empty.
public struct MetricTable: Sendable, Equatable {
    public static let names = ["P", "nDCG", "PSP", "PSnDCG", "coverage", "recall"]
    public var ks: [Int]
    /// values[name][i] is the metric at ks[i], in percent (PSP and PSnDCG absent when evaluated
    /// without propensities).
    public var values: [String: [Double]]
    /// Rows and distinct labels that took part.
    public var rows: Int
    public var labels: Int
    /// Rows with at least one positive: the rows recall averages over.
    public var rowsWithPositive: Int

    public func value(_ name: String, k: Int) -> Double? {
        guard let i = ks.firstIndex(of: k) else { return nil }
        return values[name]?[i]
    }
}

/// A label-frequency band's metrics (truth and ranking restricted to the band's labels, rows with
/// at least one positive in the band).
public struct BandMetrics: Sendable {
    public var name: String
    /// The band's training-count range, e.g. "<= 5".
    public var range: String
    public var numLabels: Int
    public var metrics: MetricTable
}

public struct EvaluationResult: Sendable {
    public var overall: MetricTable
    public var bands: [BandMetrics]
}

public enum Evaluator {
    /// Evaluates ranked predictions (one list per test row, best first) against `truth`.
    public static func evaluate(predictions: [[(Int32, Float)]], truth: SparseMatrix, filter: SparseMatrix?,
                                trainLabels: SparseMatrix, config: EvaluationConfig) throws(LeverError) -> EvaluationResult {
        try config.validate(source: "evaluation")
        guard predictions.count == truth.rows else {
            throw .invalidArgument("predictions have \(predictions.count) rows but the truth has \(truth.rows)")
        }
        guard trainLabels.cols == truth.cols else {
            throw .invalidArgument("training labels have \(trainLabels.cols) columns but the truth has \(truth.cols)")
        }
        if let filter, filter.rows != truth.rows {
            throw .invalidArgument("the filter has \(filter.rows) rows but the truth has \(truth.rows)")
        }
        let counts = trainLabels.columnCounts()
        let invP = Propensity.inverse(labelCounts: counts, trainRows: trainLabels.rows,
                                      a: config.propensityA, b: config.propensityB)
        let ranked = rankings(predictions.map { $0.map { $0.0 } }, filter: filter)
        return evaluate(rankings: ranked, truth: truth, labelCounts: counts, invPropensities: invP, config: config)
    }

    /// Each row's ranking with its filtered (row, label) pairs and repeated labels removed (the first
    /// occurrence of a label stays).
    public static func rankings(_ lists: [[Int32]], filter: SparseMatrix?) -> [[Int32]] {
        var out: [[Int32]] = []
        out.reserveCapacity(lists.count)
        for (r, list) in lists.enumerated() {
            var blocked = Set<Int32>()
            if let filter, r < filter.rows { for j in filter.rowRange(r) { blocked.insert(filter.indices[j]) } }
            var ranking: [Int32] = []
            var seen = Set<Int32>()
            for l in list where !blocked.contains(l) && seen.insert(l).inserted { ranking.append(l) }
            out.append(ranking)
        }
        return out
    }

    /// The metrics of rankings from `rankings(_:filter:)` (one per truth row, label ids below
    /// truth.cols; `config` validated by the caller). Without `invPropensities` the table has no PSP
    /// and PSnDCG; without `labelCounts` (training rows per label) there are no bands.
    public static func evaluate(rankings: [[Int32]], truth: SparseMatrix, labelCounts: [Int]?,
                                invPropensities: [Double]?, config: EvaluationConfig) -> EvaluationResult {
        let invP = invPropensities ?? [Double](repeating: 1, count: truth.cols)
        let propensityScored = invPropensities != nil
        let overall = table(rankings: rankings, truth: truth, invP: invP, ks: config.ks, keep: nil,
                            propensityScored: propensityScored)
        guard let counts = labelCounts else { return EvaluationResult(overall: overall, bands: []) }
        let bandDefs: [(String, String, (Int) -> Bool)] = [
            ("head", ">= \(config.headMinCount)", { $0 >= config.headMinCount }),
            ("torso", "\(config.tailMaxCount + 1)..\(config.headMinCount - 1)",
             { $0 > config.tailMaxCount && $0 < config.headMinCount }),
            ("tail", "<= \(config.tailMaxCount)", { $0 <= config.tailMaxCount }),
        ]
        var bands: [BandMetrics] = []
        for (name, range, test) in bandDefs {
            let keep = counts.map(test)
            let metrics = table(rankings: rankings, truth: truth, invP: invP, ks: config.ks, keep: keep,
                                propensityScored: propensityScored)
            bands.append(BandMetrics(name: name, range: range, numLabels: keep.filter { $0 }.count, metrics: metrics))
        }
        return EvaluationResult(overall: overall, bands: bands)
    }

    /// Metrics over all rows (keep == nil), or restricted to labels with keep[l] and rows with a
    /// positive among them.
    static func table(rankings: [[Int32]], truth: SparseMatrix, invP: [Double], ks: [Int], keep: [Bool]?,
                      propensityScored: Bool = true) -> MetricTable {
        let maxK = ks.max()!
        let nk = ks.count
        var p = [Double](repeating: 0, count: nk), ndcg = p, psp = p, pspBest = p, psndcg = p, psndcgBest = p, recall = p
        var hitLabels = [Set<Int32>](repeating: [], count: nk)
        var truthLabels = Set<Int32>()
        var rows = 0, rowsWithTruth = 0
        // No ranking or truth set is longer than the label set, so discounts beyond it are never
        // used: a huge k (say 10^9 from the command line) costs nothing.
        let ranks = max(1, min(maxK, truth.cols))
        var discount = [Double](repeating: 0, count: ranks + 1)
        for r in 1...ranks { discount[r] = 1 / log2(Double(r) + 1) }
        for row in 0..<truth.rows {
            var y = Set<Int32>()
            for j in truth.rowRange(row) where truth.values[j] > 0 {
                let l = truth.indices[j]
                if keep == nil || keep![Int(l)] { y.insert(l) }
            }
            if keep != nil && y.isEmpty { continue }
            rows += 1
            if y.isEmpty { continue }
            rowsWithTruth += 1
            truthLabels.formUnion(y)
            let ranking = keep == nil ? Array(rankings[row].prefix(maxK)) : Array(rankings[row].lazy.filter { keep![Int($0)] }.prefix(maxK))
            let ideal = y.map { invP[Int($0)] }.sorted(by: >)
            for (ki, k) in ks.enumerated() {
                var hits = 0.0, dcg = 0.0, ps = 0.0, psd = 0.0
                for (i, l) in ranking.prefix(k).enumerated() where y.contains(l) {
                    hits += 1
                    dcg += discount[i + 1]
                    ps += invP[Int(l)]
                    psd += invP[Int(l)] * discount[i + 1]
                    hitLabels[ki].insert(l)
                }
                var norm = 0.0, bestPs = 0.0, bestPsd = 0.0
                for i in 0..<min(k, y.count) {
                    norm += discount[i + 1]
                    bestPs += ideal[i]
                    bestPsd += ideal[i] * discount[i + 1]
                }
                p[ki] += hits / Double(k)
                ndcg[ki] += dcg / norm
                psp[ki] += ps
                pspBest[ki] += bestPs
                psndcg[ki] += psd / norm
                psndcgBest[ki] += bestPsd / norm
                recall[ki] += hits / Double(y.count)
            }
        }
        func pct(_ x: Double, _ d: Double) -> Double { d > 0 ? 100 * x / d : 0 }
        var values: [String: [Double]] = [:]
        values["P"] = p.map { pct($0, Double(rows)) }
        values["nDCG"] = ndcg.map { pct($0, Double(rows)) }
        if propensityScored {
            values["PSP"] = (0..<nk).map { pct(psp[$0], pspBest[$0]) }
            values["PSnDCG"] = (0..<nk).map { pct(psndcg[$0], psndcgBest[$0]) }
        }
        values["coverage"] = hitLabels.map { pct(Double($0.count), Double(truthLabels.count)) }
        values["recall"] = recall.map { pct($0, Double(rowsWithTruth)) }
        return MetricTable(ks: ks, values: values, rows: rows, labels: truthLabels.count,
                           rowsWithPositive: rowsWithTruth)
    }
}
