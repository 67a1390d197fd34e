#if canImport(Glibc)
import Glibc
#endif
import CLever

// Strings the library allocates for the caller (JSON results), released with lever_string_free.

/// A malloc'd NUL-terminated copy of `s` for the caller to release with lever_string_free.
func callerOwnedCString(_ s: String) throws(LeverError) -> UnsafeMutablePointer<CChar> {
    let bytes = s.utf8.count
    guard let p = malloc(bytes + 1)?.assumingMemoryBound(to: CChar.self) else {
        throw LeverError(.noMemory, "cannot allocate \(bytes + 1) bytes for the result")
    }
    s.withCString { src in _ = memcpy(p, src, bytes + 1) }
    return p
}

@c @implementation
public func lever_string_free(_ s: UnsafeMutablePointer<CChar>?) {
    free(s)
}
