/// The teacher encoder's label embeddings, as the teacher shortlist scores them (unit rows; a
/// text's score for a label is the dot product with `embed`'s row).
extension LeverModel {
    /// Checks that labels first..<first+count exist and returns the encoder that embedded them.
    func labelRange(first: Int, count: Int) throws(LeverError) -> TeacherScorer {
        guard let t = encoderScorer else { throw .invalidArgument("method \"\(method)\" has no text encoder") }
        guard first >= 0, count >= 0, first <= numLabels, count <= numLabels - first else {
            throw .invalidArgument("labels \(first)..<\(first &+ count) are outside the model's 0..<\(numLabels)")
        }
        return t
    }

    /// Copies the embeddings of labels first..<first+count (count x dim floats) to `out`.
    func copyLabelEmbeddings(first: Int, count: Int, into out: UnsafeMutablePointer<Float>) throws(LeverError) {
        let t = try labelRange(first: first, count: count)
        t.labelEmbeddings.withUnsafeBufferPointer { e in
            out.update(from: e.baseAddress! + first * t.dim, count: count * t.dim)
        }
    }

    /// The embeddings of labels first..<first+count (count x dim, row-major, unit rows).
    public func labelEmbeddings(first: Int = 0, count: Int? = nil) throws(LeverError) -> [Float] {
        let n = count ?? max(numLabels - first, 0)
        let t = try labelRange(first: first, count: n)
        return Array(t.labelEmbeddings[first * t.dim ..< (first + n) * t.dim])
    }
}
