#if canImport(Glibc)
import Glibc
#endif
import CLever

/// Adam with lazy per-row state for an embedding table: only rows that received a gradient in a
/// step are updated (the "sparse"/"lazy" Adam variant), so a step costs time proportional to the
/// features in the batch, not the table.
struct SparseAdam {
    let dim: Int
    var learningRate: Float
    let beta1: Float = 0.9
    let beta2: Float = 0.999
    let epsilon: Float = 1e-8
    /// Per row: the first moment (dim values), then the second (dim values), side by side so a
    /// touched row's state is one contiguous block.
    private var state: [Float]
    private var step = 0

    init(rows: Int, dim: Int, learningRate: Float) {
        self.dim = dim
        self.learningRate = learningRate
        state = [Float](repeating: 0, count: rows * 2 * dim)
    }

    /// Applies one step: `grads` holds one dim-vector per entry of `touched` (distinct rows).
    mutating func apply(table: inout [Float], touched: [Int32], grads: UnsafePointer<Float>, threads: Int) {
        step += 1
        guard !touched.isEmpty else { return }
        let d = dim
        let lr = learningRate * (1 - powf(beta2, Float(step))).squareRoot() / (1 - powf(beta1, Float(step)))
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        table.withUnsafeMutableBufferPointer { tb in
            state.withUnsafeMutableBufferPointer { sb in
                touched.withUnsafeBufferPointer { rb in
                    let t = SendablePointer(tb.baseAddress!), sp = SendablePointer(sb.baseAddress!)
                    let g = SendableConstPointer(grads), rows = SendableConstPointer(rb.baseAddress!)
                    Parallel.forEachChunk(touched.count, threads: threads) { _, range in
                        clever_adam_rows(t.pointer, sp.pointer, rows.pointer + range.lowerBound,
                                         g.pointer + range.lowerBound * d, range.count, d, lr, b1, b2, eps)
                    }
                }
            }
        }
    }
}
