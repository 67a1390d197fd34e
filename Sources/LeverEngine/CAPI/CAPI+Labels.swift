import CLever

// lever_model_add_labels: new labels by text (LeverModel+Labels.swift).

@c @implementation
public func lever_model_add_labels(_ model: OpaquePointer?, _ texts: UnsafePointer<UnsafePointer<CChar>?>?, _ n: Int,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> lever_status {
    guarded { () throws(LeverError) in
        let m = try liveModel(model)
        guard let out else { throw .invalidArgument("out is NULL") }
        // size_t arrives as Int: SIZE_MAX (or a negative int cast to size_t) shows up negative here.
        guard n >= 0, n <= Int(Int32.max) else { throw .invalidArgument("n = \(UInt(bitPattern: n)) is too large") }
        guard n >= 1 else { throw .invalidArgument("n is 0: no label texts to add") }
        let labels = try cStringArray(texts, n, "texts")
        let threads = n >= 256 ? Parallel.resolveThreads(0) : 1
        out.pointee = HandleRegistry.shared.register(try m.addingLabels(labels, threads: threads))
    }
}
