import Foundation
import XCTest
@testable import LeverEngine

/// Training from memory (`Trainer.train(_:texts:labels:labelTexts:)`, `lever_train_memory`) against
/// training from files holding the same data.
final class InMemoryTrainingTests: XCTestCase {
    /// The animals data as arrays: label texts, rows, each row's label ids.
    static let labelTexts = ["feline cat", "canine dog", "bird avian", "fish aquatic"]
    static let words = [["cat", "kitten", "tabby"], ["dog", "puppy", "hound"], ["bird", "sparrow", "robin"],
                        ["fish", "trout", "salmon"]]
    static let rows: [(text: String, labels: [Int])] = (0..<40).map { i in
        let l = i % 4
        // Every fifth row also carries the next label, so some rows have two.
        return ("\(words[l][i % 3]) number \(i) \(words[l][(i + 1) % 3])", i % 5 == 0 ? [l, (l + 1) % 4] : [l])
    }

    static let config = #"""
    "method": "METHOD", "threads": 2, "seed": 5, "features": {"hash_bits": 12}, "knn": {"neighbours": 3},
    "teacher": {"dim": 16, "epochs": 20, "batch_size": 8, "hard_negatives": 3, "warmup_epochs": 5,
                "cluster_size": 2, "cluster_size_max": 4, "min_df": 1, "learning_rate": 0.05},
    "student": {"epochs": 5, "batch_size": 8, "shortlist": 3, "predict_shortlist": 4}
    """#

    func writeFiles(_ d: TempDir) {
        d.write("Y.txt", Self.labelTexts.joined(separator: "\n") + "\n")
        d.write("trn_X.txt", Self.rows.map(\.text).joined(separator: "\n") + "\n")
        let y = Self.rows.map { $0.labels.map { "\($0):1" }.joined(separator: " ") }
        d.write("trn_X_Y.txt", "\(Self.rows.count) \(Self.labelTexts.count)\n" + y.joined(separator: "\n") + "\n")
    }

    func labelMatrix() -> SparseMatrix {
        var m = SparseMatrix(cols: Self.labelTexts.count)
        for r in Self.rows { m.appendRow(r.labels.map { (Int32($0), Float(1)) }) }
        return m
    }

    func testSameDataAndConfigGiveTheSameModelFromMemoryAsFromFiles() throws {
        let d = TempDir()
        writeFiles(d)
        let queries = ["a tabby kitten", "a young puppy", "robin and sparrow", "trout", "nothing known here"]
        for method in ["knn", "teacher", "lever"] {
            let body = Self.config.replacingOccurrences(of: "METHOD", with: method)
            let fromFiles = try Trainer.train(try RunConfig.parse(#"{"data": {"dir": "\#(d.path)"}, \#(body)}"#)).model
            let fromMemory = try Trainer.train(try Trainer.inMemoryConfig("{\(body)}"), texts: Self.rows.map(\.text),
                                               labels: labelMatrix(), labelTexts: Self.labelTexts).model
            let a = try fromFiles.predict(queries, k: 4), b = try fromMemory.predict(queries, k: 4)
            XCTAssertEqual(a.map { $0.map { $0.0 } }, b.map { $0.map { $0.0 } }, method)
            XCTAssertEqual(a.map { $0.map { $0.1.bitPattern } }, b.map { $0.map { $0.1.bitPattern } }, method)
            XCTAssertEqual(fromMemory.method, fromFiles.method)
            XCTAssertEqual(fromMemory.training["rows"], .int(40))
            XCTAssertEqual(fromMemory.training["label_entries"], .int(48))
            XCTAssertEqual(a[0].first?.0, 0, method)  // and the models learnt something
        }
    }

    func testInMemoryConfigRefusesADataSection() {
        assertLeverError(.config, ["\"data\" is not allowed", "config_json"]) {
            try Trainer.inMemoryConfig(#"{"data": {"dir": "x"}, "method": "knn"}"#)
        }
        assertLeverError(.config, ["knn.neighbors"]) { try Trainer.inMemoryConfig(#"{"knn": {"neighbors": 1}}"#) }
        XCTAssertNoThrow(try Trainer.inMemoryConfig("{}"))
    }

    func testTrainingNeedsRowsAndLabelsThatAgree() {
        let cfg = try! Trainer.inMemoryConfig(#"{"method": "knn"}"#)
        assertLeverError(.invalidArgument, ["texts", "no training rows"]) {
            try Trainer.train(cfg, texts: [], labels: SparseMatrix(cols: 1), labelTexts: ["a"])
        }
        assertLeverError(.invalidArgument, ["label_texts", "no labels"]) {
            try Trainer.train(cfg, texts: ["a"], labels: SparseMatrix(cols: 0), labelTexts: [])
        }
        assertLeverError(.invalidArgument, ["labels: 0 rows"]) {
            try Trainer.train(cfg, texts: ["a"], labels: SparseMatrix(cols: 1), labelTexts: ["a"])
        }
    }

    /// fromCSR over Swift arrays.
    func csr(rows: Int, cols: Int, _ indptr: [Int64], _ ids: [Int64], _ values: [Float]? = nil,
             duplicates: Bool = false) throws -> SparseMatrix {
        try indptr.withUnsafeBufferPointer { p in
            try ids.withUnsafeBufferPointer { i in
                if let values {
                    return try values.withUnsafeBufferPointer { v in
                        try SparseMatrix.fromCSR(rows: rows, cols: cols, indptr: p.baseAddress, ids: i.baseAddress,
                                                 values: .given(v.baseAddress!), what: "labels",
                                                 indptrName: "label_indptr", idsName: "label_ids",
                                                 allowDuplicates: duplicates)
                    }
                }
                return try SparseMatrix.fromCSR(rows: rows, cols: cols, indptr: p.baseAddress, ids: i.baseAddress,
                                                values: .ones, what: "labels", indptrName: "label_indptr",
                                                idsName: "label_ids", allowDuplicates: duplicates)
            }
        }
    }

    func testCSRArraysAreValidatedWithTheArgumentAndRow() throws {
        let m = try csr(rows: 3, cols: 5, [0, 2, 2, 3], [4, 0, 2], [0.5, 1, 2])
        XCTAssertEqual(m.indptr, [0, 2, 2, 3])
        XCTAssertEqual(m.indices, [4, 0, 2])
        XCTAssertEqual(m.values, [0.5, 1, 2])
        XCTAssertEqual(try csr(rows: 1, cols: 5, [0, 2], [1, 3]).values, [1, 1])
        var indptr = [Int64](0...18)
        var ids = [Int64](repeating: 1, count: 18)
        ids[17] = 99
        assertLeverError(.invalidArgument, ["labels: row 17: label id 99 is outside 0..<50"]) {
            try csr(rows: 18, cols: 50, indptr, ids)
        }
        ids[17] = -1
        assertLeverError(.invalidArgument, ["row 17", "label id -1"]) { try csr(rows: 18, cols: 50, indptr, ids) }
        indptr[5] = 3
        assertLeverError(.invalidArgument, ["label_indptr: row 4: offsets decrease"]) {
            try csr(rows: 18, cols: 50, indptr, ids)
        }
        assertLeverError(.invalidArgument, ["label_indptr[0] is 1"]) { try csr(rows: 1, cols: 5, [1, 2], [0, 0]) }
        assertLeverError(.invalidArgument, ["row 0: label id 3 appears twice"]) {
            try csr(rows: 1, cols: 5, [0, 2], [3, 3])
        }
        XCTAssertEqual(try csr(rows: 1, cols: 5, [0, 2], [3, 3], duplicates: true).nnz, 2)
        for bad: Float in [0, -1, .nan, .infinity] {
            assertLeverError(.invalidArgument, ["row 0: label id 3 has value", "finite and > 0"]) {
                try csr(rows: 1, cols: 5, [0, 1], [3], [bad])
            }
        }
        assertLeverError(.invalidArgument, ["label_indptr[1] = \(Int64.max) is too large"]) {
            try csr(rows: 1, cols: 5, [0, Int64.max], [1])
        }
        assertLeverError(.invalidArgument, ["label_indptr is NULL"]) {
            try SparseMatrix.fromCSR(rows: 1, cols: 1, indptr: nil, ids: nil, values: .ones, what: "labels",
                                     indptrName: "label_indptr", idsName: "label_ids", allowDuplicates: false)
        }
        assertLeverError(.invalidArgument, ["label_ids is NULL but label_indptr[1] is 1"]) {
            try [Int64(0), 1].withUnsafeBufferPointer { p in
                try SparseMatrix.fromCSR(rows: 1, cols: 1, indptr: p.baseAddress, ids: nil, values: .ones,
                                         what: "labels", indptrName: "label_indptr", idsName: "label_ids",
                                         allowDuplicates: false)
            }
        }
    }
}
