import Dispatch

/// Splits 0..<count into `threads` contiguous chunks and runs them concurrently. Chunk boundaries
/// depend only on `count` and `threads`, so per-chunk results are deterministic for a thread count.
public enum Parallel {
    static func chunks(_ count: Int, threads: Int) -> [Range<Int>] {
        let t = max(1, min(threads, count))
        return (0..<t).map { i in (count * i / t)..<(count * (i + 1) / t) }
    }

    static func forEachChunk(_ count: Int, threads: Int, _ body: @Sendable (Int, Range<Int>) -> Void) {
        let parts = chunks(count, threads: threads)
        if parts.count <= 1 {
            if let p = parts.first { body(0, p) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: parts.count) { i in body(i, parts[i]) }
    }

    /// Maps each chunk to a value and returns the values in chunk order.
    static func mapChunks<T>(_ count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> T) -> [T] {
        let parts = chunks(count, threads: threads)
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: parts.count)
        results.initialize(repeating: nil)
        // Deinitialise before freeing: the optionals own the chunk results (arrays), which would
        // otherwise leak on every call.
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        let box = SendablePointer(results.baseAddress!)
        forEachChunk(count, threads: threads) { i, range in box.pointer[i] = body(range) }
        return results.map { $0! }
    }

    /// The number of worker threads to use for a config value (0 = all cores).
    public static func resolveThreads(_ requested: Int) -> Int {
        if requested > 0 { return requested }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

/// A raw pointer that may cross into concurrent closures; callers guarantee disjoint access.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { pointer = p }
}

struct SendableConstPointer<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
    init(_ p: UnsafePointer<T>) { pointer = p }
}

#if canImport(Glibc)
import Glibc
#endif
