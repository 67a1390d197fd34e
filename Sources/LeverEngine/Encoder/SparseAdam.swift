#if canImport(Glibc)
import Glibc
#endif
import CLever

/// Adam's second moment per value of a table row (Adam as published), or one per row (the mean square
/// of the row's gradient, as row-wise AdaGrad keeps it): half the optimiser state, and a third less of
/// it to read and write a step.
public enum AdamSecondMoment: String, Sendable, CaseIterable { case value, row }

/// Adam with lazy per-row state for an embedding table: only rows that received a gradient in a
/// step are updated (the "sparse"/"lazy" Adam variant), so a step costs time proportional to the
/// features in the batch, not the table.
struct SparseAdam {
    let dim: Int
    let secondMoment: AdamSecondMoment
    var learningRate: Float
    let beta1: Float = 0.9
    let beta2: Float = 0.999
    let epsilon: Float = 1e-8
    /// Per value: per row the first moment (dim values), then the second (dim values), side by side
    /// so a touched row's state is one contiguous block. Per row: the first moments (dim values a row).
    private var state: [Float]
    /// Per row: its second moment (empty per value).
    private var rowSecond: [Float]
    private var step = 0

    init(rows: Int, dim: Int, learningRate: Float, secondMoment: AdamSecondMoment = .value) {
        self.dim = dim
        self.learningRate = learningRate
        self.secondMoment = secondMoment
        state = [Float](repeating: 0, count: rows * (secondMoment == .value ? 2 : 1) * dim)
        rowSecond = secondMoment == .row ? [Float](repeating: 0, count: rows) : []
    }

    /// Applies one step: `grads` holds one dim-vector per entry of `touched` (distinct rows).
    mutating func apply(table: inout [Float], touched: [Int32], grads: UnsafePointer<Float>, threads: Int) {
        step += 1
        guard !touched.isEmpty else { return }
        let d = dim
        let lr = learningRate * (1 - powf(beta2, Float(step))).squareRoot() / (1 - powf(beta1, Float(step)))
        let (b1, b2, eps, perRow) = (beta1, beta2, epsilon, secondMoment == .row)
        table.withUnsafeMutableBufferPointer { tb in state.withUnsafeMutableBufferPointer { sb in
            rowSecond.withUnsafeMutableBufferPointer { vb in touched.withUnsafeBufferPointer { rb in
                let t = SendablePointer(tb.baseAddress!), sp = SendablePointer(sb.baseAddress!)
                let vp = perRow ? vb.baseAddress.map(SendablePointer.init) : nil
                let g = SendableConstPointer(grads), rows = SendableConstPointer(rb.baseAddress!)
                Parallel.forEachChunk(touched.count, threads: threads) { _, range in
                    let (ids, gs) = (rows.pointer + range.lowerBound, g.pointer + range.lowerBound * d)
                    if let vp {
                        clever_adam_rowwise_rows(t.pointer, sp.pointer, vp.pointer, ids, gs, range.count, d,
                                                 lr, b1, b2, eps)
                    } else {
                        clever_adam_rows(t.pointer, sp.pointer, ids, gs, range.count, d, lr, b1, b2, eps)
                    }
                }
            } }
        } }
    }
}
