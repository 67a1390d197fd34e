import CLever
import Foundation
import XCTest
@testable import LeverEngine

/// Issue 12's input-validation defects: NUL bytes, header counts, zero-valued labels, BOMs, messages.
final class InputValidationTests: XCTestCase {
    // Item 4: a NUL in a label name used to give a model that saved and then could not load.
    func testNulByteInTextLineIsRefusedWithFileAndLine() {
        let d = TempDir()
        writeTinyDataset(d)
        d.write("Y.txt", bytes: Array("cat\ndo".utf8) + [0] + Array("g\nbird\n".utf8))
        assertLeverError(.data, ["Y.txt:2", "NUL byte at column 3"]) { try XCDataset.load(DatasetPaths(dir: d.path)) }
        let t = d.write("t.txt", bytes: Array("ok\nfine\n".utf8) + [0] + Array("\n".utf8))
        assertLeverError(.data, [t + ":3", "NUL"]) { try XCDataset.readTexts(t) }
    }

    // Item 6: a header claiming 10^12 or 2^63-1 rows used to abort while reserving memory for them.
    func testHugeHeaderRowCountIsRefusedBeforeAllocating() {
        let d = TempDir()
        for (i, rows) in ["1000000000000", "9223372036854775807"].enumerated() {
            let p = d.write("h\(i).txt", "\(rows) 3\n0:1\n")
            assertLeverError(.data, [p + ":1", "header says \(rows) rows", "only"]) { try SparseFile.read(p) }
        }
    }

    // Item 14: a zero value is not a positive, in every stage: the entry is dropped at read time.
    func testZeroValuedLabelEntriesAreDropped() throws {
        let d = TempDir()
        let p = d.write("m.txt", "3 3\n0:1 1:0\n2:0\n1:0.5\n")
        let m = try SparseFile.read(p)
        XCTAssertEqual(m.indptr, [0, 1, 1, 2])
        XCTAssertEqual(m.indices, [0, 1])
        XCTAssertEqual(m.values, [1, 0.5])
        let dup = d.write("dup.txt", "1 3\n1:0 1:1\n")
        assertLeverError(.data, [dup + ":2", "appears twice"]) { try SparseFile.read(dup) }
        // Prediction files keep zero scores: they are rankings, not positives.
        let pred = d.write("pred.txt", "1 3\n1:0 2:0.5\n")
        let ranked = try PredictionFile.read(pred, rows: 1, rowsSource: "x", numLabels: 3, labelsSource: "y")
        XCTAssertEqual(ranked[0].count, 2)
    }

