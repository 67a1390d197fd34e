/// The LEVER pipeline after the teacher: build the student's training set (plain or distilled)
/// and train the student on it.
enum StudentTraining {
    static func train(_ config: RunConfig, view: TeacherView, trainLabels: SparseMatrix, distill: Bool, threads: Int,
                      progress: Progress) throws(LeverError) -> (StudentScorer, JSONObject) {
        let examples = distill
            ? try TrainingExamples.distilled(trainLabels: trainLabels, view: view, config: config.distillation, threads: threads, progress: progress)
            : TrainingExamples.plain(trainLabels: trainLabels)
        let trainer = StudentTrainer(config: config.student, view: view, examples: examples, threads: threads, seed: config.seed)
        let (scorer, history) = try trainer.train(name: distill ? "student-lever" : "student-ova", progress: progress)
        var details = JSONObject()
        details["examples"] = .int(Int64(examples.count))
        details["label_rows"] = .int(Int64(examples.labelRows))
        details["similar_label_targets"] = .int(Int64(examples.similarLabelTargets))
        details["mined_targets"] = .int(Int64(examples.minedTargets))
        details["epochs"] = .array(history)
        return (scorer, details)
    }
}
