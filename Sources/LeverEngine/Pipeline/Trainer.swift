/// Trains a model from a run config: featurise, then build the method's scorer.
public enum Trainer {
    public struct Result {
        public var model: LeverModel
        /// Stage timings in seconds, in the order the stages ran.
        public var timings: [(stage: String, seconds: Double)]
        /// Method-specific facts for the report (e.g. the teacher's per-epoch loss).
        public var details: JSONObject
    }

    public static func train(_ config: RunConfig, labelTexts: [String], train: XCSplit,
                             progress: Progress = .silent) throws(LeverError) -> Result {
        guard train.texts.count > 0 else { throw .data("\(config.paths.trainTexts): no training rows") }
        guard labelTexts.count > 0 else { throw .data("\(config.paths.labelTexts): no labels") }
        let threads = Parallel.resolveThreads(config.threads)
        var timings: [(stage: String, seconds: Double)] = []
        var details = JSONObject()
        var t0 = Clock.now()
        let featurizer = try TfidfFeaturizer.fit(train.texts + labelTexts, config: config.features, threads: threads, progress: progress)
        let trainFeatures = try featurizer.transform(train.texts, threads: threads, progress: progress, stage: "features-train")
        timings.append(("features", Clock.now() - t0))
        t0 = Clock.now()
        let scorer: Scorer
        switch config.method {
        case "knn":
            try progress.begin("knn-index", "\(trainFeatures.rows) rows, \(trainFeatures.nnz) non-zeros")
            scorer = .knn(KNNIndex(config: config.knn, trainFeatures: trainFeatures, trainLabels: train.labels))
            try progress.end()
        case "teacher":
            let labelFeatures = try featurizer.transform(labelTexts, threads: threads, progress: progress, stage: "features-labels")
            let (teacher, teacherDetails) = try TeacherTraining.train(config.teacher, trainFeatures: trainFeatures, labelFeatures: labelFeatures,
                                                               trainLabels: train.labels, threads: threads, seed: config.seed, progress: progress)
            scorer = .teacher(teacher)
            details["teacher"] = .object(teacherDetails)
        default:
            throw .config("\"method\" is \"\(config.method)\", which this build cannot train")
        }
        timings.append((config.method, Clock.now() - t0))
        let model = LeverModel(config: config.document, labelTexts: labelTexts, featurizer: featurizer, scorer: scorer)
        return Result(model: model, timings: timings, details: details)
    }

    /// Loads the training data named by the config and trains.
    public static func train(_ config: RunConfig, progress: Progress = .silent) throws(LeverError) -> Result {
        let t0 = Clock.now()
        try progress.begin("load-data", config.paths.trainTexts)
        let (labelTexts, train) = try XCDataset.loadTraining(config.paths)
        try progress.end()
        let loadSeconds = Clock.now() - t0
        var result = try self.train(config, labelTexts: labelTexts, train: train, progress: progress)
        result.timings.insert(("load-data", loadSeconds), at: 0)
        return result
    }
}
