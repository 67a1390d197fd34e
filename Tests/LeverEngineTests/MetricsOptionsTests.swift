import XCTest
@testable import LeverEngine

/// The metrics call of hosts: its options and the engine's evaluation over plain rankings.
final class MetricsOptionsTests: XCTestCase {
    func testOptionsDefaultsAndForms() throws {
        XCTAssertEqual(try MetricsOptions.parse(nil).ks, [1, 2, 3, 4, 5])
        XCTAssertEqual(try MetricsOptions.parse("{}").propensityA, 0.55)
        XCTAssertEqual(try MetricsOptions.parse(#"{"k": 3}"#).ks, [1, 2, 3])
        XCTAssertEqual(try MetricsOptions.parse(#"{"k": [10, 1]}"#).ks, [10, 1])
        let text = #"{"propensity_a": 0.6, "propensity_b": 2, "head_min_count": 9, "tail_max_count": 2}"#
        let c = try MetricsOptions.parse(text)
        XCTAssertEqual([c.propensityA, c.propensityB], [0.6, 2])
        XCTAssertEqual([c.headMinCount, c.tailMaxCount], [9, 2])
    }

    func testBadOptionsNameTheKey() {
        assertLeverError(.config, ["unknown key \"K\""]) { try MetricsOptions.parse(#"{"K": 1}"#) }
        assertLeverError(.config, ["\"k\""]) { try MetricsOptions.parse(#"{"k": 0}"#) }
        assertLeverError(.config, ["\"k\"", "at least one"]) { try MetricsOptions.parse(#"{"k": []}"#) }
        assertLeverError(.config, ["\"k[1]\""]) { try MetricsOptions.parse(#"{"k": [1, -1]}"#) }
        assertLeverError(.config, ["\"k\"", "string"]) { try MetricsOptions.parse(#"{"k": "5"}"#) }
        assertLeverError(.config, ["propensity_b"]) { try MetricsOptions.parse(#"{"propensity_b": -1}"#) }
        assertLeverError(.config, ["tail_max_count"]) { try MetricsOptions.parse(#"{"tail_max_count": 60}"#) }
        assertLeverError(.config, ["JSON object"]) { try MetricsOptions.parse("[1]") }
        assertLeverError(.config, ["options_json"]) { try MetricsOptions.parse("{") }
    }

    func testRankingsDropFilteredAndRepeatedLabels() {
        let filter = SparseMatrix(rows: 2, cols: 4, indptr: [0, 1, 1], indices: [2], values: [1])
        XCTAssertEqual(Evaluator.rankings([[2, 1, 1, 3], [2, 2]], filter: filter), [[1, 3], [2]])
    }

    func testWithoutPropensitiesOrCountsThereIsNoPSPAndNoBands() {
        let truth = SparseMatrix(rows: 2, cols: 3, indptr: [0, 1, 1], indices: [1], values: [1])
        let r = Evaluator.evaluate(rankings: [[1], []], truth: truth, labelCounts: nil, invPropensities: nil,
                                   config: EvaluationConfig(ks: [1]))
        XCTAssertNil(r.overall.values["PSP"])
        XCTAssertNil(r.overall.values["PSnDCG"])
        XCTAssertTrue(r.bands.isEmpty)
        XCTAssertEqual(r.overall.value("P", k: 1), 50)
        XCTAssertEqual(r.overall.value("recall", k: 1), 100)  // over the one row with a positive
        XCTAssertEqual(r.overall.rows, 2)
        XCTAssertEqual(r.overall.rowsWithPositive, 1)
        let json = MetricsReport.json(r).serialized(pretty: false)
        XCTAssertFalse(json.contains("PSP"))
        XCTAssertTrue(json.contains("\"rows_with_positive\":1"))
    }
}
