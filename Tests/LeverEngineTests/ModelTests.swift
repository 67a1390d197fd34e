import XCTest
@testable import LeverEngine

final class ModelTests: XCTestCase {
    func trainTiny(_ d: TempDir, extra: String = "") throws -> LeverModel {
        writeTinyDataset(d)
        let cfg = try RunConfig.parse(#"{"data": {"dir": "\#(d.path)"}, "method": "knn", "knn": {"neighbours": 2}, "features": {"hash_bits": 12}\#(extra)}"#)
        return try Trainer.train(cfg).model
    }

    func testKNNPredictsNearestRowsLabels() throws {
        let d = TempDir()
        let m = try trainTiny(d)
        let p = try m.predict(["small cat", "a big dog"], k: 3)
        XCTAssertEqual(p[0].first?.0, 0)
        XCTAssertEqual(p[1].first?.0, 1)
        XCTAssertEqual(try m.predict(["zzzz qqqq"], k: 3)[0].count, 0)  // nothing shared: no labels
    }

    func testSaveLoadPredictIsBitIdentical() throws {
        let d = TempDir()
        let m = try trainTiny(d)
        let path = d.path + "/m.lever"
        try m.save(to: path)
        let loaded = try LeverModel.load(from: path)
        XCTAssertEqual(loaded.labelTexts, m.labelTexts)
        XCTAssertEqual(loaded.config, m.config)
        let texts = ["small cat", "big dog and bird", "cat"]
        let a = try m.predict(texts, k: 3), b = try loaded.predict(texts, k: 3)
        XCTAssertEqual(a.map { $0.map { $0.0 } }, b.map { $0.map { $0.0 } })
        XCTAssertEqual(a.map { $0.map { $0.1.bitPattern } }, b.map { $0.map { $0.1.bitPattern } })
    }

    func testDamagedModelFilesGetTheirOwnStatus() throws {
        let d = TempDir()
        let m = try trainTiny(d)
        let path = d.path + "/m.lever"
        try m.save(to: path)
        let good = d.read("m.lever")
        var flipped = good
        flipped[good.count - 10] ^= 0x40
        assertLeverError(.corrupt, ["checksum"]) { try LeverModel.load(from: d.write("flip.lever", bytes: flipped)) }
        assertLeverError(.corrupt, ["truncated"]) { try LeverModel.load(from: d.write("trunc.lever", bytes: Array(good.prefix(good.count - 100)))) }
        assertLeverError(.corrupt, []) { try LeverModel.load(from: d.write("short.lever", bytes: Array(good.prefix(20)))) }
        var version = good
        version[8] = 9
        assertLeverError(.version, ["format 9.\(ModelFile.formatMinor)"]) {
            try LeverModel.load(from: d.write("v.lever", bytes: version))
        }
        assertLeverError(.notAModel, ["not a Lever model"]) { try LeverModel.load(from: d.write("x.lever", "hello world, not a model")) }
        assertLeverError(.io, ["not found"]) { try LeverModel.load(from: d.path + "/missing.lever") }
        assertLeverError(.io, ["folder"]) { try LeverModel.load(from: d.path) }
    }

    func testEveryTruncationAndByteFlipFailsCleanly() throws {
        let d = TempDir()
        let m = try trainTiny(d)
        try m.save(to: d.path + "/m.lever")
        let good = d.read("m.lever")
        for cut in stride(from: 0, to: good.count, by: max(1, good.count / 97)) {
            XCTAssertThrowsError(try ModelFile.decode(Array(good.prefix(cut)), path: "cut"))
        }
        for i in stride(from: 0, to: good.count, by: max(1, good.count / 211)) {
            var b = good
            b[i] ^= 0xFF
            XCTAssertThrowsError(try LeverModel.load(from: d.write("f.lever", bytes: b)), "flip at \(i)")
        }
    }

    func testFailedSaveLeavesExistingFileIntact() throws {
        let d = TempDir()
        let target = d.write("keep.txt", "precious")
        XCTAssertThrowsError(try FileIO.writeAtomically(target) { (sink) throws(LeverError) in
            try sink.write("half written")
            throw LeverError(.io, "simulated failure")
        })
        XCTAssertEqual(String(decoding: d.read("keep.txt"), as: UTF8.self), "precious")
        let left = try FileManager.default.contentsOfDirectory(atPath: d.path).filter { $0.contains(".lever-tmp-") }
        XCTAssertEqual(left, [])
    }

    func testTopKOrderIsIndependentOfArrivalOrder() {
        var a = TopK(3), b = TopK(3)
        let items: [(Int32, Float)] = [(5, 0.5), (1, 0.5), (9, 0.9), (2, 0.1), (7, 0.5)]
        for (i, s) in items { a.push(i, s) }
        for (i, s) in items.reversed() { b.push(i, s) }
        XCTAssertEqual(a.sorted().map { $0.0 }, [9, 1, 5])
        XCTAssertEqual(b.sorted().map { $0.0 }, [9, 1, 5])
    }

    func testTokenizerIsUnicodeAware() {
        let t = Tokenizer.tokens("Straße ÉCOLE, naïve-café 42x")
        let s = t.map { String(String.UnicodeScalarView($0.compactMap(Unicode.Scalar.init))) }
        XCTAssertEqual(s, ["straße", "école", "naïve", "café", "42x"])
    }

    func testFeaturesAreDeterministicAndNormalised() throws {
        let f = try TfidfFeaturizer.fit(["a b c", "b c d"], config: FeatureConfig(hashBits: 12), threads: 2)
        let m1 = try f.transform(["b c a", "d"], threads: 1)
        let m2 = try f.transform(["b c a", "d"], threads: 2)
        XCTAssertEqual(m1, m2)
        let norm = m1.rowRange(0).map { m1.values[$0] * m1.values[$0] }.reduce(0, +)
        XCTAssertEqual(norm, 1, accuracy: 1e-5)
    }

    func testEveryMethodSavesItsKindsSectionsAndLoads() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        for method in Method.allCases {
            // The student's optional sparse term, its row source and their HNSW graphs (a shortlist
            // shorter than the 4 labels) on, so the tiny student has every part.
            let student = #", "student": {"epochs": 5, "batch_size": 8, "shortlist": 3, "predict_shortlist": 3, "#
                + #""sparse": true, "row_shortlist": 2}, "ann": {"min_items": 0}"#
            let m = try Trainer.train(try studentTestConfig(d, method: method.rawValue, student)).model
            XCTAssertEqual(m.method, method.modelMethod)
            try m.save(to: d.path + "/m.lever")
            let bytes = d.read("m.lever")
            XCTAssertEqual(Array(bytes[8..<12]), [UInt8(ModelFile.formatMajor), 0, UInt8(ModelFile.formatMinor), 0])
            let tags = try ModelFile.decode(bytes, path: "m").order
            XCTAssertEqual(Array(tags.prefix(4)), ["META", "CONFIG", "LABELS", "FEATURES"])
            let kind = try XCTUnwrap(ScorerKind(rawValue: method.modelMethod))
            XCTAssertEqual(Set(tags.dropFirst(4)), kind.sections, "\(method)")  // the tiny student has every part
            let loaded = try LeverModel.load(from: d.path + "/m.lever")
            XCTAssertEqual(loaded.method, method.modelMethod)
            let texts = ["a tabby kitten", "salmon"]
            let a = try m.predict(texts, k: 3), b = try loaded.predict(texts, k: 3)
            XCTAssertEqual(a.map { $0.map { $0.0 } }, b.map { $0.map { $0.0 } }, "\(method)")
            XCTAssertEqual(a.map { $0.map { $0.1.bitPattern } }, b.map { $0.map { $0.1.bitPattern } }, "\(method)")
        }
    }

