/// Builds a TeacherScorer from featurised training data: vocabulary, encoder, training, label
/// embeddings.
enum TeacherTraining {
    static func train(_ config: TeacherConfig, trainFeatures: SparseMatrix, labelFeatures: SparseMatrix, trainLabels: SparseMatrix,
                      threads: Int, seed: UInt64, progress: Progress) throws(LeverError) -> (TeacherScorer, JSONObject) {
        let vocabulary = FeatureVocabulary.fit(trainFeatures, labelFeatures, minDF: config.minDF)
        guard vocabulary.size > 0 else { throw .data("no feature occurs in at least teacher.min_df = \(config.minDF) texts") }
        var rowLabels = trainLabels
        for r in 0..<rowLabels.rows {
            let range = rowLabels.rowRange(r)
            rowLabels.indices[range].sort()
        }
        let trainer = TeacherTrainer(config: config, inputs: vocabulary.remap(trainFeatures), labelTexts: vocabulary.remap(labelFeatures),
                                     rowLabels: rowLabels, labelRows: trainLabels.transposed(), threads: threads, seed: seed)
        let initial = SparseEncoder.random(dim: config.dim, vocabulary: vocabulary, seed: seed)
        let (trained, history) = try trainer.train(encoder: initial, progress: progress)
        // Int4 (or int8) rows with a scale each for the stored table (an eighth or a quarter of the float
        // bytes; the quality cost is measured in docs/model-format.md).
        let encoder = trained.quantized(config.table)
        // Half precision, as stored (TEACHER section): a loaded model scores exactly like this one.
        let labelEmbeddings = encoder.encodeAll(trainer.labelTexts, threads: threads).map { Float(Float16($0)) }
        var details = JSONObject()
        details["vocabulary_rows"] = .int(Int64(vocabulary.size))
        details["parameters"] = .int(Int64(vocabulary.size * config.dim))
        details["epochs"] = .array(history)
        return (TeacherScorer(encoder: encoder, labelEmbeddings: labelEmbeddings, numLabels: labelFeatures.rows), details)
    }
}
