import LeverEngine
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS picks its sgemm kernel when it loads, before `main` runs, from the CPU model it knows or
/// from OPENBLAS_CORETYPE. On a CPU newer than the installed OpenBLAS it falls back to a generic SSE
/// kernel that is 3-5x slower (Debian 12's 0.3.21 on Xeon model 207: 13 vs 67 GFLOP/s). The CLI then
/// sets OPENBLAS_CORETYPE to the kernel the CPU supports and starts itself again, once: the variable
/// is set on the second start, so this never loops. A user's own OPENBLAS_CORETYPE is left alone.
/// The library never does this (it must not change its host's environment); README says how.
enum BLASKernel {
    static func restartWithAdvisedKernelIfNeeded() {
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv("LEVER_KEEP_BLAS_KERNEL") == nil,
              let advice = BLAS.kernelAdvice else { return }
        setenv("OPENBLAS_CORETYPE", advice, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")  // exec failed: go on with the kernel OpenBLAS chose
    }
}
