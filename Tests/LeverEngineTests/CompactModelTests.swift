import Foundation
import XCTest
import CLever
@testable import LeverEngine

/// Issue 10 item 3: a smaller model file (int8 and int4 encoder tables, the vocabulary stored once and
/// compactly, a truncated lexical index, the IDF palette) that still loads the files older versions wrote.
final class CompactModelTests: XCTestCase {
    /// Tests/fixtures/format-2.0 (and format-3.0): a `lever` model written by Lever's format 2.0 (3.0),
    /// the texts it was asked about and what it answered then (see the folder's README.md).
    static let fixture = fixture("2.0")

    static func fixture(_ version: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/format-\(version)").path
    }

    func fixtureLines(_ name: String, in folder: String = CompactModelTests.fixture) throws -> [String] {
        let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// The fixture's expected predictions: per text (label, score) pairs as `lever predict` wrote them.
    func expectedPredictions(in folder: String = CompactModelTests.fixture) throws -> [[(Int32, Float)]] {
        try fixtureLines("expected.txt", in: folder).dropFirst().map { line in
            line.split(separator: " ").map { pair in
                let parts = pair.split(separator: ":")
                return (Int32(parts[0])!, Float(String(parts[1]))!)
            }
        }
    }

    func assertPredicts(_ m: LeverModel, _ expected: [[(Int32, Float)]], _ texts: [String],
                        line: UInt = #line) throws {
        let got = try m.predict(texts, k: 5)
        XCTAssertEqual(got.map { $0.map { $0.0 } }, expected.map { $0.map { $0.0 } }, line: line)
        // Scores agree to float rounding: the dot products' summation order is this library's, not the writer's.
        for (g, e) in zip(got, expected) {
            for (a, b) in zip(g, e) { XCTAssertEqual(a.1, b.1, accuracy: 1e-5, line: line) }
        }
    }

    func testFormat20FileLoadsAndPredictsAsItsWriterDid() throws {
        let path = CompactModelTests.fixture + "/model.lever"
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(bytes[8], 2)
        XCTAssertEqual(bytes[10], 0)
        let m = try LeverModel.load(from: path)
        let texts = try fixtureLines("texts.txt"), expected = try expectedPredictions()
        XCTAssertEqual(texts.count, expected.count)
        try assertPredicts(m, expected, texts)
        guard case .student(let s) = m.scorer, let own = s.encoder else { return XCTFail("expected a lever model") }
        guard case .half = own.table.values else { return XCTFail("a 2.0 table is stored as half floats") }
        // Saved again: the newer layout (vocabulary once, compact), the same predictions.
        let d = TempDir()
        try m.save(to: d.path + "/again.lever")
        let again = d.read("again.lever")
        XCTAssertEqual(again[8], UInt8(ModelFile.formatMajor))
        XCTAssertEqual(again[10], UInt8(ModelFile.formatMinor))
        let (_, offset) = try XCTUnwrap(try ModelFile.decode(again, path: "again.lever").section("STUDENT"))
        XCTAssertEqual(again[offset + 12], StudentScorer.sharedVocabularyEncoder)
        try assertPredicts(try LeverModel.load(from: d.path + "/again.lever"), expected, texts)
    }

    func testFormat30FileLoadsPredictsAsItsWriterDidAndResavesAs40() throws {
        let folder = CompactModelTests.fixture("3.0"), path = folder + "/model.lever"
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(bytes[8], 3)
        XCTAssertEqual(bytes[10], 0)
        let m = try LeverModel.load(from: path)
        let texts = try fixtureLines("texts.txt", in: folder), expected = try expectedPredictions(in: folder)
        XCTAssertEqual(texts.count, expected.count)
        try assertPredicts(m, expected, texts)
        let d = TempDir()
        try m.save(to: d.path + "/again.lever")
        let again = d.read("again.lever")
        XCTAssertEqual(again[8], UInt8(ModelFile.formatMajor))
        XCTAssertEqual(again[10], UInt8(ModelFile.formatMinor))
        XCTAssertLessThan(again.count, bytes.count)  // its 150 training rows' ids in 16 bits
        try assertPredicts(try LeverModel.load(from: d.path + "/again.lever"), expected, texts)
    }

    /// A 5.0 file (half-float linear weights over 32-bit feature ids, a float IDF table) loads and
    /// predicts as its writer did, and saved again in today's layout (LEB128 feature gaps, its half
    /// weights kept, the IDF palette) it is smaller and predicts the same.
    func testFormat50FileLoadsPredictsAsItsWriterDidAndResavesCompact() throws {
        let folder = CompactModelTests.fixture("5.0"), path = folder + "/model.lever"
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(bytes[8], 5)
        let m = try LeverModel.load(from: path)
        let texts = try fixtureLines("texts.txt", in: folder), expected = try expectedPredictions(in: folder)
        XCTAssertEqual(texts.count, expected.count)
        try assertPredicts(m, expected, texts)
        guard case .student(let s) = m.scorer, let linear = s.linear else { return XCTFail("expected a linear ranker") }
        XCTAssertNil(linear.term.scales)
        XCTAssertNil(m.featurizer.idfIndices)
        let d = TempDir()
        try m.save(to: d.path + "/again.lever")
        let again = d.read("again.lever")
        XCTAssertEqual(again[8], UInt8(ModelFile.formatMajor))
        let sections = try ModelFile.decode(again, path: "again.lever"), old = try ModelFile.decode(bytes, path: path)
        let (_, offset) = try XCTUnwrap(sections.section("LINEAR"))
        XCTAssertEqual(again[offset + 4] & (LinearRanker.compactFlag | LinearRanker.int8Flag), LinearRanker.compactFlag)
        XCTAssertLessThan(try XCTUnwrap(sections.section("LINEAR")).0.count,
                          try XCTUnwrap(old.section("LINEAR")).0.count)
        XCTAssertLessThan(try XCTUnwrap(sections.section("FEATURES")).0.count,
                          try XCTUnwrap(old.section("FEATURES")).0.count)
        let reloaded = try LeverModel.load(from: d.path + "/again.lever")
        try assertPredicts(reloaded, expected, texts)
        XCTAssertEqual(try reloaded.predict(texts, k: 5).map { $0.map { $0.1.bitPattern } },
                       try m.predict(texts, k: 5).map { $0.map { $0.1.bitPattern } })
    }

    func testTrainedTablesAreInt4AndInt8AndTheStudentSharesTheTeachersVocabulary() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let m = try Trainer.train(try studentTestConfig(d, #", "student": {"epochs": 3, "batch_size": 8, "#
                                                          + #""shortlist": 3, "predict_shortlist": 2}"#)).model
        try m.save(to: d.path + "/m.lever")
        guard case .student(let s) = m.scorer, let own = s.encoder else { return XCTFail("expected a lever model") }
        guard case .int4 = s.teacher.encoder.table.values else { return XCTFail("expected the teacher's table int4") }
        guard case .int8 = own.table.values else { return XCTFail("expected the fine-tuned table int8") }
        let sections = try ModelFile.decode(d.read("m.lever"), path: "m.lever")
        let (student, offset) = try XCTUnwrap(sections.section("STUDENT"))
        XCTAssertEqual(d.read("m.lever")[offset + 12],
                       StudentScorer.sharedVocabularyEncoder | StudentScorer.int8Classifier)
        guard case .int8 = s.weights.values else { return XCTFail("expected an int8 classifier") }
        let loaded = try LeverModel.load(from: d.path + "/m.lever")
        let texts = ["a tabby kitten", "a young puppy", "robin", "nothing known"]
        XCTAssertEqual(try m.predict(texts, k: 3).map { $0.map { $0.1.bitPattern } },
                       try loaded.predict(texts, k: 3).map { $0.map { $0.1.bitPattern } })
        guard case .student(let ls) = loaded.scorer, let lown = ls.encoder else { return XCTFail("expected a student") }
        XCTAssertEqual(lown.vocabulary.rowOf, ls.teacher.encoder.vocabulary.rowOf)
        XCTAssertGreaterThan(student.count, 0)
    }

    /// Format 6.0 stores the IDF table as a palette of its distinct values with a u16 index per
    /// bucket: half the bytes, the same values; a damaged palette is refused.
    func testIDFTableIsSavedAsAPalette() throws {
        let fitted = try TfidfFeaturizer.fit(["a tabby cat", "a dog", "the cat and the dog", "a bird"],
                                             config: FeatureConfig(hashBits: 10), threads: 1)
        let bytes = fitted.encoded()
        XCTAssertEqual(bytes[20] & TfidfFeaturizer.paletteFlag, TfidfFeaturizer.paletteFlag)
        XCTAssertLessThan(bytes.count, 1024 * 4)
        let back = try bytes.withUnsafeBytes { raw throws(LeverError) -> TfidfFeaturizer in
            var r = ByteReader(raw, section: "FEATURES")
            return try TfidfFeaturizer.decode(&r)
        }
        XCTAssertEqual(back.idf.map { $0.bitPattern }, fitted.idf.map { $0.bitPattern })
        XCTAssertLessThanOrEqual(back.idfStorage.count, 5)  // df 0, 1, 2, 4 (and "a": 3)
        XCTAssertEqual(back.encoded(), bytes)
        let text = ["the tabby dog"]
        XCTAssertEqual(try back.transform(text, threads: 1), try fitted.transform(text, threads: 1))
        // An index past the palette.
        var damaged = bytes
        damaged[damaged.count - 2] = 0xFF
        damaged[damaged.count - 1] = 0xFF
        assertLeverError(.corrupt, ["FEATURES", "bucket 1023", "outside the palette"]) {
            try damaged.withUnsafeBytes { raw throws(LeverError) -> TfidfFeaturizer in
                var r = ByteReader(raw, section: "FEATURES")
                return try TfidfFeaturizer.decode(&r)
            }
        }
    }

    /// More than 65,536 distinct IDF values: the table is saved as plain floats (no palette flag);
    /// a palette claiming more values is refused.
    func testIDFTableWithoutAPaletteAndAnOversizedPalette() throws {
        let idf = (0..<(1 << 17)).map { 1 + Float($0) / 1024 }
        let plain = TfidfFeaturizer(config: FeatureConfig(hashBits: 17), idf: idf).encoded()
        XCTAssertEqual(plain[20] & TfidfFeaturizer.paletteFlag, 0)
        let back = try plain.withUnsafeBytes { raw throws(LeverError) -> TfidfFeaturizer in
            var r = ByteReader(raw, section: "FEATURES")
            return try TfidfFeaturizer.decode(&r)
        }
        XCTAssertEqual(back.idf, idf)
        XCTAssertNil(back.idfIndices)
        var w = ByteWriter()
        for v: UInt32 in [10, 2, 3, 5] { w.u32(v) }
        w.f32(0.5)
        w.u8(1 | TfidfFeaturizer.paletteFlag)
        w.array([Float](repeating: 1, count: (1 << 16) + 1))
        w.array([UInt16](repeating: 0, count: 1 << 10))
        assertLeverError(.corrupt, ["FEATURES", "palette has 65537 values"]) {
            try w.bytes.withUnsafeBytes { raw throws(LeverError) -> TfidfFeaturizer in
                var r = ByteReader(raw, section: "FEATURES")
                return try TfidfFeaturizer.decode(&r)
            }
        }
    }

    func testQuantizedRowsAreWithinHalfAStepOfTheirFloats() {
        var rng = SeededRandom(seed: 9)
        let dim = 13, rows = 6
        var floats = (0..<(rows * dim)).map { _ in (2 * rng.unitFloat() - 1) * 3 }
        for c in 0..<dim { floats[2 * dim + c] = 0 }  // an all-zero row
        let encoder = SparseEncoder(dim: dim, vocabulary: FeatureVocabulary(rowOf: (0..<Int32(rows)).map { $0 }),
                                    table: EncoderTable(floats))
        let q = encoder.quantized()
        guard case .int8(let bytes, let scales) = q.table.values else { return XCTFail("expected an int8 table") }
        XCTAssertEqual(bytes.count, rows * dim)
        XCTAssertEqual(scales[2], 0)
        let widened = q.table.floats
        for r in 0..<rows {
            let largest = floats[(r * dim)..<((r + 1) * dim)].map { abs($0) }.max()!
            XCTAssertEqual(scales[r], largest / 127)
            XCTAssertTrue(bytes[(r * dim)..<((r + 1) * dim)].contains { abs($0) == 127 } || largest == 0)
            for c in 0..<dim {
                XCTAssertLessThanOrEqual(abs(widened[r * dim + c] - floats[r * dim + c]), scales[r] * 0.5001)
            }
        }
        // Written and read back (no file: copied), the same table and vocabulary.
        var w = ByteWriter()
        q.encode(into: &w)
        let back = w.bytes.withUnsafeBytes { raw -> SparseEncoder? in
            var r = ByteReader(raw, section: "TEACHER")
            return try? SparseEncoder.decode(&r)
        }
        XCTAssertEqual(back?.table, q.table)
        XCTAssertEqual(back?.vocabulary.rowOf, q.vocabulary.rowOf)
    }

    func testInt8RowsAddExactlyLikeTheirFloats() {
        var rng = SeededRandom(seed: 4)
        var bytes: [Int8] = (0..<37).map { _ in Int8(truncatingIfNeeded: rng.next()) }
        bytes += [-128, 127, 0, -1, 1]
        var viaBytes = [Float](repeating: 0.25, count: bytes.count), viaFloat = viaBytes
        clever_add_int8_row(&viaBytes, bytes, 0.3, bytes.count)
        for i in 0..<bytes.count { viaFloat[i] += 0.3 * Float(bytes[i]) }
        XCTAssertEqual(viaBytes.map { $0.bitPattern }, viaFloat.map { $0.bitPattern })
    }

    func testInt4RowsAreWithinHalfAStepAndAddExactlyLikeTheirFloats() throws {
        var rng = SeededRandom(seed: 11)
        for dim in [13, 16] {
            let rows = 5
            var floats = (0..<(rows * dim)).map { _ in (2 * rng.unitFloat() - 1) * 3 }
            for c in 0..<dim { floats[dim + c] = 0 }  // an all-zero row
            let encoder = SparseEncoder(dim: dim, vocabulary: FeatureVocabulary(rowOf: (0..<Int32(rows)).map { $0 }),
                                        table: EncoderTable(floats))
            let q = encoder.quantized(.int4)
            guard case .int4(let bytes, let scales, let qdim) = q.table.values else { return XCTFail("expected int4") }
            XCTAssertEqual(qdim, dim)
            XCTAssertEqual(bytes.count, rows * ((dim + 1) / 2))
            XCTAssertEqual(q.table.count, rows * dim)
            XCTAssertEqual(scales[1], 0)
            let widened = q.table.floats
            for r in 0..<rows {
                let largest = floats[(r * dim)..<((r + 1) * dim)].map { abs($0) }.max()!
                XCTAssertEqual(scales[r], largest / 7)
                for c in 0..<dim {
                    XCTAssertLessThanOrEqual(abs(widened[r * dim + c] - floats[r * dim + c]), scales[r] * 0.5001)
                }
            }
            // Rows added through the kernel equal the widened floats added one by one.
            var viaRows = [Float](repeating: 0.25, count: dim)
            var viaFloats = viaRows
            q.table.withRows(dim: dim) { rows in
                viaRows.withUnsafeMutableBufferPointer { rows.add(row: 3, weight: 0.3, into: $0.baseAddress!) }
            }
            for c in 0..<dim { viaFloats[c] += (0.3 * scales[3]) * (widened[3 * dim + c] / scales[3]) }
            XCTAssertEqual(viaRows.map { $0.bitPattern }, viaFloats.map { $0.bitPattern })
            // Written and read back, the same table.
            var w = ByteWriter()
            q.encode(into: &w)
            let back = try w.bytes.withUnsafeBytes { raw throws(LeverError) -> SparseEncoder in
                var r = ByteReader(raw, section: "TEACHER")
                return try SparseEncoder.decode(&r)
            }
            XCTAssertEqual(back.table, q.table)
        }
        // Every nibble value, -8 included, in both halves of a byte, and an odd tail.
        let packed: [UInt8] = [0x87, 0xF0, 0x1E, 0x08]
        var got = [Float](repeating: 1, count: 7)
        clever_add_int4_row(&got, packed, 2, 7)
        XCTAssertEqual(got, [15, -15, 1, -1, -3, 3, -15])
    }

    /// The encoder that `write` lays out, read back from a TEACHER section.
    func decodeEncoder(_ write: (inout ByteWriter) -> Void) throws -> SparseEncoder {
        var w = ByteWriter()
        write(&w)
        return try w.bytes.withUnsafeBytes { raw throws(LeverError) -> SparseEncoder in
            var r = ByteReader(raw, section: "TEACHER")
            return try SparseEncoder.decode(&r)
        }
    }

    func testDamagedInt4TablesAreRefused() {
        assertLeverError(.corrupt, ["TEACHER", "invalid encoder settings"]) {
            try decodeEncoder { w in
                w.u32(16 | SparseEncoder.int4TableFlag | SparseEncoder.int8TableFlag); w.array([Int32(0)])
            }
        }
        assertLeverError(.corrupt, ["TEACHER", "int4 encoder table has 9 bytes, expected 1 rows x 8"]) {
            try decodeEncoder { w in
                w.u32(16 | SparseEncoder.int4TableFlag); w.array([Int32(0)])
                w.array([Float(1)]); w.array([UInt8](repeating: 1, count: 9))
            }
        }
        assertLeverError(.corrupt, ["TEACHER", "row scales", "non-finite"]) {
            try decodeEncoder { w in
                w.u32(15 | SparseEncoder.int4TableFlag); w.array([Int32(0)])
                w.array([Float.infinity]); w.array([UInt8](repeating: 1, count: 8))
            }
        }
    }

    func testCompactVocabulary() throws {
        let fitted = FeatureVocabulary(rowOf: [-1, 0, -1, 1, 2, -1])
        XCTAssertEqual(fitted.usedBuckets, [1, 3, 4])
        XCTAssertNil(FeatureVocabulary(rowOf: [-1, 1, 0]).usedBuckets)  // rows out of bucket order
        XCTAssertNil(FeatureVocabulary(rowOf: [0, 2, 1]).usedBuckets)
        let back = try FeatureVocabulary.decompact(buckets: 6, used: [1, 3, 4], what: "t")
        XCTAssertEqual(back.rowOf, fitted.rowOf)
        XCTAssertEqual(back.size, 3)
        assertLeverError(.corrupt, ["t", "bucket 3", "row 2"]) {
            try FeatureVocabulary.decompact(buckets: 6, used: [1, 4, 3], what: "t")
        }
        assertLeverError(.corrupt, ["bucket 6"]) {
            try FeatureVocabulary.decompact(buckets: 6, used: [1, 6], what: "t")
        }
        assertLeverError(.corrupt, ["bucket -1"]) { try FeatureVocabulary.decompact(buckets: 6, used: [-1], what: "t") }
    }

    /// Damaged encoder layouts are refused with a message naming the section.
    func testDamagedEncodersAreRefused() {
        let dim = UInt32(16)
        let both = SparseEncoder.halfTableFlag | SparseEncoder.int8TableFlag
        assertLeverError(.corrupt, ["TEACHER", "invalid encoder settings"]) {
            try decodeEncoder { w in w.u32(dim | both); w.array([Int32(0)]) }
        }
        assertLeverError(.corrupt, ["TEACHER", "1 row scales, expected 2"]) {
            try decodeEncoder { w in
                w.u32(dim | SparseEncoder.int8TableFlag); w.array([Int32(0), 1])
                w.array([Float(1)]); w.array([Int8](repeating: 1, count: 32))
            }
        }
        assertLeverError(.corrupt, ["TEACHER", "row scales", "non-finite"]) {
            try decodeEncoder { w in
                w.u32(dim | SparseEncoder.int8TableFlag); w.array([Int32(0)])
                w.array([Float.nan]); w.array([Int8](repeating: 1, count: 16))
            }
        }
        assertLeverError(.corrupt, ["TEACHER", "out of order"]) {
            try decodeEncoder { w in
                w.u32(dim | SparseEncoder.int8TableFlag | SparseEncoder.compactVocabularyFlag)
                w.u64(8); w.array([Int32(5), 2])
                w.array([Float(1), 1]); w.array([Int8](repeating: 1, count: 32))
            }
        }
    }

    func testKeepingLargestKeepsTheLargestEntriesInOrder() {
        let m = SparseMatrix(rows: 3, cols: 6, indptr: [0, 4, 5, 9],
                             indices: [0, 1, 2, 3, 4, 0, 2, 4, 5], values: [0.1, 0.5, 0.3, 0.5, 2, 1, 1, 3, 1])
        let t = m.keepingLargest(perRow: 2)
        XCTAssertEqual(t.indptr, [0, 2, 3, 5])
        XCTAssertEqual(t.indices, [1, 3, 4, 0, 4])  // ties keep the earlier entry
        XCTAssertEqual(t.values, [0.5, 0.5, 2, 1, 3])
        XCTAssertEqual(m.keepingLargest(perRow: 4), m)
    }

    func testLexicalIndexKeepsAtMostMaxPostingsPerFeature() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let lexical = { (cap: Int) throws -> KNNIndex in
            let config = try studentTestConfig(d, #", "student": {"epochs": 1, "batch_size": 8, "shortlist": 3, "#
                                                 + #""predict_shortlist": 2, "lexical_max_postings": \#(cap)}, "#
                                                 + #""knn": {"neighbours": 2}"#)
            guard case .student(let s) = try Trainer.train(config).model.scorer, let l = s.lexical else {
                throw LeverError(.internal, "expected a lexical source")
            }
            return l
        }
        // At most max(2 neighbours, 1) = 2 postings a feature; 0 keeps them all.
        let all = try lexical(0), few = try lexical(1)
        let counts = { (i: KNNIndex) -> [Int] in
            let m = i.postings
            return (0..<m.rows).map { m.rowRange($0).count }
        }
        XCTAssertGreaterThan(counts(all).max()!, 2)
        XCTAssertEqual(counts(few).max()!, 2)
        XCTAssertTrue(counts(all).map { min($0, 2) } == counts(few), "every feature keeps min(its postings, 2)")
    }

    /// Damaged compact posting lists are refused with a message naming the section and the fault, in
    /// the 3.0 layout (i64 offsets, i32 rows) and the 4.0 one (u32 offsets, u16 rows) alike.
    func testDamagedPostingListsAreRefused() {
        for narrow in [false, true] {
            func decode(features: [Int32], indptr: [Int64], rows: [Int32], weights: [UInt16]) throws -> KNNIndex {
                var w = ByteWriter()
                let widths = narrow ? KNNIndex.narrowOffsetsFlag | KNNIndex.narrowRowsFlag : 0
                w.u32(5 | KNNIndex.compactPostingsFlag | KNNIndex.halfWeightsFlag | widths)
                w.f32(1)
                w.i64(8)  // features
                w.i64(3)  // training rows
                w.array(features)
                if narrow {
                    w.array(indptr.map { UInt32($0) })
                    w.array(rows.map { UInt16($0) })
                } else {
                    w.array(indptr)
                    w.array(rows)
                }
                w.array(weights)
                w.matrix(CSRStorage(SparseMatrix(rows: 3, cols: 2, indptr: [0, 1, 1, 2], indices: [0, 1],
                                                 values: [1, 1])))
                return try w.bytes.withUnsafeBytes { raw throws(LeverError) -> KNNIndex in
                    var r = ByteReader(raw, section: "LEXICAL")
                    return try KNNIndex.decode(&r)
                }
            }
            let one: UInt16 = 0x3C00
            XCTAssertNoThrow(try decode(features: [2, 5], indptr: [0, 2, 3], rows: [0, 2, 1], weights: [one, one, one]))
            let good = try? decode(features: [2, 5], indptr: [0, 2, 3], rows: [0, 2, 1], weights: [one, one, one])
            XCTAssertEqual(good?.postings.rowRange(5), 2..<3)
            XCTAssertEqual(good?.postings.rows, 8)
            XCTAssertEqual(good?.postings.indices, [0, 2, 1])
            assertLeverError(.corrupt, ["LEXICAL", "feature 2 at 1", "out of order"]) {
                try decode(features: [5, 2], indptr: [0, 2, 3], rows: [0, 2, 1], weights: [one, one, one])
            }
            assertLeverError(.corrupt, ["LEXICAL", "feature 8"]) {
                try decode(features: [2, 8], indptr: [0, 2, 3], rows: [0, 2, 1], weights: [one, one, one])
            }
            assertLeverError(.corrupt, ["LEXICAL", "inconsistent posting lists"]) {
                try decode(features: [2, 5], indptr: [0, 2, 4], rows: [0, 2, 1], weights: [one, one, one])
            }
            assertLeverError(.corrupt, ["LEXICAL", "decreasing posting offset"]) {
                try decode(features: [2, 5, 6], indptr: [0, 2, 1, 3], rows: [0, 2, 1], weights: [one, one, one])
            }
            assertLeverError(.corrupt, ["LEXICAL", "posting row 3 out of range 3"]) {
                try decode(features: [2, 5], indptr: [0, 2, 3], rows: [0, 3, 1], weights: [one, one, one])
            }
            assertLeverError(.corrupt, ["LEXICAL", "postings", "non-finite"]) {
                try decode(features: [2, 5], indptr: [0, 2, 3], rows: [0, 2, 1], weights: [one, 0x7E00, one])
            }
        }
    }

    /// Saving writes posting lists as narrow as they fit (4.0): u16 rows up to 65,536 training rows,
    /// u32 offsets; an index from wide arrays (a 3.0 file) is narrowed on save and reads back equal.
    func testPostingListsAreSavedNarrowWhenTheyFit() throws {
        let m = SparseMatrix(rows: 4, cols: 3, indptr: [0, 2, 2, 3, 3], indices: [0, 2, 1], values: [1, 0.5, 2])
        let labels = SparseMatrix(rows: 3, cols: 2, indptr: [0, 1, 1, 2], indices: [0, 1], values: [1, 1])
        let wide = PostingLists(featureCount: 4, rowCount: 3, features: ArrayStorage([0, 2]),
                                indptr: .wide(ArrayStorage([0, 2, 3])), rows: .wide(ArrayStorage([0, 2, 1])),
                                weights: .float(ArrayStorage([1, 0.5, 2])))
        let index = KNNIndex(config: KNNConfig(), postings: wide, trainLabels: CSRStorage(labels))
        let bytes = index.encoded()
        let stored = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        XCTAssertEqual(stored & (KNNIndex.narrowRowsFlag | KNNIndex.narrowOffsetsFlag),
                       KNNIndex.narrowRowsFlag | KNNIndex.narrowOffsetsFlag)
        let back = try bytes.withUnsafeBytes { raw throws(LeverError) -> KNNIndex in
            var r = ByteReader(raw, section: "KNN")
            return try KNNIndex.decode(&r)
        }
        guard case .narrow = back.postingLists.rows, case .narrow = back.postingLists.indptr else {
            return XCTFail("expected narrow lists")
        }
        XCTAssertEqual(back.postings, m)
        XCTAssertEqual(try back.predict(m, k: 2, threads: 1).map { $0.map { $0.0 } },
                       try index.predict(m, k: 2, threads: 1).map { $0.map { $0.0 } })
        // More training rows than 16 bits hold: row ids stay 32-bit.
        let many = PostingLists(SparseMatrix(rows: 1, cols: 70_000, indptr: [0, 1], indices: [69_999], values: [1]),
                                half: false)
        guard case .wide = many.rows, case .narrow = many.indptr else { return XCTFail("expected wide rows") }
    }

    /// Damaged int8 classifiers are refused with a message naming the section.
    func testDamagedClassifiersAreRefused() throws {
        let dim = 2
        let teacher = TeacherScorer(encoder: SparseEncoder(dim: dim, vocabulary: FeatureVocabulary(rowOf: [0]),
                                                           table: EncoderTable([0.5, 0.5])),
                                    labelEmbeddings: [1, 0, 0, 1], numLabels: 2)
        func student(_ weights: ClassifierWeights) throws -> StudentScorer {
            let s = StudentScorer(teacher: teacher, encoder: nil, weights: weights, sparse: nil, lexical: nil,
                                  predictShortlist: 10, lexicalShortlist: 0, fusion: 0)
            return try s.encoded().withUnsafeBytes { raw throws(LeverError) -> StudentScorer in
                var r = ByteReader(raw, section: "STUDENT")
                return try StudentScorer.decode(&r, teacher: teacher, ann: nil)
            }
        }
        let good = ClassifierWeights.quantized(dim: dim, floats: [1, -2, 0.5, 3, 4, -1])
        XCTAssertEqual(try student(good).weights, good)
        XCTAssertEqual(good.floats[1], -2)
        XCTAssertEqual(good.floats[2], 0.5)
        let bytes = ArrayStorage<Int8>([1, 2, 3, 4]), two = ArrayStorage<Float>([1, 1])
        assertLeverError(.corrupt, ["STUDENT", "classifier has the wrong size"]) {
            try student(ClassifierWeights(dim: dim, .int8(bytes, scales: [1], biases: two)))
        }
        assertLeverError(.corrupt, ["STUDENT", "classifier scales", "non-finite"]) {
            try student(ClassifierWeights(dim: dim, .int8(bytes, scales: [1, .infinity], biases: two)))
        }
        assertLeverError(.corrupt, ["STUDENT", "classifier biases", "non-finite"]) {
            try student(ClassifierWeights(dim: dim, .int8(bytes, scales: two, biases: [.nan, 0])))
        }
    }
}
