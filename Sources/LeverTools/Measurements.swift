import CLever
import LeverEngine
#if canImport(Glibc)
import Glibc
#endif

/// Machine measurements that benchmarks report beside the engine's own figures.
public enum Measurements {
    /// Single-precision GEMM rate of this machine through OpenBLAS on square matrices of `size`, in
    /// GFLOP/s: the best of `repeats` runs.
    public static func sgemmGflops(size n: Int = 1024, repeats: Int = 3) -> Double {
        var a = [Float](repeating: 0, count: n * n), b = a, c = a
        var rng = SeededRandom(seed: 1)
        for i in 0..<(n * n) { a[i] = rng.unitFloat(); b[i] = rng.unitFloat() }
        var best = Double.infinity
        for _ in 0..<repeats {
            let t0 = Clock.now()
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n),
                        b, Int32(n), 0, &c, Int32(n))
            best = min(best, Clock.now() - t0)
        }
        return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
    }

    /// Peak resident memory of this process so far, in MiB.
    public static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
