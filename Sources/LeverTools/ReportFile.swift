import LeverEngine

/// Writes JSON reports atomically, or to standard output for "-" (`StandardStreams`).
public enum ReportFile {
    public static func write(_ path: String, _ value: JSONValue) throws(LeverError) {
        try StandardStreams.write(path) { (sink) throws(LeverError) in try sink.write(value.serialized() + "\n") }
    }
}
