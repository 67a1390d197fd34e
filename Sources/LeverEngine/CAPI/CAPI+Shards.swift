import CLever

// Label-sharded training: lever_shard_prepare, lever_shard_solve, lever_shard_merge
// (Pipeline/ShardedTraining.swift).

@c @implementation
public func lever_shard_prepare(_ config_json: UnsafePointer<CChar>?, _ base_dir: UnsafePointer<CChar>?,
                                _ work_path: UnsafePointer<CChar>?, _ progressFn: lever_progress_fn?,
                                _ user_data: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                                _ labels_out: UnsafeMutablePointer<Int>?) -> lever_status {
    guarded { () throws(LeverError) in
        let text = try cString(config_json, "config_json")
        let base = base_dir == nil ? "." : try cString(base_dir, "base_dir")
        let work = try cString(work_path, "work_path")
        guard !work.isEmpty else { throw .invalidArgument("work_path is empty") }
        guard let out else { throw .invalidArgument("out is NULL") }
        guard let labels_out else { throw .invalidArgument("labels_out is NULL") }
        let config = try RunConfig.parse(text, source: "config_json", baseDir: base)
        let (model, labels) = try ShardedTraining.prepare(config, workPath: work,
                                                          progress: progress(progressFn, user_data))
        out.pointee = HandleRegistry.shared.register(model)
        labels_out.pointee = labels
    }
}

@c @implementation
public func lever_shard_solve(_ work_path: UnsafePointer<CChar>?, _ first_label: Int, _ end_label: Int,
                              _ threads: UInt32, _ shard_path: UnsafePointer<CChar>?,
                              _ progressFn: lever_progress_fn?, _ user_data: UnsafeMutableRawPointer?) -> lever_status {
    guarded { () throws(LeverError) in
        let work = try cString(work_path, "work_path")
        let shard = try cString(shard_path, "shard_path")
        guard !shard.isEmpty else { throw .invalidArgument("shard_path is empty") }
        // size_t arrives as Int: a value past Int.max shows up negative.
        guard first_label >= 0, end_label > first_label else {
            throw .invalidArgument("first_label = \(UInt(bitPattern: first_label)), end_label ="
                                   + " \(UInt(bitPattern: end_label)): need first_label < end_label")
        }
        guard threads <= 1024 else { throw .invalidArgument("threads = \(threads) is above 1024") }
        try ShardedTraining.solve(workPath: work, first: first_label, end: end_label, threads: Int(threads),
                                  shardPath: shard, progress: progress(progressFn, user_data))
    }
}

@c @implementation
public func lever_shard_merge(_ model: OpaquePointer?, _ shard_paths: UnsafePointer<UnsafePointer<CChar>?>?,
                              _ n_shards: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> lever_status {
    guarded { () throws(LeverError) in
        let m = try liveModel(model)
        guard let out else { throw .invalidArgument("out is NULL") }
        guard n_shards >= 1, n_shards <= 1 << 20 else {
            throw .invalidArgument("n_shards = \(UInt(bitPattern: n_shards)): need 1 ... 1048576 shard files")
        }
        let paths = try cStringArray(shard_paths, n_shards, "shard_paths")
        out.pointee = HandleRegistry.shared.register(try m.mergingLinearShards(paths))
    }
}
