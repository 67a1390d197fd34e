import ArgumentParser
import LeverEngine
import LeverTools

extension Bench {
    /// `lever bench lexical`: the lexical candidate source's leave-one-out queries over a dataset's
    /// training rows (the `lexical-shortlists` stage of training), without training a teacher.
    struct LexicalBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lexical",
            abstract: "The lexical source's index build and leave-one-out query rate over a training split.")
        @Option(name: .long, help: ArgumentHelp("A run config (its data, features, knn and student sections are"
                + " used; the features are fitted as a run without a reused teacher fits them)."))
        var config: String
        @Option(name: .long, help: "Query the first this many training rows.")
        var sample: Int = 20_000
        @Option(name: .long, help: "Times to run the queries (each rate is printed).")
        var repeats: Int = 3
        @Option(name: .long,
                help: "Write the figures as JSON here (- for standard output; the text then goes to stderr).")
        var json: String?

        func validate() throws {
            guard sample >= 1, repeats >= 1 else { throw ValidationError("--sample and --repeats must be at least 1") }
        }

        func run() throws {
            try runEngine { () throws(LeverError) in
                let cfg = try RunConfig.load(path: config)
                let threads = cfg.threads == 0 ? Int(sysconfCores()) : cfg.threads
                let progress = ProgressRenderer.make(quiet: json == StandardStreams.dash)
                let (labelTexts, train) = try XCDataset.loadTraining(cfg.paths)
                let featurizer = try TfidfFeaturizer.fit(train.texts + labelTexts, config: cfg.features,
                                                         threads: threads, progress: progress)
                let features = try featurizer.transform(train.texts, threads: threads, progress: progress,
                                                        stage: "features-train")
                var t0 = Clock.now()
                let index = KNNIndex.lexical(cfg, trainFeatures: features, trainLabels: train.labels)
                let buildSeconds = Clock.now() - t0
                let n = min(sample, features.rows)
                let end = features.indptr[n]
                let queries = SparseMatrix(rows: n, cols: features.cols, indptr: Array(features.indptr[0...n]),
                                           indices: Array(features.indices[0..<end]),
                                           values: Array(features.values[0..<end]))
                var rates: [Double] = []
                for _ in 0..<repeats {
                    t0 = Clock.now()
                    _ = try index.predict(queries, k: cfg.student.lexicalShortlist, leaveOneOut: true,
                                          threads: threads)
                    rates.append(Double(n) / (Clock.now() - t0))
                }
                var o = JSONObject()
                o["train_rows"] = .int(Int64(index.trainRows))
                o["queries"] = .int(Int64(n))
                o["threads"] = .int(Int64(threads))
                o["sorted_postings"] = .bool(index.sortsPostings)
                o["build_seconds"] = .double(buildSeconds)
                o["queries_per_second"] = .array(rates.map { .double($0) })
                o["peak_resident_mib"] = .double(Measurements.peakResidentMiB())
                let say: (String) -> Void = json == StandardStreams.dash ? { writeStderr($0 + "\n") } : { print($0) }
                say("lexical source on \(cfg.paths.trainTexts): \(index.trainRows) training rows, \(n) leave-one-out"
                    + " queries, \(threads) threads, similarities summed by "
                    + (index.sortsPostings ? "sorting each query's postings" : "an array over the rows"))
                say("  index build  \(NumberFormat.fixed(buildSeconds, 1)) s")
                say("  queries/s    " + rates.map { NumberFormat.fixed($0, 0) }.joined(separator: ", "))
                say("  peak memory  \(NumberFormat.fixed(Measurements.peakResidentMiB(), 0)) MiB")
                if let json { try ReportFile.write(json, .object(o)) }
            }
        }
    }
}
