#if canImport(Glibc)
import Glibc
#endif

/// The trained OvA student: per-label vectors and biases over its encoder (the teacher's, fine-tuned
/// or frozen). Candidates come from the teacher's shortlist (or all labels), and the final score
/// fuses the student's probability with the teacher's cosine.
public struct StudentScorer: Sendable {
    let teacher: TeacherScorer
    /// The student's own encoder when fine-tuned; nil when it uses the teacher's.
    let encoder: SparseEncoder?
    /// numLabels x (dim + 1): vector then bias.
    let weights: [Float]
    let predictShortlist: Int
    let fusion: Float

    var numLabels: Int { teacher.numLabels }
    var dim: Int { teacher.dim }
    var studentEncoder: SparseEncoder { encoder ?? teacher.encoder }

    @inline(__always) static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    @inline(__always) func logit(_ label: Int, _ q: UnsafePointer<Float>) -> Float {
        let d = dim
        return weights.withUnsafeBufferPointer { w in
            let base = label * (d + 1)
            var s = w[base + d]
            for c in 0..<d { s += w[base + c] * q[c] }
            return s
        }
    }

    func predict(_ features: SparseMatrix, k: Int, exclude: SparseMatrix?, threads: Int,
                 progress: Progress) throws(LeverError) -> [[(Int32, Float)]] {
        let remapped = teacher.encoder.vocabulary.remap(features)
        let tq = teacher.encoder.encodeAll(remapped, threads: threads)
        let sq = encoder.map { $0.encodeAll(remapped, threads: threads) } ?? tq
        let n = features.rows, d = dim
        let candidates = predictShortlist > 0 ? min(predictShortlist, numLabels) : numLabels
        let shortlist = try DenseScorer.topK(queries: tq, count: n, labels: teacher.labelEmbeddings, numLabels: numLabels, dim: d,
                                             k: max(k, candidates), exclude: exclude, threads: threads, progress: progress,
                                             stage: "student-predict")
        let fusion = self.fusion
        return sq.withUnsafeBufferPointer { sqb in
            let sp = SendableConstPointer(sqb.baseAddress!)
            return Parallel.mapChunks(n, threads: threads) { range in
                var top = TopK(k)
                return range.map { i -> [(Int32, Float)] in
                    top.reset()
                    for (l, cos) in shortlist[i] {
                        let p = StudentScorer.sigmoid(logit(Int(l), sp.pointer + i * d))
                        top.push(l, (1 - fusion) * p + fusion * cos)
                    }
                    return top.sorted()
                }
            }.flatMap { $0 }
        }
    }
}
