import XCTest
@testable import LeverEngine

/// The config schema: every key declared once, and everything derived from it (defaults, validation,
/// the model decoders' checks, the rendered document) agreeing with it.
final class ConfigSchemaTests: XCTestCase {
    /// Dotted paths of every leaf of a JSON object.
    func leafPaths(_ v: JSONValue, _ prefix: String = "") -> [String] {
        guard case .object(let o) = v else { return [prefix] }
        return o.keys.flatMap { leafPaths(o[$0]!, prefix.isEmpty ? $0 : prefix + "." + $0) }
    }

    func info(_ path: String) -> ConfigKeyInfo? { RunConfig.schema.first { $0.path == path } }

    func testEveryKeyHasADescriptionAndADefaultInRange() {
        let schema = RunConfig.schema
        XCTAssertGreaterThan(schema.count, 60)
        XCTAssertEqual(Set(schema.map { $0.path }).count, schema.count, "a key is declared twice")
        XCTAssertEqual(schema.map { $0.path }, leafPaths(RunConfig.defaults))
        for k in schema {
            XCTAssertGreaterThan(k.help.count, 15, "\(k.path) has no real description")
            XCTAssertTrue(k.help.hasSuffix("."), "\(k.path): description is not a sentence")
            XCTAssertNil(k.type.problem(k.defaultValue, path: k.path), "\(k.path): default out of its range")
        }
        XCTAssertEqual(info("teacher.dim")?.type, .integer(2...4096))
        XCTAssertEqual(info("teacher.dim")?.defaultValue, .int(128))
    }

    /// A value just outside each key's allowed values (nil when the type has no outside, e.g. a plain string).
    func outside(_ type: ConfigType) -> JSONValue? {
        switch type {
        case .integer(let r):
            return .int(r.upperBound == Int(Int64.max) ? Int64(r.lowerBound) - 1 : Int64(r.upperBound) + 1)
        case .number(let r): return .double(r.upperBound + 1)
        case .boolean: return .int(1)
        case .string(let nonEmpty): return nonEmpty ? .string("") : .int(0)
        case .choice: return .string("no-such-choice")
        case .integerList(let r): return .array([.int(Int64(r.upperBound) + 1)])
        }
    }

    /// `value` at the dotted `path` of an otherwise empty config.
    func configText(_ path: String, _ value: JSONValue) -> String {
        var v = value
        for part in path.split(separator: ".").reversed() { v = .object(JSONObject([(String(part), v)])) }
        return v.serialized(pretty: false)
    }

    func testEveryKeyRefusesAValueOutsideItsRange() {
        for k in RunConfig.schema {
            guard let bad = outside(k.type) else { continue }
            let problems = RunConfig.problems(in: configText(k.path, bad))
            XCTAssertTrue(problems.contains { $0.key == k.path }, "\(k.path) = \(bad.serialized()) gave \(problems)")
            XCTAssertTrue(problems.allSatisfy { $0.message.contains("\"\(k.path)") }, "\(problems)")
        }
    }

