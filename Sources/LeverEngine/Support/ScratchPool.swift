#if canImport(Glibc)
import Glibc
#endif

/// Work buffers kept between calls, so a call whose scratch is large and must start zeroed (a kNN
/// query's similarity per training row and score per label) neither allocates nor clears it each
/// time: a single text's prediction would otherwise spend as long on that as on its lookups. A call
/// takes an idle buffer (or makes one) and gives it back in the state it took it in; at most `limit`
/// idle buffers are kept, so memory is bounded by the calls that ran at the same time.
final class ScratchPool<Scratch>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var idle: [Scratch] = []
    private let limit: Int

    init(limit: Int = 8) {
        self.limit = limit
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    /// Runs `body` with an idle buffer, or one from `make` when none is idle, and keeps it afterwards.
    func withScratch<R>(make: () -> Scratch, _ body: (inout Scratch) -> R) -> R {
        // Taken straight into `scratch`: a second binding would share its arrays, and the first write
        // would copy them.
        var scratch = takeIdle() ?? make()
        let result = body(&scratch)
        pthread_mutex_lock(&mutex)
        if idle.count < limit { idle.append(scratch) }
        pthread_mutex_unlock(&mutex)
        return result
    }

    private func takeIdle() -> Scratch? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return idle.popLast()
    }
}
