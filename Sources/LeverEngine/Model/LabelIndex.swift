#if canImport(Glibc)
import Glibc
#endif

/// Label text -> label id for exact lookups. Built on the first lookup (loading a model stays as
/// fast as before, and a host that never looks labels up never pays for it), under a lock so that
/// concurrent first lookups on a shared model build it once.
final class LabelIndex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    /// Keyed by UTF-8 bytes: Swift's String equality is canonical equivalence, and an exact lookup
    /// must not match "é" written as e + combining accent to a precomposed "é".
    private var ids: [[UInt8]: Int]?

    init() { pthread_mutex_init(&mutex, nil) }

    deinit { pthread_mutex_destroy(&mutex) }

    /// The lowest id whose text is exactly `text` (byte for byte), or nil.
    func id(of text: String, in labelTexts: [String]) -> Int? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if ids == nil {
            var built: [[UInt8]: Int] = [:]
            built.reserveCapacity(labelTexts.count)
            // Walking backwards leaves the lowest id of duplicated texts.
            for i in labelTexts.indices.reversed() { built[Array(labelTexts[i].utf8)] = i }
            ids = built
        }
        return ids![Array(text.utf8)]
    }
}

extension LeverModel {
    /// The id of the label whose text is exactly `text` (the lowest id if several labels share it),
    /// or nil when no label has it.
    public func labelID(_ text: String) -> Int? {
        labelIndex.id(of: text, in: labelTexts)
    }
}
