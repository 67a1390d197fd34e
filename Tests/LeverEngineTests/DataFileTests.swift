import XCTest
@testable import LeverEngine

/// The data layer's malformed-input rules: every error names the file and the line.
final class DataFileTests: XCTestCase {
    func testReadsWellFormedDataset() throws {
        let d = TempDir()
        writeTinyDataset(d)
        let data = try XCDataset.load(DatasetPaths(dir: d.path))
        XCTAssertEqual(data.numLabels, 3)
        XCTAssertEqual(data.train.texts, ["small cat", "big dog", "small bird", "cat and dog"])
        XCTAssertEqual(data.train.labels.indptr, [0, 1, 2, 3, 5])
        XCTAssertEqual(data.train.labels.indices, [0, 1, 2, 0, 1])
        XCTAssertEqual(data.test.filter.nnz, 0)
    }

    func testEmptyRowsAndCarriageReturnsAndExponents() throws {
        let d = TempDir()
        let p = d.write("m.txt", "3 4\r\n1:0.5 3:2e-1\r\n\n0:1.000\n")
        let m = try SparseFile.read(p)
        XCTAssertEqual(m.rows, 3)
        XCTAssertEqual(m.indptr, [0, 2, 2, 3])
        XCTAssertEqual(m.values, [0.5, 0.2, 1])
    }

    func testBadHeader() {
        let d = TempDir()
        let p = d.write("m.txt", "three 4\n")
        assertLeverError(.data, [p + ":1", "bad header"]) { try SparseFile.read(p) }
        let e = d.write("e.txt", "")
        assertLeverError(.data, [e, "empty file"]) { try SparseFile.read(e) }
    }

    func testRowCountMismatchWithTextFile() {
        let d = TempDir()
        writeTinyDataset(d)
        d.write("trn_X.txt", "small cat\nbig dog\nsmall bird\n")
        assertLeverError(.data, ["trn_X_Y.txt:1", "4 rows", "trn_X.txt", "has 3"]) { try XCDataset.load(DatasetPaths(dir: d.path)) }
    }

    func testRowCountMismatchWithHeader() {
        let d = TempDir()
        let p = d.write("m.txt", "3 4\n0:1\n1:1\n")
        assertLeverError(.data, [p, "header says 3 rows but the file has 2"]) { try SparseFile.read(p) }
        let q = d.write("n.txt", "1 4\n0:1\n1:1\n")
        assertLeverError(.data, [q + ":3", "more rows than the header's 1"]) { try SparseFile.read(q) }
    }

    func testLabelOutOfRange() {
        let d = TempDir()
        let p = d.write("m.txt", "2 3\n0:1\n3:1\n")
        assertLeverError(.data, [p + ":3", "index 3 out of range"]) { try SparseFile.read(p) }
    }

    func testColumnCountMismatchWithLabelFile() {
        let d = TempDir()
        writeTinyDataset(d)
        d.write("Y.txt", "cat\ndog\n")
        assertLeverError(.data, ["trn_X_Y.txt:1", "3 columns", "Y.txt"]) { try XCDataset.load(DatasetPaths(dir: d.path)) }
    }

    func testNegativeNaNAndInfiniteValues() {
        let d = TempDir()
        for (name, bad) in [("neg", "0:-1"), ("nan", "0:nan"), ("inf", "0:inf"), ("huge", "0:1e999")] {
            let p = d.write(name, "1 3\n\(bad)\n")
            assertLeverError(.data, [p + ":2"]) { try SparseFile.read(p) }
        }
    }

    func testMalformedPairs() {
        let d = TempDir()
        for (i, bad) in ["0", "0:", ":1", "a:1", "0:1x", "0;1", "0:1:2"].enumerated() {
            let p = d.write("m\(i).txt", "1 3\n\(bad)\n")
            assertLeverError(.data, [p + ":2", "malformed"]) { try SparseFile.read(p) }
        }
    }

    func testDuplicateLabelInRow() {
        let d = TempDir()
        let p = d.write("m.txt", "1 3\n1:1 1:1\n")
        assertLeverError(.data, [p + ":2", "appears twice"]) { try SparseFile.read(p) }
    }

    func testInvalidUTF8InTexts() {
        let d = TempDir()
        let p = d.write("t.txt", bytes: Array("ok\nbad ".utf8) + [0xC3, 0x28] + Array("\n".utf8))
        assertLeverError(.data, [p + ":2", "invalid UTF-8"]) { try XCDataset.readTexts(p) }
    }

    func testMissingFile() {
        let d = TempDir()
        assertLeverError(.io, [d.path + "/nope.txt", "not found"]) { try SparseFile.read(d.path + "/nope.txt") }
        assertLeverError(.io, ["Y.txt", "not found"]) { try XCDataset.load(DatasetPaths(dir: d.path)) }
    }

    func testFilterFileRules() throws {
        let d = TempDir()
        writeTinyDataset(d)
        d.write("tst_filter_labels.txt", "0 2\n1 0\n1 0\n")
        let data = try XCDataset.load(DatasetPaths(dir: d.path))
        XCTAssertEqual(data.test.filter.indptr, [0, 1, 2])
        XCTAssertEqual(data.test.filter.indices, [2, 0])
        d.write("tst_filter_labels.txt", "0 2\n5 0\n")
        assertLeverError(.data, ["tst_filter_labels.txt:2", "row 5 out of range"]) { try XCDataset.load(DatasetPaths(dir: d.path)) }
        d.write("tst_filter_labels.txt", "0 9\n")
        assertLeverError(.data, ["tst_filter_labels.txt:1", "label 9 out of range"]) { try XCDataset.load(DatasetPaths(dir: d.path)) }
        d.write("tst_filter_labels.txt", "0\n")
        assertLeverError(.data, ["tst_filter_labels.txt:1", "ROW LABEL"]) { try XCDataset.load(DatasetPaths(dir: d.path)) }
    }

    func testPredictionFileRoundTripSortsByScore() throws {
        let d = TempDir()
        let p = d.path + "/pred.txt"
        try PredictionFile.write(p, numLabels: 5, rows: [[(3, 0.9), (1, 0.5)], [], [(4, 1e-7)]])
        XCTAssertEqual(String(decoding: d.read("pred.txt"), as: UTF8.self), "3 5\n3:0.9 1:0.5\n\n4:1e-07\n")
        d.write("unsorted.txt", "1 5\n1:0.2 2:-0.5 0:0.7 4:0.2\n")
        let rows = try PredictionFile.read(d.path + "/unsorted.txt", rows: 1, rowsSource: "x", numLabels: 5, labelsSource: "y")
        XCTAssertEqual(rows[0].map { $0.0 }, [0, 1, 4, 2])
    }
}
