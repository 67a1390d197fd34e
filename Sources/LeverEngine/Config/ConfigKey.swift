/// What a config key holds and which values it allows: the one place a key's range lives. The
/// config reader, `lever config --defaults --explain` and the model decoders all check against it.
public enum ConfigType: Sendable, Equatable {
    case integer(ClosedRange<Int>)
    case number(ClosedRange<Double>)
    case boolean
    case string(nonEmpty: Bool)
    /// A string that must be one of these.
    case choice([String])
    /// A non-empty array of integers, each in the range.
    case integerList(ClosedRange<Int>)

    /// Why `value` is not allowed for the key at `path`, or nil when it is.
    func problem(_ value: JSONValue, path: String) -> String? {
        let key = "\"\(path)\""
        switch (self, value) {
        case (.integer(let r), .int(let i)):
            guard let v = Int(exactly: i), r.contains(v) else {
                return "\(key) is \(i); expected an integer in \(r.lowerBound)...\(r.upperBound)"
            }
            return nil
        case (.number(let r), .double(let d)):
            return d.isFinite && r.contains(d) ? nil
                : "\(key) is \(d); expected a number in \(r.lowerBound)...\(r.upperBound)"
        case (.number, .int(let i)):
            return ConfigType.number(numberRange).problem(.double(Double(i)), path: path)
        case (.boolean, .bool), (.string(nonEmpty: false), .string):
            return nil
        case (.string(nonEmpty: true), .string(let s)):
            return s.isEmpty ? "\(key) must not be empty" : nil
        case (.choice(let options), .string(let s)):
            return options.contains(s) ? nil
                : "\(key) is \"\(s)\"; expected one of \(options.joined(separator: ", "))"
        case (.integerList(let r), .array(let a)):
            if a.isEmpty { return "\(key) must list at least one value" }
            for (i, v) in a.enumerated() {
                guard case .int(let x) = v, let k = Int(exactly: x), r.contains(k) else {
                    return "\"\(path)[\(i)]\" must be an integer in \(r.lowerBound)...\(r.upperBound)"
                }
            }
            return nil
        default:
            return "\(key) must be \(jsonTypeName), not \(value.typeName)"
        }
    }

    private var numberRange: ClosedRange<Double> {
        if case .number(let r) = self { return r }
        return 0...0
    }

    /// The JSON type a value of this key has, with its article ("an integer", "a string").
    var jsonTypeName: String {
        switch self {
        case .integer: return "an integer"
        case .number: return "a number"
        case .boolean: return "a boolean"
        case .string, .choice: return "a string"
        case .integerList: return "an array"
        }
    }

    /// The allowed values in words, as `lever config --defaults --explain` prints them.
    public var allowed: String {
        switch self {
        case .integer(let r): return "integer in \(r.lowerBound)...\(r.upperBound)"
        case .number(let r): return "number in \(r.lowerBound)...\(r.upperBound)"
        case .boolean: return "true or false"
        case .string(let nonEmpty): return nonEmpty ? "non-empty string" : "string"
        case .choice(let options): return "one of " + options.joined(separator: ", ")
        case .integerList(let r): return "non-empty list of integers in \(r.lowerBound)...\(r.upperBound)"
        }
    }

    /// The type and bounds as JSON fields of the schema (`lever_config_schema`).
    var schemaFields: [(String, JSONValue)] {
        switch self {
        case .integer(let r):
            return [("type", .string("integer")), ("min", .int(Int64(r.lowerBound))),
                    ("max", .int(Int64(r.upperBound)))]
        case .number(let r):
            return [("type", .string("number")), ("min", .double(r.lowerBound)), ("max", .double(r.upperBound))]
        case .boolean: return [("type", .string("boolean"))]
        case .string(let nonEmpty): return [("type", .string("string")), ("non_empty", .bool(nonEmpty))]
        case .choice(let options):
            return [("type", .string("choice")), ("choices", .array(options.map { .string($0) }))]
        case .integerList(let r):
            return [("type", .string("integer_list")), ("min", .int(Int64(r.lowerBound))),
                    ("max", .int(Int64(r.upperBound)))]
        }
    }
}

