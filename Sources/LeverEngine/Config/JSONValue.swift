import CLever

/// A JSON document in memory, parsed with json-c. Objects keep their key order.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// Parses strict JSON (RFC 8259). `source` names the text in error messages (a file path or
    /// "config"); errors give the line and column.
    public static func parse(_ text: String, source: String) throws(LeverError) -> JSONValue {
        guard let tok = json_tokener_new_ex(64) else { throw LeverError(.noMemory, "\(source): cannot allocate a JSON parser") }
        defer { json_tokener_free(tok) }
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT)
        let bytes = Array(text.utf8)
        if bytes.contains(0) { throw .config("\(source): contains a NUL byte") }
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { c in
                json_tokener_parse_ex(tok, c.baseAddress, Int32(clamping: c.count))
            }
        }
        let err = json_tokener_get_error(tok)
        let end = Int(json_tokener_get_parse_end(tok))
        guard let obj = parsed, err == json_tokener_success else {
            let why = err == json_tokener_continue ? "unexpected end of input" : String(cString: json_tokener_error_desc(err))
            throw .config("\(source):\(position(bytes, end)): invalid JSON: \(why)")
        }
        defer { json_object_put(obj) }
        var i = end
        while i < bytes.count {
            if ![32, 9, 10, 13].contains(bytes[i]) { throw .config("\(source):\(position(bytes, i)): unexpected text after the JSON value") }
            i += 1
        }
        return convert(obj)
    }

    private static func position(_ bytes: [UInt8], _ offset: Int) -> String {
        var line = 1, col = 1
        for b in bytes.prefix(max(0, min(offset, bytes.count))) {
            if b == 10 { line += 1; col = 1 } else { col += 1 }
        }
        return "\(line):\(col)"
    }

    private static func convert(_ o: OpaquePointer?) -> JSONValue {
        guard let o else { return .null }
        switch json_object_get_type(o) {
        case json_type_null: return .null
        case json_type_boolean: return .bool(json_object_get_boolean(o) != 0)
        case json_type_int: return .int(json_object_get_int64(o))
        case json_type_double: return .double(json_object_get_double(o))
        case json_type_string:
            let n = Int(json_object_get_string_len(o))
            let p = json_object_get_string(o)!
            return .string(String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self))
        case json_type_array:
            let n = json_object_array_length(o)
            return .array((0..<n).map { convert(json_object_array_get_idx(o, $0)) })
        case json_type_object:
            var out = JSONObject()
            var it = json_object_iter_begin(o)
            var end = json_object_iter_end(o)
            while json_object_iter_equal(&it, &end) == 0 {
                let key = String(cString: json_object_iter_peek_name(&it))
                out[key] = convert(json_object_iter_peek_value(&it))
                json_object_iter_next(&it)
            }
            return .object(out)
        default: return .null
        }
    }

    /// Serialises with two-space indentation (or compactly).
    public func serialized(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : -1)
        return out
    }

    private func write(into out: inout String, indent: Int) {
        let pretty = indent >= 0
        func newline(_ level: Int) { if pretty { out += "\n" + String(repeating: "  ", count: level) } }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) + ".0" : d.description) : "null"
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            let inline = a.allSatisfy { if case .array = $0 { return false }; if case .object = $0 { return false }; return true }
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += inline || !pretty ? (pretty ? ", " : ",") : "," }
                if !inline { newline(indent + 1) }
                v.write(into: &out, indent: pretty ? indent + 1 : -1)
            }
            if !inline { newline(indent) }
            out += "]"
        case .object(let o):
            if o.keys.isEmpty { out += "{}"; return }
            out += "{"
            for (i, k) in o.keys.enumerated() {
                if i > 0 { out += "," }
                newline(indent + 1)
                JSONValue.writeString(k, into: &out)
                out += pretty ? ": " : ":"
                o[k]!.write(into: &out, indent: pretty ? indent + 1 : -1)
            }
            newline(indent)
            out += "}"
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

/// A JSON object that remembers the order its keys were first set in.
public struct JSONObject: Equatable, Sendable {
    public private(set) var keys: [String] = []
    private var storage: [String: JSONValue] = [:]

    public init() {}

    public init(_ pairs: [(String, JSONValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public subscript(key: String) -> JSONValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }
}

extension JSONValue {
    /// A Float as the JSON number of its shortest decimal text (0.01, not 0.009999999776...).
    static func float(_ f: Float) -> JSONValue { .double(Double(f.description) ?? Double(f)) }
}
