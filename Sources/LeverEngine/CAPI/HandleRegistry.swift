#if canImport(Glibc)
import Glibc
#endif

/// The live model handles given out through the C API. A handle is not the model's address but a
/// never-reused 64-bit id (a tag in the high bits, which no user-space pointer has, and a counter),
/// so a stale, double-freed or made-up handle is LEVER_ERR_INVALID_ARG, and a stale handle can never
/// reach a newer model that happens to live at the address of a freed one.
final class HandleRegistry: @unchecked Sendable {
    static let shared = HandleRegistry()
    /// High bits of every handle: a non-canonical x86-64/AArch64 address ("LEV" in ASCII).
    static let tag: UInt64 = 0x4C45_5600_0000_0000
    private var mutex = pthread_mutex_t()
    private var live: [UInt64: LeverModel] = [:]
    private var counter: UInt64 = 0

    private init() { pthread_mutex_init(&mutex, nil) }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    private static func key(_ handle: OpaquePointer) -> UInt64 {
        UInt64(UInt(bitPattern: UnsafeMutableRawPointer(handle)))
    }

    /// Keeps the model and returns its new handle.
    func register(_ model: LeverModel) -> OpaquePointer {
        let id = locked { () -> UInt64 in
            counter += 1  // 2^40 handles before the counter would reach the tag bits
            let id = HandleRegistry.tag | (counter & 0x00FF_FFFF_FFFF_FFFF)
            live[id] = model
            return id
        }
        return OpaquePointer(bitPattern: UInt(id))!
    }

    /// The model behind a live handle (nil if not live). The caller's reference keeps it alive even
    /// if another thread frees the handle meanwhile.
    func model(_ handle: OpaquePointer?) -> LeverModel? {
        guard let handle else { return nil }
        let key = HandleRegistry.key(handle)
        return locked { live[key] }
    }

    /// Forgets a handle and drops the registry's reference; false if it was not live.
    func release(_ handle: OpaquePointer) -> Bool {
        let key = HandleRegistry.key(handle)
        let model = locked { live.removeValue(forKey: key) }
        return model != nil
    }

    /// The number of live handles (for tests).
    var count: Int { locked { live.count } }
}
