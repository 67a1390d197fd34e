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
    /// "config"); errors give the line and column, and the key path where there is one. Beyond what
    /// json-c's strict mode refuses, `StrictJSONCheck` refuses single-quoted strings, NaN and
    /// Infinity, integers outside int64, numbers outside double, duplicate keys and NUL (\u0000)
    /// in strings. A leading UTF-8 byte order mark is skipped.
    public static func parse(_ text: String, source: String) throws(LeverError) -> JSONValue {
        guard let tok = json_tokener_new_ex(64) else { throw LeverError(.noMemory, "\(source): cannot allocate a JSON parser") }
        defer { json_tokener_free(tok) }
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT)
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let nul = bytes.firstIndex(of: 0) { throw .config("\(source):\(position(bytes, nul)): contains a NUL byte") }
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
        var check = StrictJSONCheck(bytes: bytes, source: source)
        try check.run()
        return convert(obj)
    }

    static func position(_ bytes: [UInt8], _ offset: Int) -> String {
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

/// A second pass over JSON text that json-c accepted, refusing what json-c lets through even in
/// strict mode: single-quoted strings, NaN/Infinity literals, integers outside int64 (json-c clamps
/// them), numbers outside double, duplicate keys (json-c keeps the last, unchecked) and NUL
/// (\u0000) inside strings. Errors give line:column and the key path.
struct StrictJSONCheck {
    let bytes: [UInt8]
    let source: String
    private var i = 0
    private static let maxDepth = 64

    init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    mutating func run() throws(LeverError) {
        skipSpace()
        try value(path: "", depth: 0)
    }

    private func fail(_ path: String, _ what: String, at offset: Int? = nil) -> LeverError {
        let where_ = path.isEmpty ? "" : " at \"\(path)\""
        return .config("\(source):\(JSONValue.position(bytes, offset ?? i)): invalid JSON\(where_): \(what)")
    }

    private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while let c = current, c == 32 || c == 9 || c == 10 || c == 13 { i += 1 }
    }

    private mutating func expect(_ c: UInt8, _ path: String, _ what: String) throws(LeverError) {
        guard current == c else { throw fail(path, "expected \(what)") }
        i += 1
    }

    private mutating func value(path: String, depth: Int) throws(LeverError) {
        guard depth < Self.maxDepth else { throw fail(path, "nested deeper than \(Self.maxDepth) levels") }
        guard let c = current else { throw fail(path, "unexpected end of input") }
        switch c {
        case UInt8(ascii: "{"):
            i += 1
            skipSpace()
            if current == UInt8(ascii: "}") { i += 1; return }
            var keys = Set<String>()
            while true {
                let keyStart = i
                if current == UInt8(ascii: "'") {
                    throw fail(path, "single-quoted keys are not JSON; use double quotes")
                }
                guard current == UInt8(ascii: "\"") else { throw fail(path, "expected a double-quoted key") }
                let key = try string(path: path)
                let keyPath = path.isEmpty ? key : path + "." + key
                if !keys.insert(key).inserted { throw fail(keyPath, "duplicate key \"\(key)\"", at: keyStart) }
                skipSpace()
                try expect(UInt8(ascii: ":"), keyPath, "':' after the key")
                skipSpace()
                try value(path: keyPath, depth: depth + 1)
                skipSpace()
                if current == UInt8(ascii: ",") { i += 1; skipSpace(); continue }
                try expect(UInt8(ascii: "}"), path, "',' or '}'")
                return
            }
        case UInt8(ascii: "["):
            i += 1
            skipSpace()
            if current == UInt8(ascii: "]") { i += 1; return }
            var n = 0
            while true {
                try value(path: "\(path)[\(n)]", depth: depth + 1)
                n += 1
                skipSpace()
                if current == UInt8(ascii: ",") { i += 1; skipSpace(); continue }
                try expect(UInt8(ascii: "]"), path, "',' or ']'")
                return
            }
        case UInt8(ascii: "\""):
            _ = try string(path: path)
        case UInt8(ascii: "'"):
            throw fail(path, "single-quoted strings are not JSON; use double quotes")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number(path: path)
        default:
            let start = i
            while let d = current, (d >= 65 && d <= 90) || (d >= 97 && d <= 122) { i += 1 }
            let word = String(decoding: bytes[start..<i], as: UTF8.self)
            if word == "true" || word == "false" || word == "null" { return }
            i = start
            if word.isEmpty { throw fail(path, "unexpected character") }
            throw fail(path, "\(word) is not a JSON value (NaN and Infinity are not JSON numbers)")
        }
    }

    /// A double-quoted string at `i`, decoded (so "\u0061" and "a" are the same key).
    private mutating func string(path: String) throws(LeverError) -> String {
        let start = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard let c = current else { throw fail(path, "unterminated string", at: start) }
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c < 0x20 { throw fail(path, "raw control character in a string") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard let e = current else { throw fail(path, "unterminated string", at: start) }
            i += 1
            switch e {
            case UInt8(ascii: "u"):
                var scalar = try hex4(path)
                if (0xD800..<0xDC00).contains(scalar), current == UInt8(ascii: "\\"), i + 1 < bytes.count,
                   bytes[i + 1] == UInt8(ascii: "u") {
                    let save = i
                    i += 2
                    let low = try hex4(path)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = save
                    }
                }
                if scalar == 0 { throw fail(path, "strings must not contain NUL (\\u0000)", at: i - 6) }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func hex4(_ path: String) throws(LeverError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail(path, "truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt8
            switch c {
            case 48...57: d = c - 48
            case 65...70: d = c - 55
            case 97...102: d = c - 87
            default: throw fail(path, "bad \\u escape")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    /// A number literal: an integer must fit int64, any other number must be a finite double.
    private mutating func number(path: String) throws(LeverError) {
        let start = i
        if current == UInt8(ascii: "-") { i += 1 }
        if let c = current, !(48...57).contains(c) {
            i = start
            let next = String(decoding: [c], as: UTF8.self)
            throw fail(path, "-\(next)... is not a JSON number (NaN and Infinity are not JSON)")
        }
        var integral = true
        while let c = current, (48...57).contains(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "e")
                || c == UInt8(ascii: "E") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { integral = false }
            i += 1
        }
        let literal = bytes[start..<i]
        let text = String(decoding: literal, as: UTF8.self)
        if integral {
            var value: Int64 = 0
            let negative = literal.first == UInt8(ascii: "-")
            for c in literal where c != UInt8(ascii: "-") {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(c - 48))
                                       : m.addingReportingOverflow(Int64(c - 48))
                if o1 || o2 { throw fail(path, "integer \(text) is outside the 64-bit range", at: start) }
                value = a
            }
        } else {
            let finite = literal.withUnsafeBufferPointer { (b) -> Bool in
                var j = 0
                return NumberParsing.parseDouble(b, &j) != nil && j == b.count
            }
            if !finite { throw fail(path, "number \(text) is out of range", at: start) }
        }
    }
}
