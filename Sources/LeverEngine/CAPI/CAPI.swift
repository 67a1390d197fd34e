import CLever

// The C entry points of include/lever.h. Each one validates its arguments, runs the engine inside
// `guarded`, and reports failures as a status plus a thread-local message: no Swift error or trap
// may reach the caller's process.

func fail(_ error: LeverError) -> lever_status {
    clever_set_last_error(error.message)
    return lever_status(UInt32(error.status.rawValue))
}

func guarded(_ body: () throws(LeverError) -> Void) -> lever_status {
    do {
        try body()
        return LEVER_OK
    } catch {
        return fail(error)
    }
}

func cString(_ p: UnsafePointer<CChar>?, _ name: String) throws(LeverError) -> String {
    guard let p else { throw .invalidArgument("\(name) is NULL") }
    guard let s = String(validatingCString: p) else { throw .invalidArgument("\(name) is not valid UTF-8") }
    return s
}

func liveModel(_ handle: OpaquePointer?, _ name: String = "model") throws(LeverError) -> LeverModel {
    guard handle != nil else { throw .invalidArgument("\(name) is NULL") }
    guard let m = HandleRegistry.shared.model(handle) else {
        throw .invalidArgument("\(name) is not a live lever_model (already freed, or not from lever_train/lever_model_load)")
    }
    return m
}

/// Adapts a C progress callback to the engine's Progress.
private func progress(_ fn: lever_progress_fn?, _ userData: UnsafeMutableRawPointer?) -> Progress {
    guard let fn else { return Progress(nil) }
    return Progress { stage, fraction, message in
        stage.withCString { s in message.withCString { m in fn(s, fraction, m, userData) == 0 } }
    }
}

private func train(_ config: () throws(LeverError) -> RunConfig, _ fn: lever_progress_fn?, _ userData: UnsafeMutableRawPointer?,
                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> lever_status {
    guarded { () throws(LeverError) in
        guard let out else { throw .invalidArgument("out is NULL") }
        let cfg = try config()
        let trained = try Trainer.train(cfg, progress: progress(fn, userData))
        out.pointee = HandleRegistry.shared.register(trained.model)
    }
}

private let versionString: StaticString = "0.1.0"

@c @implementation
public func lever_version() -> UnsafePointer<CChar>? {
    UnsafeRawPointer(versionString.utf8Start).assumingMemoryBound(to: CChar.self)
}

@c @implementation
public func lever_abi_version() -> Int32 {
    Int32(LEVER_ABI_VERSION)
}

private let statusStrings: [StaticString] = [
    "ok", "invalid argument", "I/O error", "malformed data file", "invalid config", "not a Lever model file",
    "unsupported model format version", "corrupt model file", "cancelled", "out of memory", "internal error",
]
private let unknownStatus: StaticString = "unknown status"

@c @implementation
public func lever_status_string(_ status: lever_status) -> UnsafePointer<CChar>? {
    let i = Int(status.rawValue)
    let s = i < statusStrings.count ? statusStrings[i] : unknownStatus
    return UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}

@c @implementation
public func lever_last_error() -> UnsafePointer<CChar>? {
    clever_last_error()
}

@c @implementation
public func lever_train(_ config_json: UnsafePointer<CChar>?, _ progress: lever_progress_fn?,
                        _ user_data: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> lever_status {
    train({ () throws(LeverError) in try RunConfig.parse(try cString(config_json, "config_json")) }, progress, user_data, out)
}

@c @implementation
public func lever_train_file(_ config_path: UnsafePointer<CChar>?, _ progress: lever_progress_fn?,
                             _ user_data: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> lever_status {
    train({ () throws(LeverError) in try RunConfig.load(path: try cString(config_path, "config_path")) }, progress, user_data, out)
}

@c @implementation
public func lever_model_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> lever_status {
    guarded { () throws(LeverError) in
        let p = try cString(path, "path")
        guard let out else { throw .invalidArgument("out is NULL") }
        out.pointee = HandleRegistry.shared.register(try LeverModel.load(from: p))
    }
}

@c @implementation
public func lever_model_save(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> lever_status {
    guarded { () throws(LeverError) in
        let m = try liveModel(model)
        try m.save(to: try cString(path, "path"))
    }
}

@c @implementation
public func lever_model_free(_ model: OpaquePointer?) {
    guard let model else { return }
    if !HandleRegistry.shared.release(model) {
        clever_set_last_error("lever_model_free: model is not a live lever_model (already freed?); ignored")
    }
}

@c @implementation
public func lever_model_num_labels(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> lever_status {
    guarded { () throws(LeverError) in
        let m = try liveModel(model)
        guard let out else { throw .invalidArgument("out is NULL") }
        out.pointee = m.numLabels
    }
}

@c @implementation
public func lever_model_label_text(_ model: OpaquePointer?, _ label: Int, _ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> lever_status {
    guarded { () throws(LeverError) in
        let m = try liveModel(model)
        guard let out else { throw .invalidArgument("out is NULL") }
        guard label >= 0 && label < m.numLabels else {
            throw .invalidArgument("label \(UInt(bitPattern: label)) is out of range (the model has \(m.numLabels) labels)")
        }
        out.pointee = m.labelCString(label)
    }
}

@c @implementation
public func lever_model_predict(_ model: OpaquePointer?, _ texts: UnsafePointer<UnsafePointer<CChar>?>?, _ n_texts: Int,
                                _ k: Int, _ labels: UnsafeMutablePointer<Int64>?, _ scores: UnsafeMutablePointer<Float>?) -> lever_status {
    guarded { () throws(LeverError) in
        let m = try liveModel(model)
        // size_t arrives as Int: SIZE_MAX (or a negative int cast to size_t) shows up negative here.
        guard k >= 0 else {
            throw .invalidArgument("k = \(UInt(bitPattern: k)) is too large (negative as a signed integer)")
        }
        guard k >= 1 else { throw .invalidArgument("k must be at least 1 (got 0)") }
        guard n_texts >= 0 else {
            throw .invalidArgument("n_texts = \(UInt(bitPattern: n_texts)) is too large (negative as a signed integer)")
        }
        let (total, overflow) = n_texts.multipliedReportingOverflow(by: k)
        guard !overflow, total <= Int.max / 8 else { throw .invalidArgument("n_texts * k overflows") }
        if n_texts == 0 { return }
        guard let texts else { throw .invalidArgument("texts is NULL") }
        guard let labels else { throw .invalidArgument("labels is NULL") }
        var inputs: [String] = []
        inputs.reserveCapacity(n_texts)
        for i in 0..<n_texts { inputs.append(try cString(texts[i], "texts[\(i)]")) }
        let threads = n_texts >= 256 ? Parallel.resolveThreads(0) : 1
        let results = try m.predict(inputs, k: k, threads: threads)
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
}
