import XCTest
@testable import LeverEngine
import LeverTools

/// The run report of `lever train` (LeverTools' `Run`): its shortlist recall on a sample of the test split.
final class RunReportTests: XCTestCase {
    let texts = ["a tabby kitten", "a young puppy", "a small robin", "a silver trout",
                 "kitten and tabby", "hound puppy", "sparrow robin bird", "salmon trout"]

    /// The animals set with the test texts `rows` of `texts` (label: the row's index mod 4).
    func writeSet(_ d: TempDir, rows: [Int]) {
        writeAnimalsDataset(d)
        d.write("tst_X.txt", rows.map { texts[$0] }.joined(separator: "\n") + "\n")
        d.write("tst_X_Y.txt", "\(rows.count) 4\n" + rows.map { "\($0 % 4):1" }.joined(separator: "\n") + "\n")
    }

    func recall(_ d: TempDir, rows: Int) throws -> JSONValue? {
        let output = #""output": {"dir": "\#(d.path)", "model": "", "predictions": "", "report": ""}"#
        let config = try studentTestConfig(d, method: "ova", #""threads": 1, "#
                                           + #""evaluation": {"shortlist_recall_rows": \#(rows)}, "# + output)
        return try Run.execute(config).report["shortlist_recall"]
    }

    func testShortlistRecallOnAnEvenlySpacedSampleEqualsRecallOnThoseRows() throws {
        let all = TempDir(), part = TempDir()
        writeSet(all, rows: Array(0..<8))
        writeSet(part, rows: [0, 2, 4, 6])  // 4 of 8, evenly spaced
        let sampled = try XCTUnwrap(try recall(all, rows: 4))
        XCTAssertEqual(sampled["test_rows"], .int(4))
        XCTAssertNotNil(sampled["union"]?["recall_at_10"])
        // The same model (same training set, seed, one thread) measured on just those rows.
        XCTAssertEqual(sampled, try recall(part, rows: 0))
        // 0, or a cap of at least the test split, measures every row.
        let whole = try recall(all, rows: 0)
        XCTAssertEqual(whole?["test_rows"], .int(8))
        XCTAssertEqual(whole, try recall(all, rows: 8))
    }
}
