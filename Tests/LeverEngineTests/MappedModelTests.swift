import XCTest
import CLever
@testable import LeverEngine

/// Issue 9 item 5: models are mapped and their large arrays used in place.
final class MappedModelTests: XCTestCase {
    let texts = ["a tabby kitten", "a young puppy", "salmon and trout", "robin", "nothing known here"]

    /// A trained `lever` model with every part (own encoder, sparse term, lexical source) and its file.
    func trainedStudent(_ d: TempDir) throws -> (model: LeverModel, path: String) {
        writeAnimalsDataset(d)
        let student = #", "student": {"epochs": 5, "batch_size": 8, "shortlist": 3, "predict_shortlist": 2, "#
            + #""lexical_shortlist": 2, "sparse": true}"#
        let m = try Trainer.train(try studentTestConfig(d, student)).model
        let path = d.path + "/m.lever"
        try m.save(to: path)
        return (m, path)
    }

    func assertSamePredictions(_ a: LeverModel, _ b: LeverModel, file: StaticString = #filePath,
                               line: UInt = #line) throws {
        let pa = try a.predict(texts, k: 4), pb = try b.predict(texts, k: 4)
        XCTAssertEqual(pa.map { $0.map { $0.0 } }, pb.map { $0.map { $0.0 } }, file: file, line: line)
        XCTAssertEqual(pa.map { $0.map { $0.1.bitPattern } }, pb.map { $0.map { $0.1.bitPattern } },
                       file: file, line: line)
    }

    func testMappedAndCopiedLoadsPredictIdenticallyAndUseTheFileInPlace() throws {
        let d = TempDir()
        let (m, path) = try trainedStudent(d)
        let mapped = try LeverModel.load(from: path)
        let copied = try LeverModel.decodeModel(try ModelFile.decode(d.read("m.lever"), path: path), path: path)
        try assertSamePredictions(m, mapped)
        try assertSamePredictions(mapped, copied)
        guard case .student(let s) = mapped.scorer, let own = s.encoder, let lexical = s.lexical else {
            return XCTFail("expected a student with its own encoder and a lexical source")
        }
        XCTAssertTrue(s.weights.isView)
        XCTAssertFalse(s.teacher.labelEmbeddings.isView)  // stored as half floats, widened once at load
        XCTAssertTrue(s.teacher.labelHalves?.isView ?? false)  // and kept in place for rescoring
        XCTAssertNotNil(s.labelScan?.halves)
        XCTAssertTrue(mapped.featurizer.idfStorage.isView)  // the palette of distinct values
        XCTAssertTrue(mapped.featurizer.idfIndices?.isView ?? false)  // and its u16 index per bucket
        XCTAssertTrue(lexical.postingLists.rows.isView && lexical.postingLists.indptr.isView
                      && lexical.labelStorage.indptr.isView)
        guard case .narrow = lexical.postingLists.rows else { return XCTFail("expected 16-bit row ids") }
        guard case .int4(let nibbles, let teacherScales, _) = s.teacher.encoder.table.values,
              case .int8(let bytes, let scales) = own.table.values else {
            return XCTFail("expected an int4 teacher table and an int8 fine-tuned one")
        }
        XCTAssertTrue(nibbles.isView && teacherScales.isView && bytes.isView && scales.isView)
        // Embeddings through the int4 and int8 tables in place equal those of the trained model.
        XCTAssertEqual(try m.embed(texts).map { $0.bitPattern }, try mapped.embed(texts).map { $0.bitPattern })
    }

    func testLoadedThenSavedIsByteIdentical() throws {
        let d = TempDir()
        let (_, path) = try trainedStudent(d)
        try LeverModel.load(from: path).save(to: d.path + "/again.lever")
        XCTAssertEqual(d.read("again.lever"), d.read("m.lever"))
    }

    /// Files of format 1.1 and 1.0 (CRC-32 checksums) still load and predict the same.
    func testFormat1FilesStillLoad() throws {
        let d = TempDir()
        let (m, _) = try trainedStudent(d)
        let good = d.read("m.lever")
        for minor: UInt16 in [1, 0] {
            let old = d.write("old-\(minor).lever", bytes: withVersion(good, major: 1, minor: minor))
            try assertSamePredictions(m, try LeverModel.load(from: old))
        }
        // A 1.x file whose checksums are CRC-32C (not its major's) is corrupt.
        var wrong = good
        wrong[8] = 1
        let bad = d.write("wrong.lever", bytes: wrong)
        assertLeverError(.corrupt, [bad, "checksum"]) { try LeverModel.load(from: bad) }
    }

    func testCorruptChecksumAndTruncationAreRefused() throws {
        let d = TempDir()
        let (_, path) = try trainedStudent(d)
        let good = d.read("m.lever")
        let sections = try ModelFile.decode(good, path: path)
        let (teacher, offset) = try XCTUnwrap(sections.section("TEACHER"))
        var flipped = good
        flipped[offset + teacher.count / 2] ^= 0x10
        let f = d.write("flipped.lever", bytes: flipped)
        assertLeverError(.corrupt, [f, "section TEACHER checksum mismatch"]) { try LeverModel.load(from: f) }
        let t = d.write("truncated.lever", bytes: Array(good.prefix(good.count - 4096)))
        assertLeverError(.corrupt, [t, "truncated"]) { try LeverModel.load(from: t) }
    }

