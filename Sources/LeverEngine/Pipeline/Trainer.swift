/// Trains a model from a run config: featurise, then build the method's scorer.
public enum Trainer {
    public struct Result {
        public var model: LeverModel
        /// Stage timings in seconds, in the order the stages ran.
        public var timings: [(stage: String, seconds: Double)]
        /// Method-specific facts for the report (e.g. the teacher's per-epoch loss).
        public var details: JSONObject
        /// With `compare`: the other models of the run to evaluate beside `model` (name, model).
        public var comparisons: [(name: String, model: LeverModel)] = []
        /// With `deferLinear`: the linear ranker's problem, which `model` lacks (nil when the method
        /// trains no linear ranker).
        var linearProblem: LinearProblem?
    }

    /// With `deferLinear` (phase 1 of a label-sharded run), the linear ranker is left unsolved and its
    /// problem returned in the result, and no comparison models are trained.
    public static func train(_ config: RunConfig, labelTexts: [String], train: XCSplit, deferLinear: Bool = false,
                             progress: Progress = .silent) throws(LeverError) -> Result {
        guard train.texts.count > 0 else { throw .data("\(config.paths.trainTexts): no training rows") }
        guard labelTexts.count > 0 else { throw .data("\(config.paths.labelTexts): no labels") }
        let threads = Parallel.resolveThreads(config.threads)
        let start = Clock.now()
        var timings: [(stage: String, seconds: Double)] = []
        var details = JSONObject()
        var comparisons: [(name: String, model: LeverModel)] = []
        var linearProblem: LinearProblem?
        var t0 = Clock.now()
        // A reused teacher brings its featuriser (its vocabulary is tied to it).
        let reused = try reusedTeacher(config, numLabels: labelTexts.count)
        let featurizer: TfidfFeaturizer
        if let reused { featurizer = reused.featurizer }
        else { featurizer = try TfidfFeaturizer.fit(train.texts + labelTexts, config: config.features, threads: threads, progress: progress) }
        let trainFeatures = try featurizer.transform(train.texts, threads: threads, progress: progress, stage: "features-train")
        timings.append(("features", Clock.now() - t0))
        t0 = Clock.now()
        let scorer: Scorer
        switch config.method {
        case .knn:
            try progress.begin("knn-index", "\(trainFeatures.rows) rows, \(trainFeatures.nnz) non-zeros")
            scorer = .knn(KNNIndex(config: config.knn, trainFeatures: trainFeatures, trainLabels: train.labels))
            try progress.end()
        case .teacher:
            let labelFeatures = try featurizer.transform(labelTexts, threads: threads, progress: progress, stage: "features-labels")
            scorer = .teacher(try teacherFor(config, reused: nil, trainFeatures: trainFeatures, labelFeatures: labelFeatures,
                                             trainLabels: train.labels, threads: threads, details: &details, progress: progress))
        case .ova, .lever:
            let labelFeatures = try featurizer.transform(labelTexts, threads: threads, progress: progress, stage: "features-labels")
            let teacher = try teacherFor(config, reused: reused?.teacher, trainFeatures: trainFeatures, labelFeatures: labelFeatures,
                                         trainLabels: train.labels, threads: threads, details: &details, progress: progress)
            timings.append(("teacher", Clock.now() - t0))
            t0 = Clock.now()
            let distills = config.method.distills && config.distillation.enabled
            let mining = distills
                ? TrainingExamples.miningRequest(
                    counts: TrainingExamples.positiveCounts(trainLabels: train.labels, numLabels: teacher.numLabels),
                    config: config.distillation)
                : nil
            let view = try TeacherView.build(teacher: teacher, inputFeatures: trainFeatures, labelFeatures: labelFeatures,
                                             shortlist: config.student.trainingShortlist,
                                             labelTextLists: distills && config.distillation.labelRows, mining: mining,
                                             ann: config.ann, seed: config.seed, threads: threads, progress: progress)
            let sources = try OtherSources.build(config, view: view, trainFeatures: trainFeatures,
                                                 trainLabels: train.labels, threads: threads, progress: progress)
            timings.append(("teacher-view", Clock.now() - t0))
            if config.method.distills && config.compare && !deferLinear {
                t0 = Clock.now()
                let (ova, ovaDetails, _) = try StudentTraining.train(
                    config, view: view, sources: sources, trainLabels: train.labels, distill: false, threads: threads,
                    progress: progress)
                details["student_ova"] = .object(ovaDetails)
                timings.append(("student-ova", Clock.now() - t0))
                comparisons.append(("teacher", LeverModel(config: config.document, labelTexts: labelTexts, featurizer: featurizer, scorer: .teacher(teacher))))
                comparisons.append(("student without LEVER", LeverModel(config: config.document, labelTexts: labelTexts, featurizer: featurizer, scorer: .student(ova))))
            }
            t0 = Clock.now()
            let (student, studentDetails, problem) = try StudentTraining.train(
                config, view: view, sources: sources, trainLabels: train.labels, distill: distills,
                deferLinear: deferLinear, threads: threads, progress: progress)
            linearProblem = problem
            details[distills ? "student_lever" : "student_ova"] = .object(studentDetails)
            scorer = .student(student)
        }
        timings.append((config.method.trainsStudent ? "student" : config.method.rawValue, Clock.now() - t0))
        let figures = trainingFigures(seconds: Clock.now() - start, timings: timings, train: train,
                                      numLabels: labelTexts.count, threads: threads)
        let model = LeverModel(config: config.document, labelTexts: labelTexts, featurizer: featurizer, scorer: scorer,
                               training: figures)
        return Result(model: model, timings: timings, details: details, comparisons: comparisons,
                      linearProblem: linearProblem)
    }