    func testEveryProblemIsReportedTogetherWithItsKeyPath() throws {
        let text = #"""
        {"knn": {"neighbours": 0, "power": "x"}, "teacher": {"dim": 1, "colour": 2, "cluster_size": 9,
         "cluster_size_max": 4}, "evaluation": {"k": [500]}, "output": 3}
        """#
        let problems = RunConfig.problems(in: text, source: "c.json")
        XCTAssertEqual(problems.map { $0.key },
                       ["teacher.colour", "output", "knn.neighbours", "knn.power", "teacher.dim", "evaluation.k"])
        assertLeverError(.config, ["c.json: 6 problems:", "unknown key \"teacher.colour\"",
                                   "\n  \"output\" must be an object, not integer", "\"knn.neighbours\" is 0",
                                   "\"knn.power\" must be a number, not string",
                                   "\"teacher.dim\" is 1; expected an integer in 2...4096",
                                   "\"evaluation.k\" asks for k = 500"]) {
            try RunConfig.parse(text, source: "c.json")
        }
        // Relations between keys are checked once the keys themselves are fine, and reported beside others.
        let relations = RunConfig.problems(in: #"{"teacher": {"cluster_size": 9, "cluster_size_max": 4,"#
                                           + #""epoch_items": 1}, "seed": -1,"#
                                           + #""evaluation": {"head_min_count": 3, "tail_max_count": 3}}"#)
        XCTAssertEqual(relations.map { $0.key },
                       ["seed", "teacher.cluster_size_max", "teacher.epoch_items", "evaluation.tail_max_count"])
        XCTAssertEqual(RunConfig.problems(in: #"{"teacher": {"epoch_items": 2}}"#), [])
        XCTAssertEqual(RunConfig.problems(in: "{}"), [])
        XCTAssertEqual(RunConfig.problems(in: "{,").map { $0.key }, [""])
    }

    func testDocumentIsRenderedFromTheValidatedValues() throws {
        let text = #"{"student": {"fusion": 0.123456789012}, "knn": {"power": 3}, "teacher": {"load": "t.lever"}}"#
        let c = try RunConfig.parse(text, baseDir: "/base")
        XCTAssertEqual(c.student.fusion, Float(0.123456789012))
        XCTAssertEqual(c.document["student"]?["fusion"], .float(Float(0.123456789012)))  // what training uses
        XCTAssertEqual(c.document["knn"]?["power"], .double(3))
        XCTAssertEqual(c.document["teacher"]?["load"], .string("t.lever"))  // as written; resolved apart
        XCTAssertEqual(c.teacherLoadPath, "/base/t.lever")
        let again = try RunConfig.parse(c.document.serialized(), baseDir: "/base")
        XCTAssertEqual(again.document, c.document)
        XCTAssertEqual(again.student, c.student)
        XCTAssertEqual(again.teacher, c.teacher)
    }

    func testSavedConfigIsTheConfigTrainedWith() throws {
        let d = TempDir()
        writeTinyDataset(d)
        let cfg = try RunConfig.parse(#"{"data": {"dir": "\#(d.path)"}, "method": "knn", "knn": {"neighbours": 2,"#
                                      + #""power": 1.1}, "features": {"hash_bits": 12, "char_weight": 0.3333333333}}"#)
        let model = try Trainer.train(cfg).model
        XCTAssertEqual(model.config, cfg.document)
        try model.save(to: d.path + "/m.lever")
        let loaded = try LeverModel.load(from: d.path + "/m.lever")
        XCTAssertEqual(loaded.config, cfg.document)
        let recorded = try RunConfig.parse(loaded.config.serialized())
        XCTAssertEqual(recorded.features, cfg.features)
        XCTAssertEqual(recorded.features, loaded.featurizer.config)
        XCTAssertEqual(recorded.knn.power, 1.1)
    }

    func testWithDerivesANewValidatedConfig() throws {
        let c = try RunConfig.parse(#"{"knn": {"neighbours": 7}, "data": {"tst_filter": "f.txt"}}"#, baseDir: "/b")
        let d = try c.with(#"{"compare": true, "knn": {"power": 4}}"#)
        XCTAssertTrue(d.compare)
        XCTAssertEqual(d.knn, KNNConfig(neighbours: 7, power: 4))
        XCTAssertEqual(d.paths.testFilter?.path, "/b/data/wordnet/f.txt")
        XCTAssertEqual(d.paths.testFilter?.required, true)
        XCTAssertEqual(d.document["compare"], .bool(true))
        XCTAssertFalse(c.compare)  // the original is unchanged
        assertLeverError(.config, ["\"knn.neighbours\" is 0"]) { try c.with(#"{"knn": {"neighbours": 0}}"#) }
        assertLeverError(.config, ["unknown key \"knn.k\""]) { try c.with(#"{"knn": {"k": 1}}"#) }
    }

    func testConfigWithoutDataSectionForInMemoryTraining() throws {
        let c = try RunConfig.parse(#"{"method": "knn"}"#, data: .none)
        XCTAssertNil(c.data)
        XCTAssertNil(c.document["data"])
        XCTAssertEqual(c.document["method"], .string("knn"))
        assertLeverError(.config, ["\"data\"", "in memory"]) {
            try RunConfig.parse(#"{"data": {"dir": "x"}}"#, data: .none)
        }
    }

    func testEvaluationSettingsFromCodeUseTheSameRanges() {
        let fragments = ["2 problems", "k must be at least 1 (got 0)", "\"evaluation.propensity_a\" is 0.0"]
        assertLeverError(.invalidArgument, fragments) {
            try EvaluationConfig(ks: [0], propensityA: 0).validate(source: "evaluation")
        }
        assertLeverError(.invalidArgument, ["\"evaluation.tail_max_count\" (9) must be below"]) {
            try EvaluationConfig(headMinCount: 2, tailMaxCount: 9).validate(source: "evaluation")
        }
        XCTAssertNoThrow(try EvaluationConfig(ks: [1, 1_000_000_000]).validate(source: "evaluation"))
    }

    // The decoders' range checks derive from the same keys: a stored value is accepted exactly where
    // the config accepts it.

    func decode<T>(_ bytes: [UInt8], _ section: String,
                   _ body: (inout ByteReader) throws(LeverError) -> T) throws(LeverError) -> T {
        try typed { try bytes.withUnsafeBytes { (raw) throws -> T in
            var r = ByteReader(raw, section: section)
            return try body(&r)
        } }
    }

    /// Checks that `store` (which encodes the value into a section and decodes it) refuses, naming
    /// the key, exactly the integers outside the key's range.
    func assertDecoderRange(_ path: String, file: StaticString = #filePath, line: UInt = #line,
                            _ store: (Int) throws(LeverError) -> Void) {
        guard case .integer(let r)? = info(path)?.type else {
            return XCTFail("\(path) is not an integer key", file: file, line: line)
        }
        func refused(_ v: Int) -> Bool {
            do throws(LeverError) { try store(v); return false } catch {
                return error.status == .corrupt && error.message.contains("\"\(path)\"")
            }
        }
        XCTAssertFalse(refused(r.lowerBound), "\(path) = \(r.lowerBound)", file: file, line: line)
        XCTAssertFalse(refused(r.upperBound), "\(path) = \(r.upperBound)", file: file, line: line)
        if r.lowerBound > 0 { XCTAssertTrue(refused(r.lowerBound - 1), "\(path) below", file: file, line: line) }
        XCTAssertTrue(refused(r.upperBound + 1), "\(path) above", file: file, line: line)
    }

    func assertDecoderRange(_ path: String, file: StaticString = #filePath, line: UInt = #line,
                            _ store: (Float) throws(LeverError) -> Void) {
        guard case .number(let r)? = info(path)?.type else {
            return XCTFail("\(path) is not a number key", file: file, line: line)
        }
        func refused(_ v: Float) -> Bool {
            do throws(LeverError) { try store(v); return false } catch {
                return error.status == .corrupt && error.message.contains("\"\(path)\"")
            }
        }
        XCTAssertFalse(refused(Float(r.lowerBound)), "\(path) low", file: file, line: line)
        XCTAssertFalse(refused(Float(r.upperBound)), "\(path) high", file: file, line: line)
        XCTAssertTrue(refused(Float(r.lowerBound) - 1), "\(path) below", file: file, line: line)
        XCTAssertTrue(refused(Float(r.upperBound) + 1), "\(path) above", file: file, line: line)
        XCTAssertTrue(refused(.nan), "\(path) NaN", file: file, line: line)
    }

    func testFeatureAndKNNDecodersAcceptExactlyTheConfigRanges() {
        // Every key of these sections is stored in the model.
        for key in FeatureConfig.keys {
            let store = { (c: FeatureConfig) throws(LeverError) -> Void in
                let bytes = TfidfFeaturizer(config: c, idf: []).encoded()
                do throws(LeverError) {
                    _ = try self.decode(bytes, "FEATURES") { (r) throws(LeverError) in try TfidfFeaturizer.decode(&r) }
                } catch where error.message.contains("IDF table") {}  // settings passed; the empty table did not
            }
            switch key.type {
            case .integer:
                assertDecoderRange(key.path) { (v: Int) throws(LeverError) in
                    var c = FeatureConfig(charNgramMin: 1, charNgramMax: 8)
                    key.set(&c, .int(Int64(v)))
                    if key.name.hasPrefix("char_ngram") && v == 0 { (c.charNgramMin, c.charNgramMax) = (0, 0) }  // none
                    try store(c)
                }
            case .number:
                assertDecoderRange(key.path) { (v: Float) throws(LeverError) in
                    var c = FeatureConfig()
                    c.charWeight = v
                    try store(c)
                }
            default: XCTAssertEqual(key.type, .boolean)
            }
        }
        let empty = SparseMatrix(rows: 0, cols: 0, indptr: [0], indices: [], values: [])
        func storeKNN(_ c: KNNConfig) throws(LeverError) {
            let bytes = KNNIndex(config: c, postings: empty, trainLabels: empty).encoded()
            _ = try decode(bytes, "KNN") { (r) throws(LeverError) in try KNNIndex.decode(&r) }
        }
        assertDecoderRange("knn.neighbours") { (v: Int) throws(LeverError) in try storeKNN(KNNConfig(neighbours: v)) }
        assertDecoderRange("knn.power") { (v: Float) throws(LeverError) in try storeKNN(KNNConfig(power: v)) }
    }

    func testEncoderAndStudentDecodersAcceptExactlyTheConfigRanges() {
        func encoder(dim: Int) -> SparseEncoder {
            SparseEncoder(dim: dim, vocabulary: FeatureVocabulary(rowOf: []), table: EncoderTable([]))
        }
        assertDecoderRange("teacher.dim") { (v: Int) throws(LeverError) in
            var w = ByteWriter()
            encoder(dim: v).encode(into: &w)
            _ = try decode(w.bytes, "TEACHER") { (r) throws(LeverError) in try SparseEncoder.decode(&r) }
        }
        let teacher = TeacherScorer(encoder: encoder(dim: 2), labelEmbeddings: [], numLabels: 0)
        func storeStudent(shortlist: Int = 10, fusion: Float = 0) throws(LeverError) {
            let s = StudentScorer(teacher: teacher, encoder: nil, weights: ClassifierWeights(dim: 2, floats: []),
                                  sparse: nil, lexical: nil,
                                  predictShortlist: shortlist, lexicalShortlist: 0, fusion: fusion)
            _ = try decode(s.encoded(), "STUDENT") { (r) throws(LeverError) in
                try StudentScorer.decode(&r, teacher: teacher, ann: nil)
            }
        }
        assertDecoderRange("student.predict_shortlist") { (v: Int) throws(LeverError) in
            try storeStudent(shortlist: v)
        }
        assertDecoderRange("student.fusion") { (v: Float) throws(LeverError) in try storeStudent(fusion: v) }
        let empty = SparseMatrix(rows: 0, cols: 0, indptr: [0], indices: [], values: [])
        let index = KNNIndex(config: KNNConfig(), postings: empty, trainLabels: empty)
        assertDecoderRange("student.lexical_shortlist") { (v: Int) throws(LeverError) in
            let student = StudentScorer(teacher: teacher, encoder: nil, weights: ClassifierWeights(dim: 2, floats: []),
                                        sparse: nil, lexical: index,
                                        predictShortlist: 10, lexicalShortlist: v, fusion: 0)
            var sections = ModelFile.Sections()
            try student.write(into: &sections)
            let contents = try ModelFile.decode(ModelFile.encode(sections), path: "m.lever")
            let file = ModelSectionReader(sections: contents, path: "m.lever", numLabels: 0, featureDimension: 0)
            _ = try StudentScorer.read(file, teacher: teacher)
        }
    }
}
