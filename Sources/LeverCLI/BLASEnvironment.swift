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
/// - OPENBLAS_THREAD_TIMEOUT (`BLAS.advisedThreadTimeout`), so OpenBLAS's threads sleep right after a
///   product instead of spinning on sched_yield beside Lever's own threads.
/// The library never does this (it must not change its host's environment); README says how.
enum BLASEnvironment {
    /// The variables to set for the second start (empty: none is missing).
    static var missing: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        if getenv("OPENBLAS_CORETYPE") == nil, getenv("LEVER_KEEP_BLAS_KERNEL") == nil, let advice = BLAS.kernelAdvice {
            out.append(("OPENBLAS_CORETYPE", advice))
        }
        if getenv("OPENBLAS_THREAD_TIMEOUT") == nil {
            out.append(("OPENBLAS_THREAD_TIMEOUT", BLAS.advisedThreadTimeout))
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
}
