#if canImport(Glibc)
import Glibc
#endif

/// Streams a text file line by line in fixed-size chunks, so reading costs memory proportional to the
/// longest line, not the file. Lines split on "\n" only (a trailing "\r" is dropped); line numbers
/// are 1-based.
final class LineReader {
    let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    private(set) var lineNumber = 0

    init(path: String, chunkSize: Int = 1 << 20) throws(LeverError) {
        let (fd, _) = try FileIO.openRegular(path)
        guard let f = fdopen(fd, "rb") else {
            close(fd)
            throw .io("\(path): cannot open: \(FileIO.errnoText())")
        }
        self.path = path
        self.file = f
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
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
        var stop = to
        if stop > from && buffer[stop - 1] == 13 { stop -= 1 }
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

    /// Reads every line as a validated UTF-8 string.
    static func readLines(_ path: String) throws(LeverError) -> [String] {
        let reader = try LineReader(path: path)
        var lines: [String] = []
        while let s = try reader.next({ (bytes) throws(LeverError) -> String in
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw .data("\(path):\(reader.lineNumber): invalid UTF-8")
            }
            return s
        }) { lines.append(s) }
        return lines
    }
}
