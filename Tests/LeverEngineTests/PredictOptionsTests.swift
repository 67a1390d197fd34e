import XCTest
@testable import LeverEngine

/// `LeverModel.predict(_:k:options:)`: exclusions, the score floor and the thread count.
final class PredictOptionsTests: XCTestCase {
    let texts = ["a tabby kitten", "a young puppy", "robin and sparrow", "trout salmon", "cat dog bird fish"]

    func models(_ d: TempDir) throws -> [LeverModel] {
        writeAnimalsDataset(d)
        return try ["knn", "teacher", "lever"].map { try Trainer.train(try studentTestConfig(d, method: $0)).model }
    }

    func testExcludedLabelsAreNeverReturned() throws {
        let d = TempDir()
        for m in try models(d) {
            let plain = try m.predict(texts, k: 4, options: PredictOptions())
            // Exclude each row's best label and, in the last row, also label 3.
            var exclude = SparseMatrix(cols: 4)
            for (i, row) in plain.enumerated() {
                var ids = row.prefix(1).map { $0.0 }
                if i == texts.count - 1 { ids.append(3) }
                exclude.appendRow(ids.map { ($0, Float(1)) })
            }
            let got = try m.predict(texts, k: 4, options: PredictOptions(exclude: exclude))
            for (i, row) in got.enumerated() {
                let banned = Set(exclude.indices[exclude.rowRange(i)])
                XCTAssertTrue(row.allSatisfy { !banned.contains($0.0) }, "\(m.method) row \(i): \(row)")
                // The other labels keep their order and scores.
                XCTAssertEqual(row.map { $0.0 }, plain[i].filter { !banned.contains($0.0) }.map { $0.0 }, m.method)
            }
            let oneRow = SparseMatrix(rows: 1, cols: 4, indptr: [0, 0], indices: [], values: [])
            assertLeverError(.invalidArgument, ["exclude has 1 rows"]) {
                try m.predict(texts, k: 4, options: PredictOptions(exclude: oneRow))
            }
        }
    }

    func testScoreFloorDropsLowerScores() throws {
        let d = TempDir()
        for m in try models(d) {
            let plain = try m.predict(texts, k: 4, options: PredictOptions())
            let scores = plain.flatMap { $0.map { $0.1 } }.sorted()
            let floor = scores[scores.count / 2]
            let got = try m.predict(texts, k: 4, options: PredictOptions(scoreFloor: floor))
            for (i, row) in got.enumerated() {
                XCTAssertTrue(row.allSatisfy { $0.1 >= floor }, m.method)
                XCTAssertEqual(row.map { $0.0 }, plain[i].filter { $0.1 >= floor }.map { $0.0 }, m.method)
            }
            XCTAssertLessThan(got.map(\.count).reduce(0, +), plain.map(\.count).reduce(0, +), m.method)
        }
    }

    func testThreadCountDoesNotChangeResults() throws {
        let d = TempDir()
        let many = (0..<300).map { texts[$0 % texts.count] + " \($0)" }
        for m in try models(d) {
            let one = try m.predict(many, k: 3, options: PredictOptions(threads: 1))
            let two = try m.predict(many, k: 3, options: PredictOptions(threads: 2))
            let auto = try m.predict(many, k: 3, options: PredictOptions())
            for other in [two, auto] {
                XCTAssertEqual(one.map { $0.map { $0.0 } }, other.map { $0.map { $0.0 } }, m.method)
                XCTAssertEqual(one.map { $0.map { $0.1.bitPattern } }, other.map { $0.map { $0.1.bitPattern } },
                               m.method)
            }
        }
    }
}
