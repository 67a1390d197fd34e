/// The run config: one JSON document describing data, method, features, evaluation, outputs.
///
/// `RunConfig.defaults` gathers the defaults (each stage's config struct owns its own and renders
/// them as `defaultsJSON`); it is also the schema: a user config is
/// merged onto it, and a key the defaults do not have, or a value of another JSON type, is rejected
/// with the key's path. `lever config --defaults` prints it.
public struct RunConfig: Sendable {
    public static let defaults: JSONValue = .object(JSONObject([
        ("data", .object(JSONObject([
            ("dir", .string("data/wordnet")),
            ("trn_X", .string("trn_X.txt")),
            ("trn_X_Y", .string("trn_X_Y.txt")),
            ("tst_X", .string("tst_X.txt")),
            ("tst_X_Y", .string("tst_X_Y.txt")),
            ("Y", .string("Y.txt")),
            ("trn_filter", .string("trn_filter_labels.txt")),
            ("tst_filter", .string("tst_filter_labels.txt")),
        ]))),
        ("method", .string("lever")),
        ("features", FeatureConfig.defaultsJSON),
        ("knn", KNNConfig.defaultsJSON),
        ("teacher", TeacherConfig.defaultsJSON),
        ("student", StudentConfig.defaultsJSON),
        ("distillation", DistillationConfig.defaultsJSON),
        ("evaluation", EvaluationConfig.defaultsJSON),
        ("output", .object(JSONObject([
            ("dir", .string("runs/wordnet")),
            ("model", .string("model.lever")),
            ("predictions", .string("tst_predictions.txt")),
            ("report", .string("report.json")),
            ("chart", .string("psp_by_band.svg")),
            ("top_k", .int(100)),
        ]))),
        ("compare", .bool(false)),
        ("threads", .int(0)),
        ("seed", .int(1)),
    ]))

    public var document: JSONValue
    public var paths: DatasetPaths
    public var method: Method
    public var features: FeatureConfig
    public var knn: KNNConfig
    public var teacher: TeacherConfig
    public var student: StudentConfig
    public var distillation: DistillationConfig
    /// With method "lever": also train the student without distillation and report all three.
    public var compare: Bool
    public var evaluation: EvaluationConfig
    public var output: OutputConfig
    public var threads: Int
    public var seed: UInt64

    public struct OutputConfig: Sendable {
        /// Empty string: that output is not written.
        public var model: String
        public var predictions: String
        public var report: String
        /// SVG chart of PSP by band for the compared models (with "compare": true).
        public var chart: String
        public var topK: Int
    }

    /// Parses a config file; relative paths in it resolve against the file's folder.
    public static func load(path: String) throws(LeverError) -> RunConfig {
        let text = try FileIO.readConfigText(path)
        return try parse(text, source: path, baseDir: Path.directory(of: path))
    }

    /// Parses config JSON text; relative paths resolve against `baseDir`.
    public static func parse(_ text: String, source: String = "config", baseDir: String = ".") throws(LeverError) -> RunConfig {
        if text.utf8.count > FileIO.maxConfigBytes {
            throw .config("\(source): is \(text.utf8.count) bytes; a config may be at most \(FileIO.maxConfigBytes) bytes (1 MiB)")
        }
        let user = try JSONValue.parse(text, source: source)
        guard case .object = user else { throw .config("\(source): the config must be a JSON object, not \(user.typeName)") }
        let merged = try merge(user, onto: defaults, path: "", source: source)
        return try RunConfig(merged, user: user, source: source, baseDir: baseDir)
    }

    static func merge(_ user: JSONValue, onto base: JSONValue, path: String, source: String) throws(LeverError) -> JSONValue {
        switch (base, user) {
        case (.object(let b), .object(let u)):
            var out = b
            for key in u.keys {
                let keyPath = path.isEmpty ? key : path + "." + key
                guard let bv = b[key] else {
                    throw .config("\(source): unknown key \"\(keyPath)\" (known keys here: \(b.keys.joined(separator: ", ")))")
                }
                out[key] = try merge(u[key]!, onto: bv, path: keyPath, source: source)
            }
            return .object(out)
        case (.object, _):
            throw .config("\(source): \"\(path)\" must be an object, not \(user.typeName)")
        case (.array(let b), .array(let u)):
            if let proto = b.first {
                for (i, v) in u.enumerated() { _ = try merge(v, onto: proto, path: "\(path)[\(i)]", source: source) }
            }
            return user
        case (.double, .int(let i)):
            return .double(Double(i))
        default:
            if base.typeName != user.typeName {
                throw .config("\(source): \"\(path)\" must be \(article(base.typeName)), not \(user.typeName)")
            }
            return user
        }
    }

    private static func article(_ t: String) -> String { t == "integer" || t == "array" || t == "object" ? "an \(t)" : "a \(t)" }

