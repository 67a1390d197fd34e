import CLever

// lever_train_memory: training from texts, CSR label rows and label texts held by the caller.

@c @implementation
public func lever_train_memory(_ config_json: UnsafePointer<CChar>?, _ texts: UnsafePointer<UnsafePointer<CChar>?>?,
                               _ n_rows: Int, _ label_indptr: UnsafePointer<Int64>?, _ label_ids: UnsafePointer<Int64>?,
                               _ label_values: UnsafePointer<Float>?,
                               _ label_texts: UnsafePointer<UnsafePointer<CChar>?>?, _ n_labels: Int,
                               _ progress: lever_progress_fn?, _ user_data: UnsafeMutableRawPointer?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> lever_status {
    guarded { () throws(LeverError) in
        guard let out else { throw .invalidArgument("out is NULL") }
        let config = try Trainer.inMemoryConfig(try cString(config_json, "config_json"))
        let rows = try count(n_rows, "n_rows")
        let numLabels = try count(n_labels, "n_labels", limit: Int(Int32.max))
        guard rows > 0 else { throw .invalidArgument("n_rows is 0; training needs at least one text") }
        guard numLabels > 0 else { throw .invalidArgument("n_labels is 0; training needs at least one label") }
        let inputs = try cStringArray(texts, rows, "texts")
        let labelTexts = try cStringArray(label_texts, numLabels, "label_texts")
        let labels = try SparseMatrix.fromCSR(rows: rows, cols: numLabels, indptr: label_indptr, ids: label_ids,
                                              values: label_values.map { .given($0) } ?? .ones, what: "labels",
                                              indptrName: "label_indptr", idsName: "label_ids", allowDuplicates: false)
        let trained = try Trainer.train(config, texts: inputs, labels: labels, labelTexts: labelTexts,
                                        progress: LeverEngine.progress(progress, user_data))
        out.pointee = HandleRegistry.shared.register(trained.model)
    }
}
