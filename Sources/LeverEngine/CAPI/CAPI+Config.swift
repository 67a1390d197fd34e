import CLever
#if canImport(Glibc)
import Glibc
#endif

// The config schema in the C API: the defaults, the schema with descriptions, a check that reports
// every problem (strings for the caller come from callerOwnedCString, released with lever_string_free).

private func writeString(_ s: String, to out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> lever_status {
    guarded { () throws(LeverError) in
        guard let out else { throw .invalidArgument("out is NULL") }
        out.pointee = try callerOwnedCString(s)
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
        let found = RunConfig.problems(in: text, source: "json")
        let list = try callerOwnedCString(ConfigProblem.json(found).serialized(pretty: false))
        if let problems { problems.pointee = list } else { free(list) }
        // A text that is not JSON gives one problem without a key whose message names the source.
        if found.count == 1 && found[0].key.isEmpty { throw LeverError(.config, found[0].message) }
        if !found.isEmpty { throw .listing(found, source: "json") }
    }
}