    /// What the model's META records about its training (`LeverModel.training`).
    static func trainingFigures(seconds: Double, timings: [(stage: String, seconds: Double)], train: XCSplit,
                                numLabels: Int, threads: Int) -> JSONObject {
        var stages = JSONObject()
        for (stage, s) in timings { stages[stage] = .double(s) }
        return JSONObject([
            ("train_seconds", .double(seconds)), ("stage_seconds", .object(stages)),
            ("rows", .int(Int64(train.texts.count))), ("labels", .int(Int64(numLabels))),
            ("label_entries", .int(Int64(train.labels.nnz))), ("threads", .int(Int64(threads))),
        ])
    }

    /// The reused teacher when there is one, else a newly trained one (its facts go to `details`).
    static func teacherFor(_ config: RunConfig, reused: TeacherScorer?, trainFeatures: SparseMatrix, labelFeatures: SparseMatrix,
                           trainLabels: SparseMatrix, threads: Int, details: inout JSONObject,
                           progress: Progress) throws(LeverError) -> TeacherScorer {
        if let reused {
            details["teacher"] = .object(JSONObject([("loaded_from", .string(config.teacherLoadPath))]))
            return reused
        }
        let (teacher, facts) = try TeacherTraining.train(config.teacher, trainFeatures: trainFeatures, labelFeatures: labelFeatures,
                                                         trainLabels: trainLabels, threads: threads, seed: config.seed, progress: progress)
        details["teacher"] = .object(facts)
        return teacher
    }

    /// The teacher named by `teacher.load` (for "ova"/"lever"), checked against the data.
    static func reusedTeacher(_ config: RunConfig, numLabels: Int) throws(LeverError) -> (teacher: TeacherScorer, featurizer: TfidfFeaturizer)? {
        guard config.method.trainsStudent, !config.teacherLoadPath.isEmpty else { return nil }
        let m = try LeverModel.load(from: config.teacherLoadPath)
        guard let t = m.encoderScorer else {
            throw .config("\"teacher.load\": \(config.teacherLoadPath) is a \(m.method) model, which has no teacher")
        }
        guard t.numLabels == numLabels else {
            throw .config("\"teacher.load\": \(config.teacherLoadPath) ranks \(t.numLabels) labels but the data has \(numLabels)")
        }
        return (t, m.featurizer)
    }

    /// Loads the training data named by the config and trains.
    public static func train(_ config: RunConfig, deferLinear: Bool = false,
                             progress: Progress = .silent) throws(LeverError) -> Result {
        let t0 = Clock.now()
        try progress.begin("load-data", config.paths.trainTexts)
        let (labelTexts, train) = try XCDataset.loadTraining(config.paths)
        try progress.end()
        let loadSeconds = Clock.now() - t0
        var result = try self.train(config, labelTexts: labelTexts, train: train, deferLinear: deferLinear,
                                    progress: progress)
        result.timings.insert(("load-data", loadSeconds), at: 0)
        return result
    }
}
