import XCTest
@testable import LeverEngine

final class FeatureDropoutTests: XCTestCase {
    func matrix() -> SparseMatrix {
        var m = SparseMatrix(cols: 1000)
        m.appendRow((0..<400).map { (Int32($0 * 2), Float($0 + 1)) })
        m.appendRow([(Int32(7), Float(0.5)), (Int32(9), Float(2))])
        m.appendRow([(Int32(3), Float(1))])
        return m
    }

    func testRateZeroKeepsTheRowsInTheGivenOrder() {
        let m = matrix()
        var rng = SeededRandom(seed: 5)
        let out = m.droppingFeatures(rows: [2, 0], rate: 0, rng: &rng)
        XCTAssertEqual(out.rows, 2)
        XCTAssertEqual(Array(out.indices[out.rowRange(0)]), [3])
        XCTAssertEqual(Array(out.indices[out.rowRange(1)]), Array(m.indices[m.rowRange(0)]))
    }

    func testDropsAboutTheRateKeepsOrderAndIsSeeded() {
        let m = matrix()
        var a = SeededRandom(seed: 9), b = SeededRandom(seed: 9)
        let x = m.droppingFeatures(rows: [0], rate: 0.5, rng: &a)
        let y = m.droppingFeatures(rows: [0], rate: 0.5, rng: &b)
        XCTAssertEqual(x, y)
        let kept = x.rowRange(0).count
        XCTAssertGreaterThan(kept, 140)  // 400 entries kept with probability 1/2
        XCTAssertLessThan(kept, 260)
        let ids = Array(x.indices[x.rowRange(0)])
        XCTAssertEqual(ids, ids.sorted())
        for j in x.rowRange(0) { XCTAssertEqual(x.values[j], Float(x.indices[j] / 2 + 1)) }  // values travel along
    }

    func testARowNeverLosesAllItsFeatures() {
        let m = matrix()
        var rng = SeededRandom(seed: 1)
        let out = m.droppingFeatures(rows: [1, 2, 1], rate: 0.95, rng: &rng)
        for r in 0..<out.rows { XCTAssertGreaterThanOrEqual(out.rowRange(r).count, 1) }
        if out.rowRange(0).count == 1 { XCTAssertEqual(out.indices[out.rowRange(0).lowerBound], 9) }  // the largest
    }

    func testTrainingWithDropoutIsDeterministicAndChangesTheStudent() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let plain = try Trainer.train(try studentTestConfig(d, method: "ova", #", "student": {"feature_dropout": 0}"#)).model
        let extra = #", "student": {"feature_dropout": 0.5}"#
        let a = try Trainer.train(try studentTestConfig(d, method: "ova", extra)).model
        let b = try Trainer.train(try studentTestConfig(d, method: "ova", extra)).model
        let texts = ["a tabby kitten", "a young puppy", "salmon and trout"]
        let (pa, pb, pp) = (try a.predict(texts, k: 3), try b.predict(texts, k: 3), try plain.predict(texts, k: 3))
        XCTAssertEqual(pa.map { $0.map { $0.1.bitPattern } }, pb.map { $0.map { $0.1.bitPattern } })
        XCTAssertNotEqual(pa.map { $0.map { $0.1.bitPattern } }, pp.map { $0.map { $0.1.bitPattern } })
    }
}
