import CLever
#if canImport(Glibc)
import Glibc
#endif

// The config schema in the C API: the defaults, the schema with descriptions, a check that reports
// every problem, and the free function for the strings these return.

/// `s` as a NUL-terminated copy in malloc'd memory, which the caller releases with lever_string_free.
private func mallocCString(_ s: String) throws(LeverError) -> UnsafeMutablePointer<CChar> {
    let bytes = Array(s.utf8)
    guard let raw = malloc(bytes.count + 1) else {
        throw LeverError(.noMemory, "cannot allocate \(bytes.count + 1) bytes for the result")
    }
    let p = raw.bindMemory(to: CChar.self, capacity: bytes.count + 1)
    bytes.withUnsafeBufferPointer { b in
        for i in 0..<b.count { p[i] = CChar(bitPattern: b[i]) }
    }
    p[bytes.count] = 0
    return p
}

private func writeString(_ s: String, to out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> lever_status {
    guarded { () throws(LeverError) in
        guard let out else { throw .invalidArgument("out is NULL") }
        out.pointee = try mallocCString(s)
    }
}

@c @implementation
public func lever_config_defaults(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> lever_status {
    writeString(RunConfig.defaults.serialized(), to: out)
}

@c @implementation
public func lever_config_schema(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> lever_status {
    writeString(RunConfig.schemaJSON.serialized(), to: out)
}

@c @implementation
public func lever_config_check(_ json: UnsafePointer<CChar>?,
                               _ problems: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> lever_status {
    guarded { () throws(LeverError) in
        let text = try cString(json, "json")
        let found = RunConfig.problems(in: text)
        let list = try mallocCString(ConfigProblem.json(found).serialized(pretty: false))
        if let problems { problems.pointee = list } else { free(list) }
        if !found.isEmpty { throw .listing(found, source: "config") }
    }
}
