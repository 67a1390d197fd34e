import CLever
import LeverEngine
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS reads its settings once, when it loads, before `main` runs. The CLI owns its process, so
/// it sets two of them by starting itself again, once, with the variables set (set on the second
/// start, so this never loops; a variable the user set is always kept):
/// - OPENBLAS_CORETYPE, when OpenBLAS fell back to a generic SSE kernel on a CPU newer than it (Debian
///   12's 0.3.21 on Xeon model 207: sgemm 13 instead of 67 GFLOP/s); LEVER_KEEP_BLAS_KERNEL=1 keeps
///   OpenBLAS's choice;
/// - OPENBLAS_THREAD_TIMEOUT (`threadTimeout`), so OpenBLAS's threads sleep right after a product
///   instead of spinning on sched_yield beside Lever's own threads.
/// The library never does this (it must not change its host's environment); README says how.
enum BLASEnvironment {
    /// 2^4 cycles. OpenBLAS's threads otherwise spin on sched_yield for 2^28 cycles (about 0.1 s) after
    /// each product, beside Lever's own threads that score and update in between: in the 131K-label
    /// teacher's epochs that was a fifth of the CPU time, as system time. Only when its threads sleep,
    /// not what they compute, changes, so results are the same bits. (The Python package sets the same
    /// value while it loads liblever, `_ffi._THREAD_TIMEOUT`.)
    static let threadTimeout = "4"

    /// The variables to set for the second start (empty: none is missing).
    static var missing: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        if getenv("OPENBLAS_CORETYPE") == nil, getenv("LEVER_KEEP_BLAS_KERNEL") == nil, let advice = BLAS.kernelAdvice {
            out.append(("OPENBLAS_CORETYPE", advice))
        }
        if getenv("OPENBLAS_THREAD_TIMEOUT") == nil {
            out.append(("OPENBLAS_THREAD_TIMEOUT", threadTimeout))
        }
        return out
    }

    static func restartIfNeeded() {
        let set = missing
        guard !set.isEmpty else { return }
        for v in set { setenv(v.name, v.value, 1) }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        for v in set { unsetenv(v.name) }  // exec failed: go on with OpenBLAS as it loaded
    }

    /// Caps OpenBLAS's own threads for the whole process at a run's `threads` (0: OpenBLAS's default).
    /// The CLI owns its process; the library leaves its host's setting alone (a Dask worker sets it in
    /// Python, `distributed._blas_threads`). On some CPUs (AMD EPYC with OpenBLAS's Zen kernels) an
    /// sgemm's last bits depend on the thread count, so a run's `threads` decides its results only if
    /// OpenBLAS runs on that many threads too.
    static func setThreads(_ n: Int) {
        guard n > 0 else { return }
        openblas_set_num_threads(Int32(min(n, 1024)))
    }
}
