#if canImport(Glibc)
import Glibc
#endif

/// Streams a text file line by line in fixed-size chunks, so reading costs memory proportional to the
/// longest line, not the file. Lines split on "\n" only (a trailing "\r" is dropped); a UTF-8 byte
/// order mark at the start of the file is skipped; line numbers are 1-based.
public final class LineReader {
    /// The file's path, or the name of the stream, as messages quote it.
    public let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    public private(set) var lineNumber = 0

    /// Opens `path`, which must be a regular file (see `FileIO.openRegular`).
    public init(path: String, chunkSize: Int = 1 << 20) throws(LeverError) {
        let (fd, _) = try FileIO.openRegular(path)
        guard let f = fdopen(fd, "rb") else {
            close(fd)
            throw .io("\(path): cannot open: \(FileIO.errnoText())")
        }
        self.path = path
        self.file = f
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    /// Reads an open stream (a pipe, a terminal), which it closes when done; `name` stands for the
    /// path in messages.
    public init(stream: UnsafeMutablePointer<FILE>, name: String, chunkSize: Int = 1 << 20) {
        self.path = name
        self.file = stream
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    /// The file's size in bytes when it is a regular file (nil otherwise), to bound counts that a
    /// header claims before anything is allocated for them.
    var regularFileSize: Int? {
        var st = stat()
        guard fstat(fileno(file), &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    deinit { fclose(file) }

    /// Calls `body` with the next line's bytes; returns false at end of file.
    func next<R>(_ body: (UnsafeBufferPointer<UInt8>) throws(LeverError) -> R) throws(LeverError) -> R? {
        while true {
            if let nl = findNewline() {
                lineNumber += 1
                let lineStart = start
                start = nl + 1
                return try emit(lineStart, nl, body)
            }
            if eof {
                if start < end {
                    lineNumber += 1
                    let lineStart = start
                    start = end
                    return try emit(lineStart, end, body)
                }
                return nil
            }
            try refill()
        }
    }

    private func emit<R>(_ from: Int, _ to: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(LeverError) -> R) throws(LeverError) -> R {
        var from = from, stop = to
        if stop > from && buffer[stop - 1] == 13 { stop -= 1 }
        if lineNumber == 1 && stop - from >= 3 && buffer[from] == 0xEF && buffer[from + 1] == 0xBB
            && buffer[from + 2] == 0xBF {
            from += 3  // a UTF-8 byte order mark
        }
        return try buffer.withUnsafeBufferPointer { (all) throws(LeverError) -> R in
            try body(UnsafeBufferPointer(rebasing: all[from..<stop]))
        }
    }

    private func findNewline() -> Int? {
        buffer.withUnsafeBufferPointer { b in
            guard start < end, let p = memchr(b.baseAddress! + start, 10, end - start) else { return nil }
            return b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func refill() throws(LeverError) {
        if start > 0 {
            let live = end - start
            if live > 0 { buffer.withUnsafeMutableBufferPointer { b in _ = memmove(b.baseAddress!, b.baseAddress! + start, live) } }
            start = 0
            end = live
        }
        if end == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
        let n = buffer.withUnsafeMutableBufferPointer { b in fread(b.baseAddress! + end, 1, b.count - end, file) }
        if n == 0 {
            if ferror(file) != 0 { throw .io("\(path): read failed: \(FileIO.errnoText())") }
            eof = true
        }
        end += n
    }

    /// Reads every line as a validated UTF-8 string. A NUL byte is refused: C callers could not see
    /// past it, and a label text holding one could not be saved in a model.
    public static func readLines(_ path: String) throws(LeverError) -> [String] {
        try readLines(LineReader(path: path))
    }

    /// Reads every remaining line of `reader` as in `readLines(_ path:)`.
    public static func readLines(_ reader: LineReader) throws(LeverError) -> [String] {
        let path = reader.path
        var lines: [String] = []
        while let s = try reader.next({ (bytes) throws(LeverError) -> String in
            if let base = bytes.baseAddress, let p = memchr(base, 0, bytes.count) {
                let column = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(p)) + 1
                throw .data("\(path):\(reader.lineNumber): NUL byte at column \(column) (texts must not contain NUL)")
            }
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw .data("\(path):\(reader.lineNumber): invalid UTF-8")
            }
            return s
        }) { lines.append(s) }
        return lines
    }
}
