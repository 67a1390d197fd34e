/// Label-sharded training, the engine side of a distributed run (`lever.distributed`): the driver
/// schedules, the engine computes. Phase 1 (`prepare`) trains everything but the linear ranker's
/// labels and writes their problems to a work file; phase 2 (`solve`) turns a label range of it
/// into a shard file, on any worker; phase 3 (`LeverModel.mergingLinearShards`) puts the shards into
/// the phase-1 model. With the same config (and thread count in phase 1) the merged model predicts
/// exactly as the single-process one: both solve each label from the same instances and seed.
public enum ShardedTraining {
    /// Phase 1: the model without its linear ranker, and the number of labels to shard (0 when the
    /// config trains no linear ranker: the model is then complete and no work file is written).
    public static func prepare(_ config: RunConfig, workPath: String,
                               progress: Progress = .silent) throws(LeverError) -> (model: LeverModel, labels: Int) {
        let trained = try Trainer.train(config, deferLinear: true, progress: progress)
        guard let problem = trained.linearProblem else { return (trained.model, 0) }
        try progress.begin("linear-work", "\(problem.instanceCount) instances -> \(workPath)")
        try problem.write(to: workPath)
        try progress.end()
        return (trained.model, problem.numLabels)
    }

    /// Phase 2: solves labels `first ..< end` of the work file into a shard file (written atomically).
    public static func solve(workPath: String, first: Int, end: Int, threads: Int, shardPath: String,
                             progress: Progress = .silent) throws(LeverError) {
        try progress.begin("linear-read", workPath)
        let problem = try LinearProblem.read(path: workPath)
        try progress.end()
        guard first >= 0, first < end, end <= problem.numLabels else {
            throw .invalidArgument("label range \(first)..<\(end) is not within the work file's"
                                   + " \(problem.numLabels) labels (0 <= first < end <= labels)")
        }
        let shard = try problem.solve(labels: first..<end, threads: Parallel.resolveThreads(threads),
                                      progress: progress)
        try shard.write(to: shardPath)
    }
}

extension LeverModel {
    /// Phase 3: this phase-1 model with the linear ranker merged from shard files that together hold
    /// each of its labels once (in any order). Shards of another model are refused.
    public func mergingLinearShards(_ paths: [String]) throws(LeverError) -> LeverModel {
        guard case .student(var student) = scorer else {
            throw .invalidArgument("the model (method \(method)) has no student to merge a linear ranker into")
        }
        guard student.linear == nil else { throw .invalidArgument("the model already has a linear ranker") }
        guard !paths.isEmpty else { throw .invalidArgument("no shard files given") }
        let token = LinearProblem.token(of: student, config: config)
        var shards: [(LinearShard, String)] = []
        for path in paths {
            let s = try LinearShard.read(path: path, numLabels: numLabels, featureCount: student.teacher.encoder.rows)
            guard s.token == token else {
                throw .invalidArgument("\(path): the shard was solved for another model (its work file came from"
                                       + " another phase-1 training, or from another student.linear* config)")
            }
            shards.append((s, path))
        }
        shards.sort { $0.0.first < $1.0.first }
        student.linear = try LinearShard.merged(shards.map { $0.0 }, names: shards.map { $0.1 })
        return LeverModel(config: config, labelTexts: labelTexts, featurizer: featurizer, scorer: .student(student),
                          training: training)
    }
}
