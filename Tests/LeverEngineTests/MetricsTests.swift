import XCTest
@testable import LeverEngine

/// Metrics on a case small enough to work out by hand (the independent check against napkinXC and
/// a numpy reference on real WordNet predictions is in Tests/python/test_metrics_reference.py).
final class MetricsTests: XCTestCase {
    // 2 test rows, 4 labels. Row 0: truth {0, 2}; row 1: truth {3}.
    let truth = SparseMatrix(rows: 2, cols: 4, indptr: [0, 2, 3], indices: [0, 2, 3], values: [1, 1, 1])
    // Training counts: label 0 x3, label 1 x1, label 2 x1, label 3 x0 (4 training rows).
    let train = SparseMatrix(rows: 4, cols: 4, indptr: [0, 1, 2, 4, 5], indices: [0, 0, 1, 2, 0], values: [1, 1, 1, 1, 1])

    func evaluate(_ preds: [[(Int32, Float)]], filter: SparseMatrix? = nil) throws -> EvaluationResult {
        try Evaluator.evaluate(predictions: preds, truth: truth, filter: filter, trainLabels: train,
                               config: EvaluationConfig(ks: [1, 2], headMinCount: 3, tailMaxCount: 1))
    }

    func testPrecisionRecallNDCGCoverageByHand() throws {
        // Row 0 ranks 1, 0 (hit at rank 2); row 1 ranks 3 (hit at rank 1).
        let r = try evaluate([[(1, 0.9), (0, 0.8)], [(3, 0.7), (2, 0.1)]]).overall
        XCTAssertEqual(r.value("P", k: 1)!, 50, accuracy: 1e-9)
        XCTAssertEqual(r.value("P", k: 2)!, 50, accuracy: 1e-9)            // (1/2 + 1/2) / 2
        XCTAssertEqual(r.value("recall", k: 2)!, 75, accuracy: 1e-9)       // (1/2 + 1) / 2
        let d2 = 1 / log2(3.0)
        XCTAssertEqual(r.value("nDCG", k: 2)!, 100 * (d2 / (1 + d2) + 1) / 2, accuracy: 1e-9)
        XCTAssertEqual(r.value("coverage", k: 1)!, 100.0 / 3, accuracy: 1e-9)  // {3} of {0, 2, 3}
        XCTAssertEqual(r.value("coverage", k: 2)!, 200.0 / 3, accuracy: 1e-9)  // {0, 3}
    }

    func testPropensityScoredMetricsByHand() throws {
        let invP = Propensity.inverse(labelCounts: [3, 1, 1, 0], trainRows: 4, a: 0.55, b: 1.5)
        let c = (log(4.0) - 1) * pow(2.5, 0.55)
        XCTAssertEqual(invP[0], 1 + c * pow(4.5, -0.55), accuracy: 1e-12)
        let r = try evaluate([[(1, 0.9), (0, 0.8)], [(3, 0.7), (2, 0.1)]]).overall
        // PSP@1: hits {row1: label 3}; ideal: row0 best of {0,2} = label 2, row1 = label 3.
        XCTAssertEqual(r.value("PSP", k: 1)!, 100 * invP[3] / (invP[2] + invP[3]), accuracy: 1e-9)
        XCTAssertEqual(r.value("PSP", k: 2)!, 100 * (invP[0] + invP[3]) / (invP[2] + invP[0] + invP[3]), accuracy: 1e-9)
        let d2 = 1 / log2(3.0)
        let num = invP[0] * d2 / (1 + d2) + invP[3]
        let den = (invP[2] + invP[0] * d2) / (1 + d2) + invP[3]
        XCTAssertEqual(r.value("PSnDCG", k: 2)!, 100 * num / den, accuracy: 1e-9)
    }

    func testFilteredLabelsAreRemovedFromTheRanking() throws {
        let filter = SparseMatrix(rows: 2, cols: 4, indptr: [0, 1, 1], indices: [1], values: [1])
        let r = try evaluate([[(1, 0.9), (0, 0.8)], [(3, 0.7)]], filter: filter).overall
        XCTAssertEqual(r.value("P", k: 1)!, 100, accuracy: 1e-9)
    }

    func testBandsRestrictTruthAndRanking() throws {
        // head = count >= 3 -> label 0; tail = count <= 1 -> labels 1, 2, 3.
        let res = try evaluate([[(1, 0.9), (0, 0.8)], [(3, 0.7), (2, 0.1)]])
        let head = res.bands.first { $0.name == "head" }!
        XCTAssertEqual(head.numLabels, 1)
        XCTAssertEqual(head.metrics.rows, 1)
        XCTAssertEqual(head.metrics.value("P", k: 1)!, 100, accuracy: 1e-9)  // ranking {0}
        let tail = res.bands.first { $0.name == "tail" }!
        XCTAssertEqual(tail.numLabels, 3)
        XCTAssertEqual(tail.metrics.rows, 2)
        XCTAssertEqual(tail.metrics.value("P", k: 1)!, 50, accuracy: 1e-9)   // row0 ranks 1 (miss), row1 ranks 3 (hit)
    }

    func testRejectsMismatchedShapes() {
        assertLeverError(.invalidArgument, ["predictions have 1 rows"]) { try self.evaluate([[]]) }
    }
}
