import CLever

/// Row-major single-precision matrix products through OpenBLAS.
public enum BLAS {
    /// C (m x n) = alpha * op(A) * op(B) + beta * C, all row-major. op(A) is m x k, op(B) is k x n.
    /// With `fewRowsByDot` false, one or two rows of A also go through sgemm, so a search's last rows
    /// are scored like its others (the dot path below sums in another order).
    static func gemm(_ a: UnsafePointer<Float>, transA: Bool = false, _ b: UnsafePointer<Float>, transB: Bool = false,
                     _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0,
                     fewRowsByDot: Bool = true) {
        if m == 0 || n == 0 { return }
        if fewRowsByDot && m <= 2 && n * k <= 1 << 22 && !transA && transB && alpha == 1 && beta == 0 {
            // One or two query rows against a matrix of up to 16 MiB (single-text prediction up to
            // ~32K labels): sgemm would pack (copy) all of B for every call, and OpenBLAS's sgemv wakes
            // its threads; one pass of dot products on the calling thread streams B once. Larger
            // matrices are memory-bound either way and gain from OpenBLAS's threads (131K labels:
            // 12.5 ms per text here, 7.8 ms through sgemm).
            for i in 0..<m {
                for j in 0..<n { c[i * n + j] = clever_dot(b + j * k, a + i * k, k) }
            }
            return
        }
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
}
