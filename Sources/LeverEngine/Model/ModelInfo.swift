/// The JSON description of a model that `lever_model_info_json` and Python's `Model.info` return:
/// format and library versions, the method and the parts it holds, sizes, the config it was trained
/// with and the training figures its META recorded.
extension LeverModel {
    public var info: JSONValue {
        var o = JSONObject()
        o["format_version"] = .string("\(ModelFile.formatMajor).\(ModelFile.formatMinor)")
        o["library_version"] = .string(LeverModel.version)
        o["method"] = .string(method)
        o["num_labels"] = .int(Int64(numLabels))
        o["feature_dimension"] = .int(Int64(featurizer.dimension))
        o["embedding_dimension"] = embeddingDimension.map { .int(Int64($0)) } ?? .null
        o["parts"] = .object(parts)
        o["config"] = config
        o["training"] = training.keys.isEmpty ? .null : .object(training)
        return .object(o)
    }

    /// One entry per part the model holds: "features", then "knn", or "teacher" (and "student").
    var parts: JSONObject {
        var p = JSONObject()
        let f = featurizer.config
        p["features"] = .object(JSONObject([
            ("hash_bits", .int(Int64(f.hashBits))), ("word_ngram_max", .int(Int64(f.wordNgramMax))),
            ("char_ngram_min", .int(Int64(f.charNgramMin))), ("char_ngram_max", .int(Int64(f.charNgramMax))),
            ("char_weight", .float(f.charWeight)), ("sublinear_tf", .bool(f.sublinearTf)),
        ]))
        switch scorer {
        case .knn(let index):
            p["knn"] = LeverModel.knnInfo(index)
        case .teacher(let teacher):
            p["teacher"] = LeverModel.teacherInfo(teacher)
        case .student(let student):
            p["teacher"] = LeverModel.teacherInfo(student.teacher)
            p["student"] = .object(JSONObject([
                ("fine_tuned_encoder", .bool(student.encoder != nil)),
                ("sparse_term_entries", student.sparse.map { .int(Int64($0.entries)) } ?? .null),
                ("linear_ranker_entries", student.linear.map { .int(Int64($0.entries)) } ?? .null),
                ("lexical_source", student.lexical.map(LeverModel.knnInfo) ?? .null),
                ("row_source", student.rows.map { r in .object(JSONObject([
                    ("training_rows", .int(Int64(r.count))), ("shortlist", .int(Int64(r.shortlist))),
                    ("neighbours", .int(Int64(r.neighbours))), ("power", .float(r.power)),
                    ("weight", .float(r.weight)), ("graph", .bool(r.search.index != nil)),
                ])) } ?? .null),
                ("predict_shortlist", .int(Int64(student.predictShortlist))),
                // The HNSW graph the shortlist searches (null: exact).
                ("shortlist_graph", student.ann.map { g in .object(JSONObject([
                    ("items", .int(Int64(g.count))), ("m", .int(Int64(g.m))), ("ef_search", .int(Int64(g.efSearch))),
                ])) } ?? .null),
                ("lexical_shortlist", .int(Int64(student.lexicalShortlist))),
                ("fusion", .float(student.fusion)),
            ]))
        }
        return p
    }

    static func teacherInfo(_ t: TeacherScorer) -> JSONValue {
        .object(JSONObject([("dim", .int(Int64(t.dim))), ("vocabulary_rows", .int(Int64(t.encoder.rows)))]))
    }

    static func knnInfo(_ index: KNNIndex) -> JSONValue {
        .object(JSONObject([
            ("training_rows", .int(Int64(index.trainLabels.rows))),
            ("neighbours", .int(Int64(index.config.neighbours))), ("power", .float(index.config.power)),
        ]))
    }
}