    /// Format 1.0 (main before the SPARSE and LEXICAL sections): a student without those parts.
    func testFormat10StudentWithoutSparseOrLexicalSectionsLoads() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let cfg = try studentTestConfig(d, #"""
            , "student": {"epochs": 5, "batch_size": 8, "shortlist": 3, "predict_shortlist": 4,
                          "lexical_shortlist": 0, "row_shortlist": 0, "sparse": false, "linear": false}
            """#)
        let m = try Trainer.train(cfg).model
        try m.save(to: d.path + "/m.lever")
        let old = withVersion(d.read("m.lever"), major: 1, minor: 0)
        XCTAssertEqual(try ModelFile.decode(old, path: "old").order,
                       ["META", "CONFIG", "LABELS", "FEATURES", "TEACHER", "STUDENT"])
        let loaded = try LeverModel.load(from: d.write("old.lever", bytes: old))
        guard case .student(let s) = loaded.scorer else { return XCTFail("expected a student model") }
        XCTAssertNil(s.sparse)
        XCTAssertNil(s.linear)
        XCTAssertNil(s.lexical)
        let texts = ["a tabby kitten", "a young puppy", "salmon and trout"]
        let a = try m.predict(texts, k: 3), b = try loaded.predict(texts, k: 3)
        XCTAssertEqual(a.map { $0.map { $0.0 } }, b.map { $0.map { $0.0 } })
        XCTAssertEqual(a.map { $0.map { $0.1.bitPattern } }, b.map { $0.map { $0.1.bitPattern } })
        // A later minor only adds sections: it loads too.
        let newerMinor = d.write("newer-minor.lever", bytes: withVersion(old, major: 1, minor: 7))
        XCTAssertNoThrow(try LeverModel.load(from: newerMinor))
    }

    func testEncoderTablesAreStoredAsInt4OrInt8RowsAndHalfAndFullFloatsStillLoad() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let m = try Trainer.train(try studentTestConfig(d, method: "teacher")).model
        guard case .teacher(let trained) = m.scorer else { return XCTFail("expected a teacher") }
        guard case .int4 = trained.encoder.table.values else { return XCTFail("a trained table is int4 by default") }
        let t = TeacherScorer(encoder: trained.encoder.quantized(.int8), labelEmbeddings: trained.labelEmbeddings,
                              numLabels: trained.numLabels)
        guard case .int8 = t.encoder.table.values else { return XCTFail("expected int8 rows") }
        func coded(_ e: SparseEncoder) throws -> (bytes: Int, table: [Float]) {
            var w = ByteWriter()
            e.encode(into: &w)
            let bytes = w.bytes
            let back = try bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw, section: "TEACHER")
                return try SparseEncoder.decode(&r)
            }
            return (bytes.count, back.table.floats)
        }
        let int8 = try coded(t.encoder), int4 = try coded(trained.encoder)
        XCTAssertEqual(int8.table, t.encoder.table.floats)
        XCTAssertEqual(int4.table, trained.encoder.table.floats)
        XCTAssertLessThan(int4.bytes, int8.bytes - int8.table.count / 3)
        // A half-exact float table (as 1.1 and 2.0 files hold) is kept as half floats.
        let halves = t.encoder.table.floats.map { Float(Float16($0)) }
        let halfEncoder = SparseEncoder(dim: t.encoder.dim, vocabulary: t.encoder.vocabulary,
                                        table: EncoderTable(halves))
        let half = try coded(halfEncoder)
        XCTAssertEqual(half.table, halves)
        XCTAssertGreaterThan(half.bytes, int8.bytes + halves.count / 2)
        // A table that is not half-exact (as in 1.0 files) is kept in full precision.
        var floats = halves
        floats[0] = 0.1
        let full = SparseEncoder(dim: t.encoder.dim, vocabulary: t.encoder.vocabulary, table: EncoderTable(floats))
        let f = try coded(full)
        XCTAssertEqual(f.table, floats)
        XCTAssertGreaterThan(f.bytes, half.bytes + full.table.count)
    }

    func testOtherMajorOrUnknownMethodIsRefusedWithWhatToDo() throws {
        let d = TempDir()
        let m = try trainTiny(d)
        try m.save(to: d.path + "/m.lever")
        let good = d.read("m.lever")
        let next = ModelFile.formatMajor + 1
        let newer = d.write("newer.lever", bytes: withVersion(good, major: next, minor: 0))
        assertLeverError(.version, [newer, "format \(next).0", "reads formats 1.x to \(ModelFile.formatMajor).x",
                                    "newer Lever", "retrain"]) {
            try LeverModel.load(from: newer)
        }
        let older = d.write("older.lever", bytes: withVersion(good, major: 0, minor: 9))
        assertLeverError(.version, [older, "format 0.9", "older Lever", "retrain"]) { try LeverModel.load(from: older) }
        // A method this library does not know (a newer Lever's scorer) is a version error too.
        let sections = try ModelFile.decode(good, path: "m")
        var relabelled = ModelFile.Sections()
        for tag in sections.order {
            let meta = String(decoding: sections[tag]!, as: UTF8.self)
                .replacingOccurrences(of: "\"knn\"", with: "\"forest\"")
            relabelled.add(tag, tag == "META" ? Array(meta.utf8) : sections[tag]!)
        }
        let unknown = d.write("forest.lever", bytes: ModelFile.encode(relabelled))
        assertLeverError(.version, [unknown, "method \"forest\"", "knn, teacher, lever", "retrain"]) {
            try LeverModel.load(from: unknown)
        }
    }

    func testCancellationStopsTraining() throws {
        let d = TempDir()
        writeTinyDataset(d)
        let cfg = try RunConfig.parse(#"{"data": {"dir": "\#(d.path)"}}"#)
        assertLeverError(.cancelled, ["cancelled"]) { try Trainer.train(cfg, progress: Progress { _, _, _ in false }) }
    }
}

final class CRC32Tests: XCTestCase {
    func testKnownValuesAndAllLengths() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)  // the standard check value
        XCTAssertEqual(CRC32.checksum([]), 0)
        // The sliced loop agrees with the bytewise definition at every length and offset.
        var rng = SeededRandom(seed: 9)
        let data = (0..<100).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for n in 0...data.count {
            var c: UInt32 = 0xFFFF_FFFF
            for b in data.prefix(n) {
                c ^= UInt32(b)
                for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            }
            XCTAssertEqual(CRC32.checksum(Array(data.prefix(n))), c ^ 0xFFFF_FFFF, "length \(n)")
        }
    }
}

final class HugeKTests: XCTestCase {
    func testHugeKIsCappedAtTheLabelCount() throws {
        let d = TempDir()
        writeTinyDataset(d)
        let cfg = try RunConfig.parse(#"{"data": {"dir": "\#(d.path)"}, "method": "knn", "features": {"hash_bits": 12}}"#)
        let m = try Trainer.train(cfg).model
        XCTAssertLessThanOrEqual(try m.predict(["small cat"], k: Int.max / 2)[0].count, 3)
    }
}

final class RankEmbeddingsTests: XCTestCase {
    func testZeroKIsAnErrorNotATrap() throws {
        XCTAssertTrue(TopK(0).admits(1) == false)
        let d = TempDir()
        writeAnimalsDataset(d)
        let cfg = try RunConfig.parse(#"""
        {"data": {"dir": "\#(d.path)"}, "method": "teacher", "features": {"hash_bits": 12},
         "teacher": {"dim": 8, "epochs": 2, "min_df": 1, "batch_size": 8}}
        """#)
        let m = try Trainer.train(cfg).model
        let q = try m.embed(["a tabby kitten"])
        assertLeverError(.invalidArgument, ["k must be"]) { try m.rankEmbeddings(q, count: 1, k: 0) }
        XCTAssertEqual(try m.rankEmbeddings(q, count: 1, k: 1000)[0].count, 4)
    }
}
