#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Plain file access on top of libc (the engine does not use Foundation).
///
/// Reading: every file Lever reads must be a regular file. A folder, FIFO, device or socket is
/// refused with an error naming the path, without blocking (a FIFO is opened with O_NONBLOCK) and
/// without reading a byte (a `/dev/zero` never ends). Whole-file reads check the real size (fstat)
/// against a cap and against what can be allocated before allocating.
public enum FileIO {
    /// The largest config file or config string accepted (1 MiB). A JSON document costs the parser
    /// up to about 60 bytes per input byte, so this bounds a config's memory to well under 100 MB.
    static let maxConfigBytes = 1 << 20

    static func errnoText() -> String { String(cString: strerror(errno)) }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// What a non-regular file is, for messages ("a folder", "a FIFO", ...).
    static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// Opens `path` for reading and returns the descriptor and the file's size. Anything but a
    /// regular file (after following symlinks) is refused before it is read.
    static func openRegular(_ path: String) throws(LeverError) -> (fd: Int32, size: Int) {
        var st = stat()
        if stat(path, &st) != 0 {
            if errno == ENOENT { throw .io("\(path): file not found") }
            throw .io("\(path): cannot open: \(errnoText())")
        }
        if (st.st_mode & S_IFMT) != S_IFREG {
            throw .io("\(path): is \(kindName(st.st_mode)), not a regular file")
        }
        // O_NONBLOCK: should the path have been swapped for a FIFO since stat, open must not hang.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw .io("\(path): cannot open: \(errnoText())") }
        if fstat(fd, &st) != 0 || (st.st_mode & S_IFMT) != S_IFREG {
            close(fd)
            throw .io("\(path): is \(kindName(st.st_mode)), not a regular file")
        }
        return (fd, Int(st.st_size))
    }

    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    static func read(_ fd: Int32, at offset: Int, count: Int, path: String) throws(LeverError) -> [UInt8] {
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            initialized = 0
            while initialized < count {
                let n = pread(fd, buf.baseAddress! + initialized, count - initialized, off_t(offset + initialized))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failed = true; break }
                if n == 0 { break }
                initialized += n
            }
        }
        if failed { throw .io("\(path): read failed: \(errnoText())") }
        return bytes
    }

    /// Reads a whole regular file of at most `maxBytes` bytes; `tooLarge` builds the error otherwise.
    static func readAll(_ path: String, maxBytes: Int = Int.max,
                        tooLarge: ((Int) -> LeverError)? = nil) throws(LeverError) -> [UInt8] {
        let (fd, size) = try openRegular(path)
        defer { close(fd) }
        if size > maxBytes {
            throw tooLarge?(size) ?? .io("\(path): is \(size) bytes, more than the \(maxBytes) bytes allowed")
        }
        try Memory.check(size, path)
        return try read(fd, at: 0, count: size, path: path)
    }

    /// Reads a config file: at most `maxConfigBytes`, valid UTF-8.
    static func readConfigText(_ path: String) throws(LeverError) -> String {
        let bytes = try readAll(path, maxBytes: maxConfigBytes) { size in
            .config("\(path): is \(size) bytes; a config may be at most \(maxConfigBytes) bytes (1 MiB)")
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw .config("\(path): not valid UTF-8") }
        return s
    }

    static func readText(_ path: String) throws(LeverError) -> String {
        let bytes = try readAll(path)
        guard let s = String(validating: bytes, as: UTF8.self) else { throw .data("\(path): not valid UTF-8") }
        return s
    }

    /// Creates `path` and its missing parents; returns the folders it created, outermost first.
    @discardableResult
    public static func makeDirectories(_ path: String) throws(LeverError) -> [String] {
        var missing: [String] = []
        var p = path
        while !p.isEmpty && p != "." && p != "/" && !isDirectory(p) {
            missing.append(p)
            let parent = Path.directory(of: p)
            if parent == p { break }
            p = parent
        }
        var created: [String] = []
        for dir in missing.reversed() {
            if mkdir(dir, 0o755) == 0 { created.append(dir); continue }
            if errno == EEXIST && isDirectory(dir) { continue }
            let why = errnoText()
            removeDirectories(created)
            throw .io("\(dir): cannot create folder: \(why)")
        }
        return created
    }

    /// Removes folders made by `makeDirectories` (innermost first; only while they are empty).
    static func removeDirectories(_ created: [String]) {
        for dir in created.reversed() { rmdir(dir) }
    }

    /// The file a save to `path` replaces: `path` itself when it is missing or a regular file; the
    /// final target of a symbolic link to a regular file (the link stays a link). A folder, FIFO,
    /// device, socket or dangling link is refused with an error naming the path.
    static func replaceTarget(_ path: String) throws(LeverError) -> (path: String, mode: mode_t?) {
        var st = stat()
        if lstat(path, &st) != 0 {
            if errno == ENOENT { return (path, nil) }
            throw .io("\(path): cannot save here: \(errnoText())")
        }
        var target = path
        if (st.st_mode & S_IFMT) == S_IFLNK {
            guard let resolved = realpath(path, nil) else {
                throw .io("\(path): is a symbolic link whose target cannot be resolved (\(errnoText())); not saving")
            }
            target = String(cString: resolved)
            free(resolved)
            if stat(target, &st) != 0 { throw .io("\(path): link target \(target): \(errnoText())") }
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            let via = target == path ? "" : " (the target of the symbolic link \(path))"
            throw .io("\(target)\(via): is \(kindName(st.st_mode)); "
                      + "only a regular file or a missing path can be replaced")
        }
        return (target, st.st_mode & 0o7777)
    }

    /// The recognisable prefix of temporary files for saves to `name`: `.<name>.lever-tmp-`.
    static func tempPrefix(_ name: String) -> [UInt8] {
        // Keep the whole temporary name within NAME_MAX (255 bytes).
        Array(".".utf8) + Array(name.utf8.prefix(200)) + Array(".lever-tmp-".utf8)
    }

    /// Writes `path` atomically: a uniquely named temporary file in the same folder
    /// (`.<name>.lever-tmp-<pid>-XXXXXX`, made with mkstemp) is written, flushed to disk and renamed
    /// over `path`, then the folder is synced. On any failure the temporary file and any folders
    /// this call created are removed, and whatever was at `path` before is left untouched.
    /// Temporary files left by a killed process (dead pid) for the same path are removed first.
    public static func writeAtomically(_ path: String,
                                _ write: (_ sink: FileSink) throws(LeverError) -> Void) throws(LeverError) {
        let (target, oldMode) = try replaceTarget(path)
        let dir = Path.directory(of: target)
        let base = target.hasSuffix("/") ? "" : String(target.split(separator: "/").last ?? "")
        if base.isEmpty || base == "." || base == ".." { throw .io("\(path): is not a file name") }
        let created = try makeDirectories(dir)
        do throws(LeverError) {
            removeStaleTemporaries(dir: dir, base: base)
            try writeReplacing(target, dir: dir, base: base, mode: oldMode ?? (0o644 & ~currentUmask()), write)
        } catch {
            removeDirectories(created)
            throw error
        }
    }

    private static func writeReplacing(_ target: String, dir: String, base: String, mode: mode_t,
                                       _ write: (_ sink: FileSink) throws(LeverError) -> Void) throws(LeverError) {
        var template = Array((dir == "." && !target.hasPrefix("./") ? "" : dir == "/" ? "/" : dir + "/").utf8)
        template += tempPrefix(base) + Array("\(getpid())-XXXXXX".utf8) + [0]
        let fd = template.withUnsafeMutableBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { mkstemp($0.baseAddress!) }
        }
        let tmp = String(decoding: template.dropLast(), as: UTF8.self)
        if fd < 0 { throw .io("\(target): cannot create a temporary file \(tmp): \(errnoText())") }
        guard let f = fdopen(fd, "wb") else {
            close(fd)
            unlinkBytes(template)
            throw .io("\(tmp): cannot open: \(errnoText())")
        }
        let sink = FileSink(file: f, path: tmp)
        do throws(LeverError) {
            if fchmod(fd, mode) != 0 { throw LeverError.io("\(tmp): cannot set its mode: \(errnoText())") }
            try write(sink)
            try sink.flush()
            if fflush(f) != 0 { throw LeverError.io("\(tmp): write failed: \(errnoText())") }
            if fsync(fd) != 0 { throw LeverError.io("\(tmp): fsync failed: \(errnoText())") }
            sink.closed = true
            if fclose(f) != 0 { throw LeverError.io("\(tmp): close failed: \(errnoText())") }
            let renamed = template.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { rename($0.baseAddress!, target) }
            }
            if renamed != 0 { throw LeverError.io("\(target): cannot rename \(tmp) over it: \(errnoText())") }
        } catch {
            if !sink.closed { fclose(f) }
            unlinkBytes(template)
            throw error
        }
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    private static func unlinkBytes(_ nulTerminated: [UInt8]) {
        nulTerminated.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { _ = unlink($0.baseAddress!) }
        }
    }

    /// Removes `.<base>.lever-tmp-<pid>-*` files in `dir` whose process no longer exists (a save
    /// killed with SIGKILL). Files of live processes, including this one, are left alone.
    static func removeStaleTemporaries(dir: String, base: String) {
        let prefix = tempPrefix(base)
        guard let d = opendir(dir.isEmpty ? "." : dir) else { return }
        defer { closedir(d) }
        var stale: [String] = []
        while let entry = readdir(d) {
            let name = entryName(entry)
            guard name.count > prefix.count, Array(name.prefix(prefix.count)) == prefix else { continue }
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: 45), let pid = Int32(String(decoding: rest[..<dash], as: UTF8.self)),
                  pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { stale.append(String(decoding: name, as: UTF8.self)) }
        }
        for name in stale { unlink(dir == "/" ? "/" + name : dir + "/" + name) }
    }

    /// The NUL-terminated name of a directory entry, as bytes.
    private static func entryName(_ entry: UnsafeMutablePointer<dirent>) -> [UInt8] {
        withUnsafePointer(to: &entry.pointee.d_name) { p in
            UnsafeRawPointer(p).withMemoryRebound(to: CChar.self, capacity: 256) { c in
                Array(UnsafeRawBufferPointer(start: c, count: strlen(c)))
            }
        }
    }

    /// The process umask, read without changing it (/proc/self/status; 022 when unavailable).
    static func currentUmask() -> mode_t {
        guard let f = fopen("/proc/self/status", "r") else { return 0o022 }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), f) != nil {
            let s = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if s.hasPrefix("Umask:") {
                let digits = s.dropFirst(6).filter { $0 >= "0" && $0 <= "7" }
                return mode_t(digits, radix: 8) ?? 0o022
            }
        }
        return 0o022
    }

    public static func writeText(_ path: String, _ text: String) throws(LeverError) {
        try writeAtomically(path) { (sink) throws(LeverError) in try sink.write(text) }
    }
}

