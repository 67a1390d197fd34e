import CLever

// lever_predict_options and lever_model_predict_ex: prediction with a thread count, per-row
// exclusion lists and a score floor. lever_model_predict is predict_ex with the defaults;
// lever_model_predict_range is predict_ex for one label range.

/// The options struct's size in this version of the library (its first version).
private let knownOptionsSize = MemoryLayout<lever_predict_options>.size

@c @implementation
public func lever_predict_options_init(_ options: UnsafeMutablePointer<lever_predict_options>?) {
    guard let options else { return }
    options.pointee = lever_predict_options(struct_size: UInt32(knownOptionsSize), threads: 0, has_score_floor: 0,
                                            score_floor: 0, exclude_indptr: nil, exclude_ids: nil)
}

/// Reads a caller's options (NULL: the defaults) for `nTexts` texts. `struct_size` is read first, so a
/// struct from an older or newer header is never read past its end.
private func predictOptions(_ p: UnsafePointer<lever_predict_options>?, nTexts: Int,
                            numLabels: Int) throws(LeverError) -> PredictOptions {
    guard let p else { return PredictOptions() }
    let raw = UnsafeRawPointer(p)
    let size = Int(raw.load(as: UInt32.self))
    guard size >= knownOptionsSize else {
        throw .invalidArgument("options->struct_size is \(size), expected \(knownOptionsSize)"
                               + " (fill the struct with lever_predict_options_init first)")
    }
    guard size <= 4096 else { throw .invalidArgument("options->struct_size is \(size); no version is that large") }
    for i in knownOptionsSize..<size where raw.load(fromByteOffset: i, as: UInt8.self) != 0 {
        throw .invalidArgument("options->struct_size is \(size) but this library knows \(knownOptionsSize) bytes,"
                               + " and byte \(i) is set: an option of a newer Lever is not supported by this one")
    }
    let o = p.pointee
    var options = PredictOptions()
    guard o.threads <= 1024 else { throw .invalidArgument("options->threads is \(o.threads); at most 1024") }
    options.threads = Int(o.threads)
    if o.has_score_floor != 0 {
        guard o.score_floor.isFinite else {
            throw .invalidArgument("options->score_floor is \(o.score_floor); it must be a finite number")
        }
        options.scoreFloor = o.score_floor
    }
    if o.exclude_indptr != nil || o.exclude_ids != nil {
        options.exclude = try SparseMatrix.fromCSR(rows: nTexts, cols: numLabels, indptr: o.exclude_indptr,
                                                   ids: o.exclude_ids, values: .ones, what: "options->exclude_ids",
                                                   indptrName: "options->exclude_indptr",
                                                   idsName: "options->exclude_ids", allowDuplicates: true)
    }
    return options
}

/// Predicts for C: validates the arguments, ranks, and writes n_texts x k slots (label -1 and score 0
/// beyond each row's labels).
func predictInto(_ model: OpaquePointer?, _ texts: UnsafePointer<UnsafePointer<CChar>?>?, _ n_texts: Int, _ k: Int,
                 _ options: UnsafePointer<lever_predict_options>?, _ labels: UnsafeMutablePointer<Int64>?,
                 _ scores: UnsafeMutablePointer<Float>?, range: (first: Int, end: Int)? = nil) throws(LeverError) {
    let m = try liveModel(model)
    // size_t arrives as Int: SIZE_MAX (or a negative int cast to size_t) shows up negative here.
    guard k >= 0 else {
        throw .invalidArgument("k = \(UInt(bitPattern: k)) is too large (negative as a signed integer)")
    }
    guard k >= 1 else { throw .invalidArgument("k must be at least 1 (got 0)") }
    guard n_texts >= 0 else {
        throw .invalidArgument("n_texts = \(UInt(bitPattern: n_texts)) is too large (negative as a signed integer)")
    }
    _ = try count(n_texts, "n_texts")
    let (total, overflow) = n_texts.multipliedReportingOverflow(by: k)
    guard !overflow, total <= Int.max / 8 else { throw .invalidArgument("n_texts * k overflows") }
    var opts = try predictOptions(options, nTexts: n_texts, numLabels: m.numLabels)
    if let (first, end) = range {
        // size_t arrives as Int: a value past Int.max shows up negative.
        guard first >= 0, end > first, end <= m.numLabels else {
            throw .invalidArgument("label_first = \(UInt(bitPattern: first)), label_end = \(UInt(bitPattern: end)):"
                                   + " need label_first < label_end <= \(m.numLabels) (the model's labels)")
        }
        opts.labels = first..<end
    }
    if n_texts == 0 { return }
    guard let texts else { throw .invalidArgument("texts is NULL") }
    guard let labels else { throw .invalidArgument("labels is NULL") }
    let inputs = try cStringArray(texts, n_texts, "texts")
    let results = try m.predict(inputs, k: k, options: opts)
    for i in 0..<n_texts {
        let row = results[i]
        for j in 0..<k {
            let slot = i * k + j
            if j < row.count {
                labels[slot] = Int64(row[j].0)
                scores?[slot] = row[j].1
            } else {
                labels[slot] = -1
                scores?[slot] = 0
            }
        }
    }
}

@c @implementation
public func lever_model_predict_ex(_ model: OpaquePointer?, _ texts: UnsafePointer<UnsafePointer<CChar>?>?,
                                   _ n_texts: Int, _ k: Int, _ options: UnsafePointer<lever_predict_options>?,
                                   _ labels: UnsafeMutablePointer<Int64>?,
                                   _ scores: UnsafeMutablePointer<Float>?) -> lever_status {
    guarded { () throws(LeverError) in try predictInto(model, texts, n_texts, k, options, labels, scores) }
}

@c @implementation
public func lever_model_predict_range(_ model: OpaquePointer?, _ texts: UnsafePointer<UnsafePointer<CChar>?>?,
                                      _ n_texts: Int, _ k: Int, _ options: UnsafePointer<lever_predict_options>?,
                                      _ label_first: Int, _ label_end: Int, _ labels: UnsafeMutablePointer<Int64>?,
                                      _ scores: UnsafeMutablePointer<Float>?) -> lever_status {
    guarded { () throws(LeverError) in
        try predictInto(model, texts, n_texts, k, options, labels, scores, range: (label_first, label_end))
    }
}
