/// A config struct that owns one section of the run config (or, with `section` "", the top-level
/// keys). Its `keys` are the section's schema; reading, validation, the defaults JSON, the
/// rendering of a trained config and the model decoders' checks all derive from them.
public protocol ConfigSection: Sendable {
    /// The section's name in the config ("" for keys at the top level).
    static var section: String { get }
    /// Every key of the section, each declared once.
    static var keys: [ConfigKey<Self>] { get }
    /// The defaults.
    init()
    /// Problems between keys (checked once every key of the section is allowed on its own).
    var relationProblems: [ConfigProblem] { get }
}

extension ConfigSection {
    public var relationProblems: [ConfigProblem] { [] }

    /// The values as a JSON object, in key order.
    public var json: JSONValue { .object(JSONObject(Self.keys.map { ($0.name, $0.get(self)) })) }

    /// The section with its defaults, as JSON.
    public static var defaultsJSON: JSONValue { Self().json }

    /// Each key's path, type, default and description, in key order.
    public static var schema: [ConfigKeyInfo] {
        let defaults = Self()
        return keys.map { ConfigKeyInfo(path: $0.path, type: $0.type, defaultValue: $0.get(defaults), help: $0.help) }
    }

    /// Every problem of these values: each key out of its range, then the relations between keys.
    public var problems: [ConfigProblem] {
        var out: [ConfigProblem] = []
        for key in Self.keys {
            if let why = key.type.problem(key.get(self), path: key.path) {
                out.append(ConfigProblem(key: key.path, message: why))
            }
        }
        return out.isEmpty ? relationProblems : out
    }

    /// The section read from `object` (a merged config's section, whose keys are known): each key's
    /// value when its type allows it, else the default, with a problem appended.
    static func read(_ object: JSONValue?, problems: inout [ConfigProblem]) -> Self {
        var out = Self()
        let before = problems.count
        for key in keys {
            guard let value = object?[key.name] else { continue }
            if let why = key.type.problem(value, path: key.path) {
                problems.append(ConfigProblem(key: key.path, message: why))
            } else {
                key.set(&out, value)
            }
        }
        if problems.count == before { problems += out.relationProblems }
        return out
    }

    /// Checks values a model file stores for this section (every key, and their relations), with the
    /// same ranges the config allows. `place` names the file's section ("model section FEATURES").
    func checkStored(in place: String) throws(LeverError) {
        if let p = problems.first { throw .corrupt("\(place): \(p.message)") }
    }

    /// Checks one stored value against its key's range.
    static func checkStored<V>(_ field: WritableKeyPath<Self, V>, _ value: V, in place: String) throws(LeverError) {
        guard let key = keys.first(where: { ($0.keyPath as AnyKeyPath) == (field as AnyKeyPath) }) else {
            throw LeverError(.internal, "\(place): no config key is declared for a stored \(Self.self) field")
        }
        var owner = Self()
        owner[keyPath: field] = value
        if let why = key.type.problem(key.get(owner), path: key.path) { throw .corrupt("\(place): \(why)") }
    }
}

/// One key of the schema, whatever section owns it (for listings and the C API).
public struct ConfigKeyInfo: Sendable {
    public let path: String
    public let type: ConfigType
    public let defaultValue: JSONValue
    public let help: String

    /// The key as a JSON object: key, type and bounds or choices, default, description.
    var json: JSONValue {
        .object(JSONObject([("key", .string(path))] + type.schemaFields
                           + [("default", defaultValue), ("description", .string(help))]))
    }
}

extension LeverError {
    /// An error listing every problem, each on its own line after the first.
    static func listing(_ problems: [ConfigProblem], source: String, status: LeverStatus = .config) -> LeverError {
        if problems.count == 1 { return LeverError(status, "\(source): \(problems[0].message)") }
        let header = "\(source): \(problems.count) problems:"
        return LeverError(status, lines: [header] + problems.map { "  " + $0.message })
    }
}
