import LeverEngine

/// The main job behind `lever train --config`: load the dataset, train, predict the test split,
/// evaluate, and write the model, predictions and a JSON report.
public enum Run {
    public struct Outcome {
        public var model: LeverModel
        public var evaluation: EvaluationResult
        public var report: JSONValue
        /// The metrics table and timings as printed text.
        public var summary: String
    }

    public static func execute(_ config: RunConfig, progress: Progress = .silent) throws(LeverError) -> Outcome {
        let threads = Parallel.resolveThreads(config.threads)
        var t0 = Clock.now()
        try progress.begin("load-data", config.paths.trainTexts)
        let data = try XCDataset.load(config.paths)
        try progress.end()
        let loadSeconds = Clock.now() - t0
        let trained = try Trainer.train(config, labelTexts: data.labelTexts, train: data.train, progress: progress)
        let model = trained.model
        var timings = trained.timings
        timings.insert(("load-data", loadSeconds), at: 0)
        let trainSeconds = timings.dropFirst().reduce(0) { $0 + $1.seconds }

        t0 = Clock.now()
        let predictions = try model.predict(data.test.texts, k: config.output.topK, threads: threads,
                                            exclude: data.test.filter, progress: progress)
        let predictSeconds = Clock.now() - t0
        timings.append(("predict", predictSeconds))

        let evaluation = try Evaluator.evaluate(predictions: predictions, truth: data.test.labels, filter: data.test.filter,
                                                trainLabels: data.train.labels, config: config.evaluation)
        // Models trained alongside for comparison (teacher, student without LEVER).
        var compared: [(name: String, result: EvaluationResult)] = []
        for (name, other) in trained.comparisons {
            let p = try other.predict(data.test.texts, k: config.output.topK, threads: threads, exclude: data.test.filter, progress: progress)
            compared.append((name, try Evaluator.evaluate(predictions: p, truth: data.test.labels, filter: data.test.filter,
                                                          trainLabels: data.train.labels, config: config.evaluation)))
        }
        if !compared.isEmpty {
            compared.append((config.method.distills ? "student with LEVER" : config.method.rawValue, evaluation))
        }
        let recall = try shortlistRecall(model, data: data, config: config, threads: threads, progress: progress)
        var report = JSONObject()
        if let recall { report["shortlist_recall"] = recall.json }
        report["lever_version"] = .string(LeverModel.version)
        report["method"] = .string(config.method.rawValue)
        report["dataset"] = datasetStats(data, config: config.evaluation)
        report["threads"] = .int(Int64(threads))
        var stages = JSONObject()
        for (s, secs) in timings { stages[s] = .double(secs) }
        report["seconds"] = .object(stages)
        report["train_seconds"] = .double(trainSeconds)
        report["predict_ms_per_query"] = .double(data.test.texts.isEmpty ? 0 : 1000 * predictSeconds / Double(data.test.texts.count))
        report["metrics"] = MetricsReport.json(evaluation)
        report["training"] = .object(trained.details)
        if !compared.isEmpty {
            var c = JSONObject()
            for (name, result) in compared { c[name] = MetricsReport.json(result) }
            report["comparison"] = .object(c)
        }
        report["config"] = config.document
        let reportJSON = JSONValue.object(report)

        t0 = Clock.now()
        // The model first: if it cannot be saved, no predictions or report of an unsaved model are left.
        if !config.output.model.isEmpty { try model.save(to: config.output.model) }
        if !config.output.predictions.isEmpty {
            try PredictionFile.write(config.output.predictions, numLabels: data.numLabels, rows: predictions)
        }
        if !config.output.report.isEmpty { try ReportFile.write(config.output.report, reportJSON) }

        let chartK = config.evaluation.ks.contains(5) ? 5 : config.evaluation.ks.max()!
        if !compared.isEmpty && !config.output.chart.isEmpty {
            try FileIO.writeText(config.output.chart, BandChart.svg(title: "PSP@\(chartK) by label-frequency band (\(config.paths.testTexts))",
                                                                   metric: "PSP", k: chartK, models: compared))
        }
        var summary = MetricsReport.table(evaluation, title: "\(config.method.rawValue) on \(config.paths.testTexts)")
        if !compared.isEmpty { summary += "\n" + MetricsReport.comparison(compared) }
        if let recall { summary += "\n" + recall.table }
        summary += "\ntrain \(NumberFormat.fixed(trainSeconds, 2)) s, predict \(NumberFormat.fixed(predictSeconds, 2)) s ("
        summary += "\(NumberFormat.fixed(data.test.texts.isEmpty ? 0 : 1000 * predictSeconds / Double(data.test.texts.count), 3)) ms/query, \(threads) threads)\n"
        for (label, path) in [("model", config.output.model), ("predictions", config.output.predictions), ("report", config.output.report),
                              ("chart", compared.isEmpty ? "" : config.output.chart)] where !path.isEmpty {
            summary += "\(label): \(path)\n"
        }
        return Outcome(model: model, evaluation: evaluation, report: reportJSON, summary: summary)
    }

