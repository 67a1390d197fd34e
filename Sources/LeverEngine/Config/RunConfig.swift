/// The run config: one JSON document describing data, method, features, evaluation, outputs.
///
/// Each key is declared once, in the `keys` of the config struct that owns its section
/// (`RunSettings` for the top-level keys, `DataConfig`, `FeatureConfig`, `KNNConfig`,
/// `TeacherConfig`, `StudentConfig`, `DistillationConfig`, `ANNConfig`, `EvaluationConfig`, `OutputConfig`,
/// `DistributedConfig`):
/// name, type, range or choices, description, and the field it sets; the default is the field's
/// initial value. A user config is merged onto the defaults; every unknown key, wrong type, value out
/// of range and conflict between keys is reported together, each with its key path. A RunConfig is
/// immutable, and `document` renders the validated values, so a model records exactly the config it
/// was trained with; `with(_:)` derives a changed config through the same validation.
public struct RunConfig: Sendable {
    /// Whether the config names dataset files (`lever train`), or leaves `data` out because the
    /// caller passes the data in memory (a `data` section is then a problem).
    public enum DataSection: Sendable { case files, none }

    public let settings: RunSettings
    /// nil when parsed with `DataSection.none`.
    public let data: DataConfig?
    public let features: FeatureConfig
    public let knn: KNNConfig
    public let teacher: TeacherConfig
    public let student: StudentConfig
    public let distillation: DistillationConfig
    public let ann: ANNConfig
    public let evaluation: EvaluationConfig
    public let outputSettings: OutputConfig
    /// Read by the distributed driver only (`lever.distributed`); training ignores it.
    public let distributed: DistributedConfig

    /// The dataset files, resolved against the config's folder.
    public let paths: DatasetPaths
    /// The outputs, resolved against the config's folder.
    public let output: Outputs
    /// `teacher.load` resolved against the config's folder ("" when no teacher is loaded).
    public let teacherLoadPath: String

    /// The config as the user wrote it, and what it was parsed with (for `with(_:)`).
    private let user: JSONValue
    private let source: String
    private let baseDir: String
    private let dataSection: DataSection

    public var method: Method { settings.method }
    /// With method "lever": also train the student without distillation and report all three.
    public var compare: Bool { settings.compare }
    public var threads: Int { settings.threads }
    public var seed: UInt64 { UInt64(settings.seed) }

    /// Output paths ("" when that output is not written) and the prediction depth.
    public struct Outputs: Sendable {
        public let model: String
        public let predictions: String
        public let report: String
        /// SVG chart of PSP by band for the compared models (with "compare": true).
        public let chart: String
        public let topK: Int
    }

    /// The default config: every key with its default (`lever config --defaults`).
    public static let defaults: JSONValue = render(RunSettings(), DataConfig(), FeatureConfig(), KNNConfig(),
                                                   TeacherConfig(), StudentConfig(), DistillationConfig(),
                                                   ANNConfig(), EvaluationConfig(), OutputConfig(),
                                                   DistributedConfig())

    /// Every key of the config, in document order, with its type, default and description.
    public static var schema: [ConfigKeyInfo] {
        RunSettings.schema + DataConfig.schema + FeatureConfig.schema + KNNConfig.schema + TeacherConfig.schema
            + StudentConfig.schema + DistillationConfig.schema + ANNConfig.schema + EvaluationConfig.schema
            + OutputConfig.schema + DistributedConfig.schema
    }

    /// The validated config as one JSON document, rendered from the typed values (what a model and a
    /// report record).
    public var document: JSONValue {
        RunConfig.render(settings, data, features, knn, teacher, student, distillation, ann, evaluation,
                         outputSettings, distributed)
    }

    /// Parses a config file; relative paths in it resolve against the file's folder.
    public static func load(path: String, data: DataSection = .files) throws(LeverError) -> RunConfig {
        let text = try FileIO.readConfigText(path)
        return try parse(text, source: path, baseDir: Path.directory(of: path), data: data)
    }

    /// Parses config JSON text; relative paths resolve against `baseDir`. Throws one LEVER_ERR_CONFIG
    /// error listing every problem.
    public static func parse(_ text: String, source: String = "config", baseDir: String = ".",
                             data: DataSection = .files) throws(LeverError) -> RunConfig {
        try validated(user: try parseUser(text, source: source), source: source, baseDir: baseDir, data: data)
    }

