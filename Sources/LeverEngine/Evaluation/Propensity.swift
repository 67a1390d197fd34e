#if canImport(Glibc)
import Glibc
#endif

/// Label propensities of Jain et al. (KDD 2016):
/// p_l = 1 / (1 + C * exp(-A * ln(N_l + B))), C = (ln N - 1) * (B + 1)^A,
/// with N training rows and N_l training rows of label l.
public enum Propensity {
    /// 1 / p_l for every label.
    public static func inverse(labelCounts: [Int], trainRows: Int, a: Double, b: Double) -> [Double] {
        let c = (log(Double(max(trainRows, 1))) - 1) * pow(b + 1, a)
        return labelCounts.map { 1 + c * exp(-a * log(Double($0) + b)) }
    }
}
