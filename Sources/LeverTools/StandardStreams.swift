import LeverEngine
#if canImport(Glibc)
import Glibc
#endif

/// The CLI's "-": standard input where a command reads texts or predictions, standard output where it
/// writes predictions or a report. Any other path is a file, read only when it is regular and
/// replaced atomically only when it is regular or missing (`FileIO.writeAtomically` refuses a
/// folder, device, FIFO or a symbolic link to one). The library itself never gives "-" a meaning.
public enum StandardStreams {
    /// The path that names a standard stream.
    public static let dash = "-"

    /// A line reader over standard input, named "standard input" in messages.
    public static func input() throws(LeverError) -> LineReader {
        LineReader(stream: try open(STDIN_FILENO, mode: "rb", name: "standard input"), name: "standard input")
    }

    /// The texts of `path`, one per line, or of standard input for "-".
    public static func readTexts(_ path: String) throws(LeverError) -> [String] {
        path == dash ? try LineReader.readLines(input()) : try XCDataset.readTexts(path)
    }

    /// Runs `body` on a sink over standard output for "-"; otherwise writes `path` atomically with it.
    public static func write(_ path: String,
                             _ body: (_ sink: FileSink) throws(LeverError) -> Void) throws(LeverError) {
        guard path == dash else { return try FileIO.writeAtomically(path, body) }
        fflush(nil)  // anything printed before goes first
        let file = try open(STDOUT_FILENO, mode: "wb", name: "standard output")
        let sink = FileSink(file: file, path: "standard output")
        do throws(LeverError) {
            try body(sink)
            try sink.flush()
        } catch {
            fclose(file)
            throw error
        }
        if fclose(file) != 0 { throw .io("standard output: write failed: \(String(cString: strerror(errno)))") }
    }

    /// A stream of its own over a duplicate of `fd`, so closing it leaves the process's stream open.
    private static func open(_ fd: Int32, mode: String,
                             name: String) throws(LeverError) -> UnsafeMutablePointer<FILE> {
        let copy = dup(fd)
        guard copy >= 0, let file = fdopen(copy, mode) else {
            let why = String(cString: strerror(errno))
            if copy >= 0 { close(copy) }
            throw .io("\(name): cannot open: \(why)")
        }
        return file
    }
}
