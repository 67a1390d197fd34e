import CLever
#if canImport(Glibc)
import Glibc
#endif

// What a host can ask a model: its JSON description, a label's id by text, its embeddings.

@c @implementation
public func lever_model_info_json(_ model: OpaquePointer?,
                                  _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> lever_status {
    guarded { () throws(LeverError) in
        let m = try liveModel(model)
        guard let out else { throw .invalidArgument("out is NULL") }
        out.pointee = try callerOwnedCString(m.info.serialized(pretty: true))
    }
}

@c @implementation
public func lever_model_label_id(_ model: OpaquePointer?, _ text: UnsafePointer<CChar>?,
                                 _ out: UnsafeMutablePointer<Int64>?) -> lever_status {
    guarded { () throws(LeverError) in
        let m = try liveModel(model)
        let t = try cString(text, "text")
        guard let out else { throw .invalidArgument("out is NULL") }
        out.pointee = m.labelID(t).map { Int64($0) } ?? -1
    }
}

@c @implementation
public func lever_model_embedding_dim(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> lever_status {
    guarded { () throws(LeverError) in
        let m = try liveModel(model)
        guard let out else { throw .invalidArgument("out is NULL") }
        out.pointee = m.embeddingDimension ?? 0
    }
}

/// The model's embedding dimension, checked against the caller's row length `dim`.
private func embeddingDim(_ m: LeverModel, _ dim: Int) throws(LeverError) -> Int {
    guard let d = m.embeddingDimension else {
        throw .invalidArgument("model: method \"\(m.method)\" has no text encoder, so no embeddings")
    }
    guard dim == d else {
        throw .invalidArgument("dim is \(UInt(bitPattern: dim)) but the model's embeddings have \(d)")
    }
    return d
}

@c @implementation
public func lever_model_embed_texts(_ model: OpaquePointer?, _ texts: UnsafePointer<UnsafePointer<CChar>?>?,
                                    _ n_texts: Int, _ out: UnsafeMutablePointer<Float>?, _ dim: Int) -> lever_status {
    guarded { () throws(LeverError) in
        let m = try liveModel(model)
        let d = try embeddingDim(m, dim)
        let n = try count(n_texts, "n_texts", limit: Int.max / (16 * d))
        if n == 0 { return }
        guard let out else { throw .invalidArgument("out is NULL") }
        let inputs = try cStringArray(texts, n, "texts")
        let e = try m.embed(inputs, threads: PredictOptions().resolvedThreads(n))
        e.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: n * d) }
    }
}

@c @implementation
public func lever_model_embed_labels(_ model: OpaquePointer?, _ first: Int, _ count_: Int,
                                     _ out: UnsafeMutablePointer<Float>?, _ dim: Int) -> lever_status {
    guarded { () throws(LeverError) in
        let m = try liveModel(model)
        _ = try embeddingDim(m, dim)
        let start = try count(first, "first")
        let n = try count(count_, "count")
        guard start <= m.numLabels, n <= m.numLabels - start else {
            throw .invalidArgument("labels \(start)..<\(start + n) are outside the model's 0..<\(m.numLabels)")
        }
        if n == 0 { return }
        guard let out else { throw .invalidArgument("out is NULL") }
        try m.copyLabelEmbeddings(first: start, count: n, into: out)
    }
}
