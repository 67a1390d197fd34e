#if canImport(Glibc)
import Glibc
#endif

/// The set of live model handles given out through the C API. Checking a handle against it turns
/// a stale, double-freed or made-up pointer into LEVER_ERR_INVALID_ARG instead of a crash.
final class HandleRegistry: @unchecked Sendable {
    static let shared = HandleRegistry()
    private var mutex = pthread_mutex_t()
    private var live = Set<UInt>()

    private init() { pthread_mutex_init(&mutex, nil) }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    /// Retains the model and returns its handle.
    func register(_ model: LeverModel) -> OpaquePointer {
        let raw = Unmanaged.passRetained(model).toOpaque()
        _ = locked { live.insert(UInt(bitPattern: raw)) }
        return OpaquePointer(raw)
    }

    /// The model behind a live handle, retained for the caller's use (nil if not live).
    func model(_ handle: OpaquePointer?) -> LeverModel? {
        guard let handle else { return nil }
        let key = UInt(bitPattern: UnsafeMutableRawPointer(handle))
        return locked { () -> LeverModel? in
            guard live.contains(key) else { return nil }
            return Unmanaged<LeverModel>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
        }
    }

    /// Forgets and releases a handle; false if it was not live.
    func release(_ handle: OpaquePointer) -> Bool {
        let key = UInt(bitPattern: UnsafeMutableRawPointer(handle))
        let wasLive = locked { live.remove(key) != nil }
        if wasLive { Unmanaged<LeverModel>.fromOpaque(UnsafeRawPointer(handle)).release() }
        return wasLive
    }
}