    /// Every problem of a config text (empty when it is valid); files it names are not read.
    public static func problems(in text: String, source: String = "config",
                                data: DataSection = .files) -> [ConfigProblem] {
        do throws(LeverError) {
            var found: [ConfigProblem] = []
            _ = RunConfig(user: try parseUser(text, source: source), source: source, baseDir: ".", data: data,
                          problems: &found)
            return found
        } catch {
            return [ConfigProblem(key: "", message: error.message)]
        }
    }

    /// This config with `overrides` (a JSON object, e.g. {"compare": true}) merged onto what the user
    /// wrote, validated again.
    public func with(_ overrides: JSONValue) throws(LeverError) -> RunConfig {
        try RunConfig.validated(user: RunConfig.overlay(overrides, onto: user), source: source, baseDir: baseDir,
                                data: dataSection)
    }

    /// `with(_:)` taking the overrides as JSON text.
    public func with(_ overrides: String) throws(LeverError) -> RunConfig {
        try with(try RunConfig.parseUser(overrides, source: "\(source) (overrides)"))
    }

    private static func parseUser(_ text: String, source: String) throws(LeverError) -> JSONValue {
        if text.utf8.count > FileIO.maxConfigBytes {
            throw .config("\(source): is \(text.utf8.count) bytes; a config may be at most"
                          + " \(FileIO.maxConfigBytes) bytes (1 MiB)")
        }
        let user = try JSONValue.parse(text, source: source)
        guard case .object = user else {
            throw .config("\(source): the config must be a JSON object, not \(user.typeName)")
        }
        return user
    }

    private static func validated(user: JSONValue, source: String, baseDir: String,
                                  data: DataSection) throws(LeverError) -> RunConfig {
        var found: [ConfigProblem] = []
        let config = RunConfig(user: user, source: source, baseDir: baseDir, data: data, problems: &found)
        if !found.isEmpty { throw .listing(found, source: source) }
        return config
    }

    /// Reads every section of `user` merged onto the defaults; appends each problem to `problems`
    /// (a key with a problem keeps its default, so the other keys are still checked).
    private init(user: JSONValue, source: String, baseDir: String, data dataSection: DataSection,
                 problems: inout [ConfigProblem]) {
        let merged = RunConfig.merge(user, onto: RunConfig.defaults, path: "", problems: &problems)
        settings = RunSettings.read(merged, problems: &problems)
        if dataSection == .none, user["data"] != nil {
            problems.append(ConfigProblem(key: "data", message: "\"data\" names dataset files, but this training"
                                          + " takes its data in memory; leave the section out"))
        }
        let dataConfig = dataSection == .files ? DataConfig.read(merged["data"], problems: &problems) : nil
        features = FeatureConfig.read(merged["features"], problems: &problems)
        knn = KNNConfig.read(merged["knn"], problems: &problems)
        teacher = TeacherConfig.read(merged["teacher"], problems: &problems)
        student = StudentConfig.read(merged["student"], problems: &problems)
        distillation = DistillationConfig.read(merged["distillation"], problems: &problems)
        ann = ANNConfig.read(merged["ann"], problems: &problems)
        evaluation = EvaluationConfig.read(merged["evaluation"], problems: &problems)
        outputSettings = OutputConfig.read(merged["output"], problems: &problems)
        distributed = DistributedConfig.read(merged["distributed"], problems: &problems)
        if let maxK = evaluation.ks.max(), maxK > outputSettings.topK {
            problems.append(ConfigProblem(key: "evaluation.k", message: "\"evaluation.k\" asks for k = \(maxK) but"
                                          + " \"output.top_k\" is \(outputSettings.topK)"))
        }
        data = dataConfig
        paths = RunConfig.resolve(dataConfig ?? DataConfig(), user: user, baseDir: baseDir)
        let outDir = Path.join(baseDir, outputSettings.dir)
        func outPath(_ name: String) -> String { name.isEmpty ? "" : Path.join(outDir, name) }
        output = Outputs(model: outPath(outputSettings.model), predictions: outPath(outputSettings.predictions),
                         report: outPath(outputSettings.report), chart: outPath(outputSettings.chart),
                         topK: outputSettings.topK)
        teacherLoadPath = teacher.load.isEmpty ? "" : Path.join(baseDir, teacher.load)
        self.user = user
        self.source = source
        self.baseDir = baseDir
        self.dataSection = dataSection
    }

