#if canImport(Glibc)
import Glibc
#endif

/// Label propensities of Jain et al. (KDD 2016):
/// p_l = 1 / (1 + C * exp(-A * ln(N_l + B))), C = (ln N - 1) * (B + 1)^A,
/// with N training rows and N_l training rows of label l.
///
/// The term N_l + B is floored at 1, so a label no training row has (N_l = 0) still gets a finite
/// propensity when B < 1 (with B = 0 it used to be 0, an infinite weight that zeroed PSP): an
/// unseen label weighs as much as a label with N_l + B = 1. With B >= 1 (the default is 1.5) the
/// floor never applies and the formula is the paper's.
public enum Propensity {
    /// 1 / p_l for every label. `a` must be finite and positive, `b` finite and >= 0
    /// (`EvaluationConfig.validate` checks both).
    public static func inverse(labelCounts: [Int], trainRows: Int, a: Double, b: Double) -> [Double] {
        let c = (log(Double(max(trainRows, 1))) - 1) * pow(b + 1, a)
        return labelCounts.map { 1 + c * exp(-a * log(max(Double($0) + b, 1))) }
    }
}