    /// Recall@10, @100 and @size of each candidate source of a student model on the test split,
    /// overall and by band: what any ranker over the shortlist can reach.
    static func shortlistRecall(_ model: LeverModel, data: XCDataset, config: RunConfig, threads: Int,
                                progress: Progress) throws(LeverError) -> (json: JSONValue, table: String)? {
        guard case .student(let student) = model.scorer else { return nil }
        let n = data.test.texts.count, cap = config.evaluation.reportRecallRows
        let picked = cap == 0 || n <= cap ? Array(0..<n) : (0..<cap).map { $0 * n / cap }
        let whole = picked.count == n
        let features = try model.featurizer.transform(whole ? data.test.texts : picked.map { data.test.texts[$0] },
                                                      threads: threads)
        let truth = whole ? data.test.labels : data.test.labels.selectingRows(picked)
        let filter = whole || data.test.filter.rows != n ? data.test.filter : data.test.filter.selectingRows(picked)
        let sources = try student.candidateSources(features, exclude: filter, threads: threads,
                                                   progress: progress.prefixed("report-"))
        var json = JSONObject()
        json["test_rows"] = .int(Int64(picked.count))
        var table = whole ? "" : "shortlist recall on \(picked.count) of \(n) test texts, evenly spaced\n"
        table += "shortlist recall (%)      R@10    R@100   R@size   size   head R@size  torso  tail\n"
        for (name, lists) in sources {
            let size = lists.reduce(0) { max($0, $1.count) }
            let mean = lists.isEmpty ? 0 : Double(lists.reduce(0) { $0 + $1.count }) / Double(lists.count)
            var eval = config.evaluation
            eval.ks = Array(Set([10, 100, max(size, 1)])).sorted()
            let r = try Evaluator.evaluate(predictions: lists, truth: truth, filter: filter,
                                           trainLabels: data.train.labels, config: eval)
            func at(_ m: MetricTable, _ k: Int) -> Double { m.value("recall", k: min(k, max(size, 1))) ?? 0 }
            var o = JSONObject()
            o["mean_size"] = .double(mean)
            o["max_size"] = .int(Int64(size))
            o["recall_at_10"] = .double(at(r.overall, 10))
            o["recall_at_100"] = .double(at(r.overall, 100))
            o["recall_at_size"] = .double(at(r.overall, size))
            var bands = JSONObject()
            for b in r.bands { bands[b.name] = .double(at(b.metrics, size)) }
            o["recall_at_size_by_band"] = .object(bands)
            json[name] = .object(o)
            let cells = [at(r.overall, 10), at(r.overall, 100), at(r.overall, size)].map { NumberFormat.fixed($0, 2) }
            let bandCells = r.bands.map { NumberFormat.fixed(at($0.metrics, size), 2) }
            table += MetricsReport.pad(name, 22) + cells.map { "  \($0)" }.joined()
                + "   \(NumberFormat.fixed(mean, 1))   " + bandCells.joined(separator: "  ") + "\n"
        }
        return (.object(json), table)
    }

    static func datasetStats(_ d: XCDataset, config: EvaluationConfig) -> JSONValue {
        let counts = d.train.labels.columnCounts()
        var o = JSONObject()
        o["train_rows"] = .int(Int64(d.train.texts.count))
        o["test_rows"] = .int(Int64(d.test.texts.count))
        o["labels"] = .int(Int64(d.numLabels))
        o["tail_labels"] = .int(Int64(counts.filter { $0 <= config.tailMaxCount }.count))
        o["head_labels"] = .int(Int64(counts.filter { $0 >= config.headMinCount }.count))
        o["train_label_pairs"] = .int(Int64(d.train.labels.nnz))
        o["test_label_pairs"] = .int(Int64(d.test.labels.nnz))
        return .object(o)
    }
}