    /// The dataset paths; a filter named explicitly in the user's config must exist.
    private static func resolve(_ d: DataConfig, user: JSONValue, baseDir: String) -> DatasetPaths {
        let dir = Path.join(baseDir, d.dir)
        var p = DatasetPaths(dir: dir)
        p.trainTexts = Path.join(dir, d.trainTexts)
        p.trainLabels = Path.join(dir, d.trainLabels)
        p.testTexts = Path.join(dir, d.testTexts)
        p.testLabels = Path.join(dir, d.testLabels)
        p.labelTexts = Path.join(dir, d.labelTexts)
        func filter(_ key: String, _ name: String) -> (String, Bool)? {
            name.isEmpty ? nil : (Path.join(dir, name), user["data"]?[key] != nil)
        }
        p.trainFilter = filter("trn_filter", d.trainFilter)
        p.testFilter = filter("tst_filter", d.testFilter)
        return p
    }

    /// The document of these sections: top-level keys first, then the sections in pipeline order.
    private static func render(_ s: RunSettings, _ data: DataConfig?, _ features: FeatureConfig, _ knn: KNNConfig,
                               _ teacher: TeacherConfig, _ student: StudentConfig, _ distillation: DistillationConfig,
                               _ ann: ANNConfig, _ evaluation: EvaluationConfig, _ output: OutputConfig,
                               _ distributed: DistributedConfig) -> JSONValue {
        guard case .object(var doc) = s.json else { return s.json }
        if let data { doc[DataConfig.section] = data.json }
        doc[FeatureConfig.section] = features.json
        doc[KNNConfig.section] = knn.json
        doc[TeacherConfig.section] = teacher.json
        doc[StudentConfig.section] = student.json
        doc[DistillationConfig.section] = distillation.json
        doc[ANNConfig.section] = ann.json
        doc[EvaluationConfig.section] = evaluation.json
        doc[OutputConfig.section] = output.json
        doc[DistributedConfig.section] = distributed.json
        return .object(doc)
    }

    /// `user` merged onto `base`: objects key by key, anything else replaced. An unknown key, or a
    /// non-object where the defaults have a section, is a problem (and keeps the default); leaf
    /// values are checked by their section's keys.
    static func merge(_ user: JSONValue, onto base: JSONValue, path: String,
                      problems: inout [ConfigProblem]) -> JSONValue {
        switch (base, user) {
        case (.object(let b), .object(let u)):
            var out = b
            for key in u.keys {
                let keyPath = path.isEmpty ? key : path + "." + key
                guard let bv = b[key] else {
                    problems.append(ConfigProblem(key: keyPath, message: "unknown key \"\(keyPath)\" (known keys here:"
                                                  + " \(b.keys.joined(separator: ", ")))"))
                    continue
                }
                out[key] = merge(u[key]!, onto: bv, path: keyPath, problems: &problems)
            }
            return .object(out)
        case (.object, _):
            problems.append(ConfigProblem(key: path, message: "\"\(path)\" must be an object, not \(user.typeName)"))
            return base
        default:
            return user
        }
    }

    /// `overrides` laid over `base`: objects merged key by key, anything else replaced.
    static func overlay(_ overrides: JSONValue, onto base: JSONValue) -> JSONValue {
        guard case .object(var b) = base, case .object(let o) = overrides else { return overrides }
        for key in o.keys { b[key] = b[key].map { overlay(o[key]!, onto: $0) } ?? o[key]! }
        return .object(b)
    }

    /// Each key with its default, allowed values and description (`lever config --defaults --explain`).
    public static var explanation: String {
        var out = ""
        for k in schema {
            out += "\(k.path) = \(k.defaultValue.serialized(pretty: false))    (\(k.type.allowed))\n    \(k.help)\n"
        }
        return out
    }

    /// The schema as JSON: an array of {key, type, min/max or choices, default, description}.
    public static var schemaJSON: JSONValue { .array(schema.map { $0.json }) }
}

extension ConfigProblem {
    /// A list of problems as a JSON array of {"key", "message"} objects.
    public static func json(_ problems: [ConfigProblem]) -> JSONValue {
        .array(problems.map { .object(JSONObject([("key", .string($0.key)), ("message", .string($0.message))])) })
    }
}
