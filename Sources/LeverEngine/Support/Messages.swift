#if canImport(Glibc)
import Glibc
#endif

/// Helpers for quoting user data inside error messages.
enum Messages {
    /// `s` with control characters (C0, DEL) written as escapes ("\0", "\n", "\x1b"), so a message
    /// never carries a raw NUL (which would cut it short in C) or terminal control bytes.
    static func escaped(_ s: String) -> String {
        if !s.unicodeScalars.contains(where: needsEscape) { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u.value {
            case 0: out += "\\0"
            case 9: out += "\\t"
            case 10: out += "\\n"
            case 13: out += "\\r"
            case 0..<0x20, 0x7F:
                let hex = String(u.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" : "") + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func needsEscape(_ u: Unicode.Scalar) -> Bool { u.value < 0x20 || u.value == 0x7F }

    /// Bytes as text for a message: invalid UTF-8 replaced, control characters escaped.
    static func quoted(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        escaped(String(decoding: bytes, as: UTF8.self))
    }

    /// Why `path` cannot be used as an input file, or nil when it exists (or cannot be checked
    /// without opening it). Distinguishes a missing file from a symlink loop or a denied folder.
    static func missingFileReason(_ path: String) -> String? {
        var st = stat()
        if stat(path, &st) == 0 { return nil }
        switch errno {
        case ENOENT: return "file not found"
        case ELOOP: return "too many levels of symbolic links (a symlink loop?)"
        case ENOTDIR: return "a component of the path is not a folder"
        case ENAMETOOLONG: return "path is too long"
        default: return String(cString: strerror(errno))
        }
    }

    /// Throws an I/O error naming `path` unless it exists.
    static func requireFile(_ path: String) throws(LeverError) {
        if let why = missingFileReason(path) { throw .io("\(path): \(why)") }
    }
}
