/// Writes JSON reports atomically.
public enum ReportFile {
    public static func write(_ path: String, _ value: JSONValue) throws(LeverError) {
        try FileIO.writeText(path, value.serialized() + "\n")
    }
}