    /// The mapping lives as long as any scorer using it: the model keeps predicting after its file
    /// is replaced (as a save does, by rename) or removed.
    func testModelOutlivesItsFileAndOtherHandles() throws {
        let d = TempDir()
        let (m, path) = try trainedStudent(d)
        var loaded: LeverModel? = try LeverModel.load(from: path)
        let scorer = loaded!.scorer
        let featurizer = loaded!.featurizer
        let expected = try m.predict(texts, k: 4)
        try TinyModel.make(d).save(to: path)  // replaced by rename
        XCTAssertEqual(unlink(path), 0)
        loaded = nil
        let alone = LeverModel(config: m.config, labelTexts: m.labelTexts, featurizer: featurizer, scorer: scorer)
        let again = try alone.predict(texts, k: 4)
        XCTAssertEqual(expected.map { $0.map { $0.1.bitPattern } }, again.map { $0.map { $0.1.bitPattern } })
    }

    func testMutatingAViewMakesAnOwnedCopy() throws {
        let file = MappedFile.copy(of: [UInt8](repeating: 0, count: 64) + [1, 0, 0, 0, 2, 0, 0, 0])
        var s = ArrayStorage<Int32>(viewing: file, at: 64, count: 2)
        let original = s
        XCTAssertTrue(s.isView)
        s.withOwnedArray { $0.append(3); $0[0] = 7 }
        XCTAssertFalse(s.isView)
        XCTAssertEqual(Array(s), [7, 2, 3])
        XCTAssertEqual(Array(original), [1, 2])
    }

    func testNonFiniteScansNameTheFirstBadIndex() {
        var floats = [Float](repeating: 1, count: 10_000)
        XCTAssertNoThrow(try requireFinite(ArrayStorage(floats), "floats"))
        floats[9_999] = .infinity
        floats[5_000] = .nan
        assertLeverError(.corrupt, ["floats", "non-finite", "index 5000"]) {
            try requireFinite(ArrayStorage(floats), "floats")
        }
        var halves = [UInt16](repeating: 0x3C00, count: 9_000)  // 1.0
        halves[100] = 0x7BFF  // the largest finite half
        XCTAssertNoThrow(try requireFinite(ArrayStorage(halves), "halves"))
        halves[4_097] = 0xFC00  // -infinity
        assertLeverError(.corrupt, ["halves", "index 4097"]) { try requireFinite(ArrayStorage(halves), "halves") }
    }

    func testHalfRowsAddExactlyLikeTheirFloats() {
        var rng = SeededRandom(seed: 3)
        var halves: [UInt16] = (0..<37).map { _ in UInt16(truncatingIfNeeded: rng.next()) & 0x7BFF }
        halves += [0x0001, 0x03FF, 0x8001, 0x0000, 0x8000, 0x7BFF, 0xFBFF]  // subnormals, zeros, extremes
        let floats = halves.map { Float(Float16(bitPattern: $0)) }
        var viaHalf = [Float](repeating: 0.25, count: halves.count), viaFloat = viaHalf
        clever_add_half_row(&viaHalf, halves, 0.3, halves.count)
        for i in 0..<floats.count { viaFloat[i] += 0.3 * floats[i] }
        XCTAssertEqual(viaHalf.map { $0.bitPattern }, viaFloat.map { $0.bitPattern })
    }
}

/// A small kNN model, for a file that replaces another.
enum TinyModel {
    static func make(_ d: TempDir) throws -> LeverModel {
        writeTinyDataset(d)
        let cfg = try RunConfig.parse(
            #"{"data": {"dir": "\#(d.path)"}, "method": "knn", "features": {"hash_bits": 8}}"#)
        return try Trainer.train(cfg).model
    }
}

final class CRC32CTests: XCTestCase {
    func testKnownValueAndHardwareAgreesWithTable() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)  // the standard check value
        XCTAssertEqual(CRC32C.checksum([]), 0)
        var rng = SeededRandom(seed: 11)
        let data = (0..<300).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        data.withUnsafeBytes { raw in
            for start in 0..<9 {
                for n in 0...(raw.count - start) {
                    let part = UnsafeRawBufferPointer(rebasing: raw[start..<(start + n)])
                    XCTAssertEqual(clever_crc32c(part.baseAddress, n), clever_crc32c_portable(part.baseAddress, n))
                }
            }
        }
        // Lengths that use the three-stream blocks (3 x 8192 and 3 x 256 bytes) and their joins.
        let long = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        long.withUnsafeBytes { raw in
            for n in [767, 768, 769, 24_575, 24_576, 24_577, 25_344, 49_152 + 771, 199_993] {
                for start in [0, 3] {
                    let part = UnsafeRawBufferPointer(rebasing: raw[start..<(start + n)])
                    XCTAssertEqual(clever_crc32c(part.baseAddress, n), clever_crc32c_portable(part.baseAddress, n),
                                   "length \(n) at \(start)")
                }
            }
        }
    }
}
