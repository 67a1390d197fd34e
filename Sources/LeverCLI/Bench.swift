import ArgumentParser
import LeverEngine
import LeverTools

/// `lever bench teacher`: the teacher's training time, encode and prediction throughput, peak
/// memory, and the brute-force scoring rate as a share of this machine's sgemm rate.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmarks that print figures (no pass/fail).",
                                                    subcommands: [TeacherBench.self, ANNBench.self, LexicalBench.self])

    struct TeacherBench: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "teacher",
                                                        abstract: "Train a teacher from a config and measure it.")
        @Option(name: .long, help: "A run config with \"method\": \"teacher\".")
        var config: String
        @Option(name: .long, help: "k for the prediction throughput.")
        var k: Int = 100
        @Option(name: .long,
                help: "Write the figures as JSON here (- for standard output; the text then goes to stderr).")
        var json: String?

        func validate() throws {
            guard k >= 1 else { throw ValidationError("--k must be at least 1 (got \(k))") }
        }

        func run() throws {
            try runEngine { () throws(LeverError) in
                let cfg = try RunConfig.load(path: config)
                guard cfg.method == .teacher else {
                    throw LeverError(.config, "\(config): \"method\" must be \"teacher\" for this benchmark")
                }
                let threads = cfg.threads == 0 ? Int(sysconfCores()) : cfg.threads
                var t0 = Clock.now()
                let model = try Trainer.train(cfg, progress: ProgressRenderer.make(quiet: false)).model
                let trainSeconds = Clock.now() - t0
                let data = try XCDataset.loadTest(cfg.paths, numLabels: model.numLabels)
                let texts = data.texts
                t0 = Clock.now()
                let emb = try model.embed(texts, threads: threads)
                let encodeSeconds = Clock.now() - t0
                t0 = Clock.now()
                _ = try model.rankEmbeddings(emb, count: texts.count, k: k, threads: threads)
                let rankSeconds = Clock.now() - t0
                t0 = Clock.now()
                _ = try model.predict(texts, k: k, threads: threads)
                let predictSeconds = Clock.now() - t0
                let dim = model.embeddingDimension!
                let scoringGflops = 2 * Double(texts.count) * Double(model.numLabels) * Double(dim) / rankSeconds / 1e9
                let sgemm = Measurements.sgemmGflops()
                var o = JSONObject()
                o["threads"] = .int(Int64(threads))
                o["train_seconds"] = .double(trainSeconds)
                o["encode_texts_per_second"] = .double(Double(texts.count) / encodeSeconds)
                o["predict_queries_per_second"] = .double(Double(texts.count) / predictSeconds)
                o["k"] = .int(Int64(k))
                o["brute_force_scoring_gflops"] = .double(scoringGflops)
                o["sgemm_gflops"] = .double(sgemm)
                o["scoring_share_of_sgemm"] = .double(scoringGflops / sgemm)
                o["peak_resident_mib"] = .double(Measurements.peakResidentMiB())
                // With --json - the JSON owns standard output; the text goes to stderr.
                let say: (String) -> Void = json == StandardStreams.dash ? { writeStderr($0 + "\n") } : { print($0) }
                say("teacher benchmark on \(cfg.paths.testTexts) (\(texts.count) queries, \(model.numLabels) labels, d=\(dim), \(threads) threads)")
                say("  training                \(NumberFormat.fixed(trainSeconds, 1)) s")
                say("  encode                  \(NumberFormat.fixed(Double(texts.count) / encodeSeconds, 0)) texts/s")
                say("  predict (k=\(k))          \(NumberFormat.fixed(Double(texts.count) / predictSeconds, 0)) queries/s (featurise + encode + score + top-k)")
                say("  brute-force scoring     \(NumberFormat.fixed(scoringGflops, 1)) GFLOP/s incl. top-k = \(NumberFormat.fixed(100 * scoringGflops / sgemm, 1))% of sgemm \(NumberFormat.fixed(sgemm, 1)) GFLOP/s")
                say("  peak resident memory    \(NumberFormat.fixed(Measurements.peakResidentMiB(), 0)) MiB")
                if let json { try ReportFile.write(json, .object(o)) }
            }
        }
    }
}