    init(_ doc: JSONValue, user: JSONValue, source: String, baseDir: String) throws(LeverError) {
        let r = ConfigReader(doc: doc, source: source)
        document = doc
        let dir = Path.join(baseDir, try r.string("data.dir"))
        var p = DatasetPaths(dir: dir)
        p.trainTexts = Path.join(dir, try r.nonEmptyString("data.trn_X"))
        p.trainLabels = Path.join(dir, try r.nonEmptyString("data.trn_X_Y"))
        p.testTexts = Path.join(dir, try r.nonEmptyString("data.tst_X"))
        p.testLabels = Path.join(dir, try r.nonEmptyString("data.tst_X_Y"))
        p.labelTexts = Path.join(dir, try r.nonEmptyString("data.Y"))
        for (key, isTrain) in [("trn_filter", true), ("tst_filter", false)] {
            let name = try r.string("data." + key)
            let explicit = user["data"]?[key] != nil
            let f: (String, Bool)? = name.isEmpty ? nil : (Path.join(dir, name), explicit)
            if isTrain { p.trainFilter = f } else { p.testFilter = f }
        }
        paths = p
        method = try r.choice("method", Method.self)
        features = try FeatureConfig(r)
        knn = try KNNConfig(r)
        teacher = try TeacherConfig(r)
        if !teacher.load.isEmpty { teacher.load = Path.join(baseDir, teacher.load) }
        student = try StudentConfig(r)
        distillation = try DistillationConfig(r)
        compare = try r.bool("compare")
        evaluation = try EvaluationConfig(r)
        let outDir = Path.join(baseDir, try r.string("output.dir"))
        func outPath(_ key: String) throws(LeverError) -> String {
            let name = try r.string(key)
            return name.isEmpty ? "" : Path.join(outDir, name)
        }
        output = OutputConfig(model: try outPath("output.model"), predictions: try outPath("output.predictions"),
                              report: try outPath("output.report"), chart: try outPath("output.chart"), topK: try r.int("output.top_k", in: 1...100_000))
        if let maxK = evaluation.ks.max(), maxK > output.topK {
            throw .config("\(source): \"evaluation.k\" asks for k = \(maxK) but \"output.top_k\" is \(output.topK)")
        }
        threads = try r.int("threads", in: 0...1024)
        seed = UInt64(try r.int("seed", in: 0...Int(Int64.max)))
    }
}

/// Typed, range-checked access to a merged config document by dotted key path.
struct ConfigReader {
    let doc: JSONValue
    let source: String

    func value(_ path: String) -> JSONValue {
        var v = doc
        for part in path.split(separator: ".") { v = v[String(part)] ?? .null }
        return v
    }

    func string(_ path: String) throws(LeverError) -> String {
        guard case .string(let s) = value(path) else { throw .config("\(source): \"\(path)\" must be a string") }
        return s
    }

    func nonEmptyString(_ path: String) throws(LeverError) -> String {
        let s = try string(path)
        if s.isEmpty { throw .config("\(source): \"\(path)\" must not be empty") }
        return s
    }

    func int(_ path: String, in range: ClosedRange<Int>) throws(LeverError) -> Int {
        guard case .int(let i) = value(path) else { throw .config("\(source): \"\(path)\" must be an integer") }
        guard let v = Int(exactly: i), range.contains(v) else {
            throw .config("\(source): \"\(path)\" is \(i); expected an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    func double(_ path: String, in range: ClosedRange<Double>) throws(LeverError) -> Double {
        let d: Double
        switch value(path) {
        case .double(let x): d = x
        case .int(let i): d = Double(i)
        default: throw .config("\(source): \"\(path)\" must be a number")
        }
        guard range.contains(d) else {
            throw .config("\(source): \"\(path)\" is \(d); expected a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return d
    }

    /// A string that must be one of an enum's raw values.
    func choice<E: RawRepresentable & CaseIterable>(_ path: String, _: E.Type) throws(LeverError) -> E where E.RawValue == String {
        let s = try string(path)
        guard let v = E(rawValue: s) else {
            throw .config("\(source): \"\(path)\" is \"\(s)\"; expected one of \(E.allCases.map { $0.rawValue }.joined(separator: ", "))")
        }
        return v
    }

    func bool(_ path: String) throws(LeverError) -> Bool {
        guard case .bool(let b) = value(path) else { throw .config("\(source): \"\(path)\" must be a boolean") }
        return b
    }

    func intArray(_ path: String, in range: ClosedRange<Int>) throws(LeverError) -> [Int] {
        guard case .array(let a) = value(path) else { throw .config("\(source): \"\(path)\" must be an array") }
        var out: [Int] = []
        for (i, v) in a.enumerated() {
            guard case .int(let x) = v, let k = Int(exactly: x), range.contains(k) else {
                throw .config("\(source): \"\(path)[\(i)]\" must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            out.append(k)
        }
        return out
    }
}
