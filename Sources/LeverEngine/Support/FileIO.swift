#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Plain file access on top of libc (the engine does not use Foundation).
enum FileIO {
    static func errnoText() -> String { String(cString: strerror(errno)) }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Reads a whole file.
    static func readAll(_ path: String) throws(LeverError) -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw .io("\(path): cannot open: \(errnoText())") }
        defer { fclose(f) }
        var out: [UInt8] = []
        var st = stat()
        if fstat(fileno(f), &st) == 0 && st.st_size > 0 { out.reserveCapacity(Int(st.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n > 0 { out.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(f) != 0 { throw .io("\(path): read failed: \(errnoText())") }
                break
            }
        }
        return out
    }

    static func readText(_ path: String) throws(LeverError) -> String {
        let bytes = try readAll(path)
        guard let s = String(validating: bytes, as: UTF8.self) else { throw .data("\(path): not valid UTF-8") }
        return s
    }

    /// Creates `path` and its missing parents.
    static func makeDirectories(_ path: String) throws(LeverError) {
        if path.isEmpty || isDirectory(path) { return }
        let parent = Path.directory(of: path)
        if parent != path && !parent.isEmpty && parent != "." { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .io("\(path): cannot create folder: \(errnoText())")
        }
    }

    /// Writes `path` atomically: a temporary file in the same folder is written, flushed to disk and
    /// renamed over `path`, then the folder is synced. On any failure the temporary file is removed
    /// and whatever was at `path` before is left untouched.
    static func writeAtomically(_ path: String, _ write: (_ sink: FileSink) throws(LeverError) -> Void) throws(LeverError) {
        let dir = Path.directory(of: path)
        try makeDirectories(dir)
        let tmp = "\(path).tmp-\(getpid())"
        guard let f = fopen(tmp, "wb") else { throw .io("\(tmp): cannot create: \(errnoText())") }
        let sink = FileSink(file: f, path: tmp)
        do throws(LeverError) {
            try write(sink)
            try sink.flush()
            if fsync(fileno(f)) != 0 { throw LeverError.io("\(tmp): fsync failed: \(errnoText())") }
            if fclose(f) != 0 { sink.closed = true; throw LeverError.io("\(tmp): close failed: \(errnoText())") }
            sink.closed = true
            if rename(tmp, path) != 0 { throw LeverError.io("\(path): cannot rename \(tmp) over it: \(errnoText())") }
        } catch {
            if !sink.closed { fclose(f) }
            unlink(tmp)
            throw error
        }
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    static func writeText(_ path: String, _ text: String) throws(LeverError) {
        try writeAtomically(path) { (sink) throws(LeverError) in try sink.write(text) }
    }
}

/// A buffered writer over an open file, used inside `FileIO.writeAtomically`.
final class FileSink {
    let file: UnsafeMutablePointer<FILE>
    let path: String
    var closed = false
    private var buffer: [UInt8] = []

    init(file: UnsafeMutablePointer<FILE>, path: String) {
        self.file = file
        self.path = path
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ s: String) throws(LeverError) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func write(bytes: UnsafeRawBufferPointer) throws(LeverError) {
        try flush()
        if bytes.count > 0 && fwrite(bytes.baseAddress, 1, bytes.count, file) != bytes.count {
            throw .io("\(path): write failed: \(FileIO.errnoText())")
        }
    }

    func flush() throws(LeverError) {
        if buffer.isEmpty { return }
        let n = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if n != buffer.count { throw .io("\(path): write failed: \(FileIO.errnoText())") }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Path string helpers (POSIX separators only).
enum Path {
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `base/name` (or `name` when absolute), lexically normalised: "a/./b/../c" becomes "a/c".
    static func join(_ base: String, _ name: String) -> String {
        if name.isEmpty { return base }
        let joined = name.hasPrefix("/") || base.isEmpty ? name : base + "/" + name
        return normalize(joined)
    }

    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if part == "..", absolute, parts.isEmpty { continue }
            parts.append(part)
        }
        let body = parts.joined(separator: "/")
        if absolute { return "/" + body }
        return body.isEmpty ? "." : body
    }
}