/// Allocation checks that turn a foreseeable out-of-memory into LEVER_ERR_NO_MEMORY instead of a
/// trap inside the host process.
enum Memory {
    /// Throws `.noMemory` unless `bytes` can be allocated now: more than the machine's physical memory
    /// is refused outright, and a trial malloc catches process limits (RLIMIT_AS, cgroups with
    /// overcommit off). `what` names the file or structure for the message.
    static func check(_ bytes: Int, _ what: @autoclosure () -> String) throws(LeverError) {
        guard bytes > 1 << 24 else { return }
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0 && pageSize > 0 {
            let (physical, overflow) = pages.multipliedReportingOverflow(by: pageSize)
            if !overflow && bytes > physical {
                throw LeverError(.noMemory,
                                 "\(what()): needs \(bytes) bytes, more than this machine's memory (\(physical) bytes)")
            }
        }
        guard let p = malloc(bytes) else {
            throw LeverError(.noMemory, "\(what()): cannot allocate \(bytes) bytes")
        }
        free(p)
    }
}
/// A buffered writer over an open file: the one `FileIO.writeAtomically` hands its writer, or one
/// over a stream the caller owns (it is not closed here; call `flush` at the end).
public final class FileSink {
    let file: UnsafeMutablePointer<FILE>
    let path: String
    var closed = false
    private var buffer: [UInt8] = []

    public init(file: UnsafeMutablePointer<FILE>, path: String) {
        self.file = file
        self.path = path
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ s: String) throws(LeverError) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func write(bytes: UnsafeRawBufferPointer) throws(LeverError) {
        try flush()
        if bytes.count > 0 && fwrite(bytes.baseAddress, 1, bytes.count, file) != bytes.count {
            throw .io("\(path): write failed: \(FileIO.errnoText())")
        }
    }

    public func flush() throws(LeverError) {
        if buffer.isEmpty { return }
        let n = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if n != buffer.count { throw .io("\(path): write failed: \(FileIO.errnoText())") }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Path string helpers (POSIX separators only).
public enum Path {
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `base/name` (or `name` when absolute), lexically normalised: "a/./b/../c" becomes "a/c".
    public static func join(_ base: String, _ name: String) -> String {
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
