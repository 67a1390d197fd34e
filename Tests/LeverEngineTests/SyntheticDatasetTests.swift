import Foundation
import XCTest
@testable import LeverEngine
@testable import LeverTools

/// `lever data synthetic`: deterministic, loadable, long-tailed, every label trained.
final class SyntheticDatasetTests: XCTestCase {
    func options(seed: UInt64 = 5) -> SyntheticDataset.Options {
        var o = SyntheticDataset.Options()
        o.labels = 400
        o.trainRows = 1_600
        o.seed = seed
        return o
    }

    func files(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in ["Y.txt", "trn_X.txt", "trn_X_Y.txt", "tst_X.txt", "tst_X_Y.txt"] {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
        return out
    }

    func testSameSeedSameFilesOtherSeedOtherFiles() throws {
        let a = TempDir(), b = TempDir(), c = TempDir()
        _ = try SyntheticDataset.build(options: options(), outDir: a.path)
        _ = try SyntheticDataset.build(options: options(), outDir: b.path)
        _ = try SyntheticDataset.build(options: options(seed: 6), outDir: c.path)
        XCTAssertEqual(try files(a.path), try files(b.path))
        XCTAssertNotEqual(try files(a.path)["trn_X.txt"], try files(c.path)["trn_X.txt"])
    }

    func testLoadsAsAnXCDatasetWithALongTailAndEveryLabelTrained() throws {
        let d = TempDir()
        let stats = try SyntheticDataset.build(options: options(), outDir: d.path)
        let data = try XCDataset.load(DatasetPaths(dir: d.path))
        XCTAssertEqual(data.labelTexts.count, 400)
        XCTAssertEqual(data.train.labels.rows, 1_600)
        XCTAssertEqual(data.test.labels.rows, 400)
        var counts = [Int](repeating: 0, count: 400)
        for j in 0..<data.train.labels.indices.count { counts[Int(data.train.labels.indices[j])] += 1 }
        XCTAssertEqual(counts.filter { $0 == 0 }.count, 0, "every label has a training row")
        XCTAssertEqual(stats.labelsWithoutTrainRows, 0)
        XCTAssertGreaterThan(counts.filter { $0 <= 5 }.count, 200, "most labels are in the tail")
        XCTAssertGreaterThan(counts.max() ?? 0, 50, "a head label is frequent")
        XCTAssertEqual(Set(data.labelTexts).count, 400, "label texts are distinct")
        // A row's text holds a word of each of its labels' names.
        let texts = try XCDataset.readTexts(d.path + "/trn_X.txt")
        for r in 0..<50 {
            let words = Set(texts[r].split(separator: " ").map(String.init))
            for j in data.train.labels.rowRange(r) {
                let name = data.labelTexts[Int(data.train.labels.indices[j])].split(separator: " ").map(String.init)
                XCTAssertFalse(words.isDisjoint(with: name), "row \(r): \(texts[r]) lacks a word of \(name)")
            }
        }
    }

    func testBadSizesAreRefusedWithTheirName() {
        var o = options()
        o.labels = 0
        XCTAssertThrowsError(try SyntheticDataset.build(options: o, outDir: TempDir().path)) {
            XCTAssertTrue(String(describing: $0).contains("labels is 0"), "\($0)")
        }
        o = options()
        o.zipf = .nan
        XCTAssertThrowsError(try SyntheticDataset.build(options: o, outDir: TempDir().path)) {
            XCTAssertTrue(String(describing: $0).contains("zipf"), "\($0)")
        }
    }
}
