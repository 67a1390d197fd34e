import CLever

/// Row-major single-precision matrix products through OpenBLAS.
public enum BLAS {
    /// C (m x n) = alpha * op(A) * op(B) + beta * C, all row-major. op(A) is m x k, op(B) is k x n.
    static func gemm(_ a: UnsafePointer<Float>, transA: Bool = false, _ b: UnsafePointer<Float>, transB: Bool = false,
                     _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(transA ? m : k),
                    b, Int32(transB ? k : n),
                    beta, c, Int32(n))
    }

    /// The kernel OpenBLAS is running ("Haswell", "SkylakeX", "Prescott", ...).
    public static var kernel: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// The kernel to ask for with OPENBLAS_CORETYPE when OpenBLAS fell back to a generic one on a CPU
    /// with AVX2 or AVX-512, else nil (see `clever_blas_kernel_advice`).
    public static var kernelAdvice: String? { clever_blas_kernel_advice().map { String(cString: $0) } }

    /// Measures this machine's sgemm rate (GFLOP/s) on square matrices of size `n`.
    public static func measureGemmRate(n: Int = 1024, repeats: Int = 3) -> Double {
        var a = [Float](repeating: 0, count: n * n), b = a, c = a
        var rng = SeededRandom(seed: 1)
        for i in 0..<(n * n) { a[i] = rng.unitFloat(); b[i] = rng.unitFloat() }
        var best = Double.infinity
        for _ in 0..<repeats {
            let t0 = Clock.now()
            gemm(a, b, &c, m: n, n: n, k: n)
            best = min(best, Clock.now() - t0)
        }
        return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
    }
}