    func testZeroValuedLabelIsNotAKNNNeighbourLabel() throws {
        let d = TempDir()
        writeTinyDataset(d)
        d.write("trn_X_Y.txt", "4 3\n0:1 2:0\n1:1\n2:1\n0:1 1:1\n")
        let cfg = try RunConfig.parse(#"{"data": {"dir": "\#(d.path)"}, "method": "knn", "knn": {"neighbours": 1}}"#)
        let model = try Trainer.train(cfg).model
        let ranked = try model.predict(["small cat"], k: 3)[0]
        XCTAssertEqual(ranked.first?.0, 0)
        XCTAssertFalse(ranked.contains { $0.0 == 2 && $0.1 > 0 }, "label 2 came from a zero entry: \(ranked)")
    }

    // Item 17: a leading UTF-8 byte order mark is skipped, not read as part of the first line.
    func testLeadingByteOrderMarkIsSkipped() throws {
        let d = TempDir()
        writeTinyDataset(d)
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        d.write("Y.txt", bytes: bom + Array("cat\ndog\nbird\n".utf8))
        d.write("trn_X_Y.txt", bytes: bom + Array("4 3\n0:1\n1:1\n2:1\n0:1 1:1\n".utf8))
        let data = try XCDataset.load(DatasetPaths(dir: d.path))
        XCTAssertEqual(data.labelTexts, ["cat", "dog", "bird"])
        XCTAssertEqual(data.train.labels.rows, 4)
    }

    // Item 17: a symlink loop is not "file not found".
    func testSymlinkLoopIsNamed() throws {
        let d = TempDir()
        let a = d.path + "/a.txt", b = d.path + "/b.txt"
        XCTAssertEqual(symlink(b, a), 0)
        XCTAssertEqual(symlink(a, b), 0)
        assertLeverError(.io, [a, "symbolic links"]) { try SparseFile.read(a) }
        assertLeverError(.io, [a, "symbolic links"]) { try XCDataset.readTexts(a) }
        assertLeverError(.io, [a, "symbolic links"]) { try LeverModel.load(from: a) }
    }

    // Item 17: control bytes quoted from user data are escaped, so no raw NUL reaches a message.
    func testControlBytesInMessagesAreEscaped() {
        let d = TempDir()
        let p = d.write("m.txt", bytes: Array("1 3\n0:1".utf8) + [0, 0x1B] + Array("x\n".utf8))
        do {
            _ = try SparseFile.read(p)
            XCTFail("expected an error")
        } catch {
            XCTAssertFalse(error.message.utf8.contains(0), error.message)
            XCTAssertFalse(error.message.utf8.contains(0x1B), error.message)
            XCTAssertTrue(error.message.contains("0:1\\0\\x1bx"), error.message)
        }
        XCTAssertEqual(LeverError(.config, "a\u{0}b\nc").message, "a\\0b\\nc")
    }

    // Item 12: what json-c lets through is refused, with the key path.
    func testLenientJSONIsRefusedWithTheKeyPath() throws {
        let cases: [(String, [String])] = [
            (#"{"seed": 100000000000000000000000000000}"#, ["\"seed\"", "64-bit"]),
            (#"{"seed": -9223372036854775809}"#, ["\"seed\"", "64-bit"]),
            (#"{"seed": 18446744073709551615}"#, ["\"seed\"", "64-bit"]),
            (#"{'seed': 3}"#, ["single-quoted"]),
            (#"{"method": 'knn'}"#, ["1:12", "invalid JSON"]),  // json-c refuses this one itself
            (#"{"evaluation": {"propensity_a": NaN}}"#, ["\"evaluation.propensity_a\"", "NaN"]),
            (#"{"evaluation": {"propensity_a": Infinity}}"#, ["\"evaluation.propensity_a\"", "Infinity"]),
            (#"{"evaluation": {"propensity_a": -Infinity}}"#, ["\"evaluation.propensity_a\"", "not a JSON number"]),
            (#"{"evaluation": {"propensity_a": 1e400}}"#, ["\"evaluation.propensity_a\"", "out of range"]),
            (#"{"seed": 1, "seed": "x"}"#, ["\"seed\"", "duplicate key"]),
            (#"{"knn": {"neighbours": "x", "neighbours": 3}}"#, ["\"knn.neighbours\"", "duplicate key"]),
            (#"{"seed": 1, "\u0073eed": 2}"#, ["\"seed\"", "duplicate key"]),
            (#"{"evaluation": {"k": [1, NaN]}}"#, ["\"evaluation.k[1]\"", "NaN"]),
            (#"{"data": {"dir": "a\u0000b"}}"#, ["\"data.dir\"", "NUL"]),
        ]
        for (text, fragments) in cases {
            assertLeverError(.config, ["config:1:"] + fragments) { try RunConfig.parse(text) }
        }
        // Still accepted: escapes, surrogate pairs, negative zero, exponents, the int64 bounds.
        let text = #"{"a": "caf\u00e9 \ud83d\ude00", "b": [-0, 1.5e3, -9223372036854775808], "c": 9223372036854775807}"#
        let ok = try JSONValue.parse(text, source: "t")
        XCTAssertEqual(ok["a"], .string("café 😀"))
        XCTAssertEqual(ok["c"], .int(Int64.max))
    }

    // Item 17: a BOM before a JSON config is accepted; a non-UTF-8 config is a config error.
    func testConfigByteOrderMarkAndNonUTF8() throws {
        let d = TempDir()
        let bom = d.write("bom.json", bytes: [0xEF, 0xBB, 0xBF] + Array(#"{"seed": 7}"#.utf8))
        XCTAssertEqual(try RunConfig.load(path: bom).seed, 7)
        let latin1 = d.write("latin1.json", bytes: Array(#"{"data": {"dir": "caf"#.utf8) + [0xE9] + Array(#""}}"#.utf8))
        assertLeverError(.config, [latin1, "UTF-8"]) { try RunConfig.load(path: latin1) }
    }

    // Item 9: propensity parameters are validated and an unseen label's propensity is finite.
    func testUnseenLabelPropensityIsFiniteWithBZero() throws {
        let inv = Propensity.inverse(labelCounts: [0, 1, 5], trainRows: 10, a: 0.55, b: 0)
        XCTAssertTrue(inv.allSatisfy { $0.isFinite }, "\(inv)")
        XCTAssertEqual(inv[0], inv[1])  // N_l + B is floored at 1
        // B >= 1: the paper's formula unchanged.
        let c = (log(10.0) - 1) * pow(2.5, 0.55)
        XCTAssertEqual(Propensity.inverse(labelCounts: [0], trainRows: 10, a: 0.55, b: 1.5)[0], 1 + c * pow(1.5, -0.55),
                       accuracy: 1e-12)
        // Label 2 has no training row; test row 1 has it and ranks it first.
        let train = SparseMatrix(rows: 2, cols: 3, indptr: [0, 1, 2], indices: [0, 1], values: [1, 1])
        let truth = SparseMatrix(rows: 2, cols: 3, indptr: [0, 1, 2], indices: [0, 2], values: [1, 1])
        let config = EvaluationConfig(ks: [1], propensityA: 0.55, propensityB: 0)
        let r = try Evaluator.evaluate(predictions: [[(0, 1)], [(2, 1)]], truth: truth, filter: nil, trainLabels: train,
                                       config: config)
        XCTAssertEqual(r.overall.value("PSP", k: 1)!, 100, accuracy: 1e-9)
        for (a, b) in [(Double.nan, 1.5), (.infinity, 1.5), (0, 1.5), (0.55, .nan), (0.55, -1), (0.55, .infinity)] {
            let bad = EvaluationConfig(ks: [1], propensityA: a, propensityB: b)
            assertLeverError(.invalidArgument, ["propensity"]) {
                try Evaluator.evaluate(predictions: [[], []], truth: truth, filter: nil, trainLabels: train,
                                       config: bad)
            }
        }
    }

    // Item 6: a huge k in evaluation used to allocate k discounts (10^9) or overflow (Int.max).
    func testHugeEvaluationKIsCappedAtTheLabelCount() throws {
        let train = SparseMatrix(rows: 2, cols: 3, indptr: [0, 1, 2], indices: [0, 1], values: [1, 1])
        let truth = SparseMatrix(rows: 1, cols: 3, indptr: [0, 2], indices: [0, 1], values: [1, 1])
        let preds: [[(Int32, Float)]] = [[(0, 0.9), (2, 0.5), (1, 0.1)]]
        let small = try Evaluator.evaluate(predictions: preds, truth: truth, filter: nil, trainLabels: train,
                                           config: EvaluationConfig(ks: [3]))
        let huge = try Evaluator.evaluate(predictions: preds, truth: truth, filter: nil, trainLabels: train,
                                          config: EvaluationConfig(ks: [1_000_000_000, Int.max]))
        for name in ["nDCG", "PSP", "PSnDCG", "recall", "coverage"] {
            XCTAssertEqual(huge.overall.values[name]![0], small.overall.values[name]![0], accuracy: 1e-9, name)
            XCTAssertEqual(huge.overall.values[name]![1], small.overall.values[name]![0], accuracy: 1e-9, name)
        }
        XCTAssertEqual(huge.overall.values["P"]![0], 100 * 2 / 1e9, accuracy: 1e-12)
    }

    // Item 7: the teacher's batch (and its batch x batch workspace) is clamped to the data.
    func testTeacherBatchIsClampedToTheItems() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let cfg = try RunConfig.parse(#"""
        {"data": {"dir": "\#(d.path)"}, "method": "teacher", "threads": 1, "features": {"hash_bits": 10},
         "teacher": {"dim": 8, "epochs": 2, "batch_size": 65536, "min_df": 1, "warmup_epochs": 1}}
        """#)
        let model = try Trainer.train(cfg).model
        XCTAssertEqual(try model.predict(["a tabby kitten"], k: 1)[0].count, 1)
        XCTAssertEqual(TeacherTrainer.effectiveBatchSize(65_536, items: 4), 4)
        XCTAssertEqual(TeacherTrainer.effectiveBatchSize(512, items: 100_000), 512)
        XCTAssertEqual(TeacherTrainer.effectiveBatchSize(512, items: 1), 2)
    }

    // Item 16: checksum-valid NaN values and a method that disagrees with the sections are corrupt.
    func testModelLoadRefusesNonFiniteValues() throws {
        let d = TempDir()
        writeTinyDataset(d)
        let cfg = try RunConfig.parse(
            #"{"data": {"dir": "\#(d.path)"}, "method": "knn", "features": {"hash_bits": 8}}"#)
        let good = try Trainer.train(cfg).model
        var idf = good.featurizer.idf
        idf[3] = .nan
        let nanIDF = LeverModel(config: good.config, labelTexts: good.labelTexts,
                                featurizer: TfidfFeaturizer(config: good.featurizer.config, idf: idf),
                                scorer: good.scorer)
        let path = d.path + "/nan.lever"
        try nanIDF.save(to: path)
        assertLeverError(.corrupt, [path, "FEATURES", "IDF", "non-finite"]) { try LeverModel.load(from: path) }
        guard case .knn(let index) = good.scorer else { return XCTFail("expected kNN") }
        var postings = index.postings
        postings.values[0] = .infinity
        let infKNN = LeverModel(config: good.config, labelTexts: good.labelTexts, featurizer: good.featurizer,
                                scorer: .knn(KNNIndex(config: index.config, postings: postings,
                                                      trainLabels: index.trainLabels)))
        try infKNN.save(to: path)
        assertLeverError(.corrupt, [path, "KNN", "non-finite"]) { try LeverModel.load(from: path) }
    }

    func testModelMethodMustAgreeWithItsSections() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let cfg = try RunConfig.parse(#"""
        {"data": {"dir": "\#(d.path)"}, "method": "lever", "threads": 1, "features": {"hash_bits": 10},
         "teacher": {"dim": 8, "epochs": 1, "batch_size": 8, "min_df": 1}, "student": {"epochs": 1}}
        """#)
        let path = d.path + "/m.lever"
        try Trainer.train(cfg).model.save(to: path)
        let sections = try ModelFile.decode(d.read("m.lever"), path: path)
        var relabelled = ModelFile.Sections()
        for tag in sections.order {
            if tag == "META" {
                let meta = String(decoding: sections[tag]!, as: UTF8.self)
                    .replacingOccurrences(of: "\"lever\"", with: "\"teacher\"")
                relabelled.add(tag, Array(meta.utf8))
            } else {
                relabelled.add(tag, sections[tag]!)
            }
        }
        let bad = d.write("relabelled.lever", bytes: ModelFile.encode(relabelled))
        assertLeverError(.corrupt, [bad, "teacher", "STUDENT section"]) { try LeverModel.load(from: bad) }
        // Section-level errors name the file too.
        var broken = ModelFile.Sections()
        for tag in sections.order {
            broken.add(tag, tag == "TEACHER" ? Array(sections[tag]!.prefix(10)) : sections[tag]!)
        }
        let cut = d.write("cut.lever", bytes: ModelFile.encode(broken))
        assertLeverError(.corrupt, [cut + ": model section TEACHER"]) { try LeverModel.load(from: cut) }
    }

    // Item 17: k = SIZE_MAX through the C API is "too large", not "must be at least 1".
    func testCAPIHugeKIsNamedTooLarge() throws {
        let d = TempDir()
        writeTinyDataset(d)
        let path = d.path + "/m.lever"
        let cfg = try RunConfig.parse(#"{"data": {"dir": "\#(d.path)"}, "method": "knn"}"#)
        try Trainer.train(cfg).model.save(to: path)
        var handle: OpaquePointer?
        XCTAssertEqual(lever_model_load(path, &handle), LEVER_OK)
        defer { lever_model_free(handle) }
        var labels = [Int64](repeating: 0, count: 4)
        let status = "cat".withCString { (text) -> lever_status in
            var texts: [UnsafePointer<CChar>?] = [text]
            return lever_model_predict(handle, &texts, 1, Int(bitPattern: UInt.max), &labels, nil)
        }
        XCTAssertEqual(status, LEVER_ERR_INVALID_ARG)
        let message = String(cString: lever_last_error())
        XCTAssertTrue(message.contains("18446744073709551615 is too large"), message)
    }
}
