import Foundation
import XCTest
@testable import LeverEngine

/// A fresh temporary folder per test, removed afterwards.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "lever-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let p = path + "/" + name
        FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    func read(_ name: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: path + "/" + name) ?? Data())
    }
}

/// Asserts that `body` throws a LeverError with `status` whose message contains every fragment.
func assertLeverError<T>(_ status: LeverStatus, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected \(status) error containing \(fragments)", file: file, line: line)
    } catch let e as LeverError {
        XCTAssertEqual(e.status, status, "message: \(e.message)", file: file, line: line)
        for f in fragments {
            XCTAssertTrue(e.message.contains(f), "message \"\(e.message)\" lacks \"\(f)\"", file: file, line: line)
        }
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

/// A tiny but complete XC dataset: 3 labels, 4 training rows, 2 test rows.
func writeTinyDataset(_ dir: TempDir) {
    dir.write("Y.txt", "cat\ndog\nbird\n")
    dir.write("trn_X.txt", "small cat\nbig dog\nsmall bird\ncat and dog\n")
    dir.write("trn_X_Y.txt", "4 3\n0:1\n1:1\n2:1\n0:1 1:1\n")
    dir.write("tst_X.txt", "a cat\na dog\n")
    dir.write("tst_X_Y.txt", "2 3\n0:1\n1:1\n")
}

/// A small dataset where label texts share words with their rows, so a teacher can learn it.
func writeAnimalsDataset(_ d: TempDir) {
    d.write("Y.txt", "feline cat\ncanine dog\nbird avian\nfish aquatic\n")
    var rows: [String] = [], labels: [String] = []
    let words = [["cat", "kitten", "tabby"], ["dog", "puppy", "hound"], ["bird", "sparrow", "robin"], ["fish", "trout", "salmon"]]
    for i in 0..<40 {
        let l = i % 4
        rows.append("\(words[l][i % 3]) number \(i) \(words[l][(i + 1) % 3])")
        labels.append("\(l):1")
    }
    d.write("trn_X.txt", rows.joined(separator: "\n") + "\n")
    d.write("trn_X_Y.txt", "40 4\n" + labels.joined(separator: "\n") + "\n")
    d.write("tst_X.txt", "a tabby kitten\na young puppy\n")
    d.write("tst_X_Y.txt", "2 4\n0:1\n1:1\n")
}


/// The base config with the top-level sections in `extra` (", "key": value ...) replacing its own
/// (duplicate keys are a config error, so the override is done here).
func studentTestConfig(_ d: TempDir, method: String = "lever", _ extra: String = "") throws -> RunConfig {
    let base = try JSONValue.parse(#"""
    {"data": {"dir": "\#(d.path)"}, "method": "\#(method)", "threads": 2, "seed": 5,
     "features": {"hash_bits": 12},
     "teacher": {"dim": 16, "epochs": 20, "batch_size": 8, "hard_negatives": 3, "warmup_epochs": 5,
                 "cluster_size": 2, "cluster_size_max": 4, "min_df": 1, "learning_rate": 0.05},
     "student": {"epochs": 5, "batch_size": 8, "shortlist": 3, "predict_shortlist": 4}}
    """#, source: "base")
    guard case .object(var merged) = base else { throw LeverError(.internal, "base config is not an object") }
    let overrideText = "{" + extra.drop { $0 == "," || $0 == " " } + "}"
    if case .object(let overrides) = try JSONValue.parse(overrideText, source: "extra") {
        for key in overrides.keys { merged[key] = overrides[key] }
    }
    return try RunConfig.parse(JSONValue.object(merged).serialized())
}

/// A model file with its format version set to `major`.`minor`, every checksum recomputed with
/// that major's algorithm (CRC-32 for 1.x, CRC-32C for 2.x).
func withVersion(_ bytes: [UInt8], major: UInt16, minor: UInt16) -> [UInt8] {
    var b = bytes
    b[8] = UInt8(major & 0xFF); b[9] = UInt8(major >> 8)
    b[10] = UInt8(minor & 0xFF); b[11] = UInt8(minor >> 8)
    func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) } }
    func u64(_ at: Int) -> Int { u32(at) | u32(at + 4) << 32 }
    func put(_ v: UInt32, at: Int) { for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) } }
    func sum(_ r: Range<Int>) -> UInt32 {
        Array(b[r]).withUnsafeBytes { ModelFile.checksum($0, major: major == 1 ? 1 : 2) }
    }
    let h = u32(16)
    for s in 0..<u32(20) {
        let entry = 32 + 32 * s
        let offset = u64(entry + 8), length = u64(entry + 16)
        put(sum(offset..<(offset + length)), at: entry + 24)
    }
    put(sum(0..<(h - 4)), at: h - 4)
    return b
}

/// The animals dataset's training split and a teacher view over it (a teacher trained with
/// `studentTestConfig`, every search exact, one thread).
func animalsTeacherView(_ d: TempDir, shortlist: Int, labelTextLists: Bool = true,
                        mining: TeacherView.MiningRequest? = nil) throws -> (data: XCDataset, view: TeacherView) {
    let data = try XCDataset.load(try studentTestConfig(d).paths)
    let teacherModel = try Trainer.train(try studentTestConfig(d, method: "teacher")).model
    guard case .teacher(let teacher) = teacherModel.scorer else {
        throw LeverError(.internal, "expected a teacher model")
    }
    let f = teacherModel.featurizer
    let view = try TeacherView.build(teacher: teacher, inputFeatures: try f.transform(data.train.texts, threads: 1),
                                     labelFeatures: try f.transform(data.labelTexts, threads: 1),
                                     shortlist: shortlist, labelTextLists: labelTextLists, mining: mining,
                                     ann: ANNConfig(), seed: 1, threads: 1, progress: .silent)
    return (data, view)
}

/// Saves `m` in `d`, loads it back and asserts both predict the same labels with bit-identical
/// scores for `texts`; returns the loaded model.
@discardableResult
func assertRoundTripPredictsIdentically(_ m: LeverModel, in d: TempDir, texts: [String], k: Int,
                                        file: StaticString = #filePath, line: UInt = #line) throws -> LeverModel {
    try m.save(to: d.path + "/roundtrip.lever")
    let loaded = try LeverModel.load(from: d.path + "/roundtrip.lever")
    let a = try m.predict(texts, k: k), b = try loaded.predict(texts, k: k)
    XCTAssertEqual(a.map { $0.map { $0.0 } }, b.map { $0.map { $0.0 } }, file: file, line: line)
    XCTAssertEqual(a.map { $0.map { $0.1.bitPattern } }, b.map { $0.map { $0.1.bitPattern } }, file: file, line: line)
    return loaded
}