/// One problem found in a config: the dotted key path at fault ("" when the text is not JSON) and
/// a sentence naming it.
public struct ConfigProblem: Sendable, Equatable {
    public let key: String
    public let message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }
}

/// One config key, declared once in its section's `keys`: its name, type and allowed values, a
/// one-line description, and the field of the section's struct it sets. The default is the field's
/// value in the struct's `init()`.
public struct ConfigKey<Owner: ConfigSection>: Sendable {
    public let name: String
    public let type: ConfigType
    public let help: String
    let keyPath: PartialKeyPath<Owner> & Sendable
    /// The field's value as JSON.
    let get: @Sendable (Owner) -> JSONValue
    /// Stores a value that `type` allows into the field.
    let set: @Sendable (inout Owner, JSONValue) -> Void

    /// The dotted key path, e.g. "teacher.dim".
    public var path: String { Owner.section.isEmpty ? name : Owner.section + "." + name }
}

extension ConfigKey {
    static func integer(_ name: String, _ field: WritableKeyPath<Owner, Int> & Sendable, _ range: ClosedRange<Int>,
                        _ help: String) -> ConfigKey {
        ConfigKey(name: name, type: .integer(range), help: help, keyPath: field,
                  get: { .int(Int64($0[keyPath: field])) },
                  set: { owner, v in if case .int(let i) = v, let x = Int(exactly: i) { owner[keyPath: field] = x } })
    }

    /// A number kept as a Float (rendered as its shortest decimal text).
    static func number(_ name: String, _ field: WritableKeyPath<Owner, Float> & Sendable, _ range: ClosedRange<Double>,
                       _ help: String) -> ConfigKey {
        ConfigKey(name: name, type: .number(range), help: help, keyPath: field,
                  get: { .float($0[keyPath: field]) },
                  set: { owner, v in if let d = v.numberValue { owner[keyPath: field] = Float(d) } })
    }

    static func number(_ name: String, _ field: WritableKeyPath<Owner, Double> & Sendable, _ range: ClosedRange<Double>,
                       _ help: String) -> ConfigKey {
        ConfigKey(name: name, type: .number(range), help: help, keyPath: field,
                  get: { .double($0[keyPath: field]) },
                  set: { owner, v in if let d = v.numberValue { owner[keyPath: field] = d } })
    }

    static func boolean(_ name: String, _ field: WritableKeyPath<Owner, Bool> & Sendable, _ help: String) -> ConfigKey {
        ConfigKey(name: name, type: .boolean, help: help, keyPath: field,
                  get: { .bool($0[keyPath: field]) },
                  set: { owner, v in if case .bool(let b) = v { owner[keyPath: field] = b } })
    }

    static func string(_ name: String, _ field: WritableKeyPath<Owner, String> & Sendable, nonEmpty: Bool = false,
                       _ help: String) -> ConfigKey {
        ConfigKey(name: name, type: .string(nonEmpty: nonEmpty), help: help, keyPath: field,
                  get: { .string($0[keyPath: field]) },
                  set: { owner, v in if case .string(let s) = v { owner[keyPath: field] = s } })
    }

    /// A string naming one case of `E`.
    static func choice<E: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ field: WritableKeyPath<Owner, E> & Sendable, _ help: String
    ) -> ConfigKey where E.RawValue == String {
        ConfigKey(name: name, type: .choice(E.allCases.map { $0.rawValue }), help: help, keyPath: field,
                  get: { .string($0[keyPath: field].rawValue) },
                  set: { owner, v in if case .string(let s) = v, let e = E(rawValue: s) { owner[keyPath: field] = e } })
    }

    static func integerList(_ name: String, _ field: WritableKeyPath<Owner, [Int]> & Sendable,
                            _ range: ClosedRange<Int>, _ help: String) -> ConfigKey {
        ConfigKey(name: name, type: .integerList(range), help: help, keyPath: field,
                  get: { .array($0[keyPath: field].map { .int(Int64($0)) }) },
                  set: { owner, v in
                      guard case .array(let a) = v else { return }
                      owner[keyPath: field] = a.compactMap {
                          if case .int(let i) = $0 { return Int(exactly: i) }
                          return nil
                      }
                  })
    }
}

extension JSONValue {
    /// An integer or a floating-point number as a Double.
    var numberValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
}
