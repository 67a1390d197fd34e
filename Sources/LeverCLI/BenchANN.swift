import ArgumentParser
import LeverEngine
import LeverTools

extension Bench {
    /// `lever bench ann`: HNSW against exact search over a model's label embeddings (or other texts
    /// embedded by its encoder): recall@k, build time, batch and single-query search time.
    struct ANNBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ann", abstract: "HNSW vs exact top-k search over a model's embeddings: recall and time.")
        @Option(name: .long, help: "A teacher, ova or lever model (its encoder embeds the texts).")
        var model: String
        @Option(name: .long, help: "Query texts, one per line (e.g. the test texts).")
        var queries: String
        @Option(name: .long, help: "Item texts to index, one per line (default: the model's labels).")
        var items: String?
        @Option(name: .long, help: ArgumentHelp("The query texts' true labels (e.g. tst_X_Y.txt; the items must be"
                + " the model's labels): also report each search's recall@k of them and its share of exact search's."))
        var truth: String?
        @Option(name: .long, help: "Use the first this many query texts.")
        var sample: Int = 1000
        @Option(name: .long, help: "k of the searches and of recall@k.")
        var k: Int = 100
        @Option(name: .long, help: "HNSW links per vector.")
        var m: Int = ANNConfig().m
        @Option(name: .customLong("ef-construction"), help: "HNSW candidate list size while building.")
        var efConstruction: Int = ANNConfig().efConstruction
        @Option(name: .customLong("ef-search"), parsing: .upToNextOption,
                help: "HNSW candidate list sizes to measure while searching.")
        var efSearch: [Int] = [100, 200, 400]
        @Option(name: .long, help: "Threads for building and batch search (0: one per core).")
        var threads: Int = 0
        @Option(name: .long, help: "Seed of the graph's levels.")
        var seed: UInt64 = 1
        @Option(name: .long,
                help: "Write the figures as JSON here (- for standard output; the text then goes to stderr).")
        var json: String?

        func validate() throws {
            guard k >= 1, sample >= 1 else { throw ValidationError("--k and --sample must be at least 1") }
            guard truth == nil || items == nil else {
                throw ValidationError("--truth needs the model's labels as items")
            }
            guard !efSearch.isEmpty, efSearch.allSatisfy({ $0 >= 1 }) else {
                throw ValidationError("--ef-search needs values of at least 1")
            }
        }

        /// A search's results for all queries, its batch time, and its median time for one query at a
        /// time on one thread (over the first 300 queries).
        func measure(_ search: VectorSearch, queries: [Float], count q: Int, items: [Float], numItems n: Int,
                     dim: Int, k: Int, threads: Int) throws(LeverError)
            -> (lists: [[(Int32, Float)]], batch: Double, single: Double) {
            let t0 = Clock.now()
            let lists = try search.topK(queries: queries, count: q, items: items, numItems: n, dim: dim, k: k,
                                        threads: threads)
            let batch = Clock.now() - t0
            var times: [Double] = []
            for i in 0..<min(q, 300) {
                let one = Array(queries[(i * dim)..<((i + 1) * dim)])
                let t1 = Clock.now()
                _ = try search.topK(queries: one, count: 1, items: items, numItems: n, dim: dim, k: k, threads: 1)
                times.append(Clock.now() - t1)
            }
            times.sort()
            return (lists, batch, times.isEmpty ? 0 : times[times.count / 2])
        }

        /// recall@k: the share of the exact top k found; and the same counting as found any item whose
        /// score ties the exact k-th score (such items are interchangeable with it).
        func recall(_ found: [[(Int32, Float)]], _ truth: [[(Int32, Float)]]) -> (plain: Double, withTies: Double) {
            var hits = 0, tieHits = 0
            for (f, t) in zip(found, truth) {
                let exactIDs = Set(t.map { $0.0 })
                let kth = t.last?.1 ?? -Float.infinity
                hits += f.filter { exactIDs.contains($0.0) }.count
                tieHits += f.filter { exactIDs.contains($0.0) || $0.1 >= kth }.count
            }
            let total = Double(max(1, truth.reduce(0) { $0 + $1.count }))
            return (Double(hits) / total, Double(tieHits) / total)
        }

        /// recall@k of the lists against the queries' true labels (one `truth` row per list), as `lever eval`
        /// computes it (each query's share of its labels in its top k, over queries with labels), as a fraction.
        func truthRecall(_ found: [[(Int32, Float)]], _ truth: SparseMatrix, k: Int) -> Double {
            let rankings = Evaluator.rankings(found.map { $0.map { $0.0 } }, filter: nil)
            let result = Evaluator.evaluate(rankings: rankings, truth: truth, labelCounts: nil, invPropensities: nil,
                                            config: EvaluationConfig(ks: [k]))
            return (result.overall.value("recall", k: k) ?? 0) / 100
        }

        func run() throws {
            try runEngine { () throws(LeverError) in
                let threads = self.threads == 0 ? sysconfCores() : self.threads
                let lever = try LeverModel.load(from: model)
                guard let dim = lever.embeddingDimension else {
                    throw LeverError(.invalidArgument, "\(model): a \(lever.method) model has no encoder")
                }
                let itemVectors: [Float]
                if let items { itemVectors = try lever.embed(try XCDataset.readTexts(items), threads: threads) }
                else { itemVectors = try lever.labelEmbeddings() }
                let n = itemVectors.count / dim
                let allTexts = try XCDataset.readTexts(queries)
                let texts = Array(allTexts.prefix(sample))
                let q = texts.count
                // The sampled queries' rows of the label file (which must match all the query texts).
                let labels = try truth.map { (path) throws(LeverError) -> SparseMatrix in
                    let all = try SparseFile.readLabels(path, rows: allTexts.count, labels: n)
                    var first = SparseMatrix(cols: all.cols)
                    for r in 0..<q { first.appendRow(all.rowRange(r).map { (all.indices[$0], all.values[$0]) }) }
                    return first
                }
                let queryVectors = try lever.embed(texts, threads: threads)
                let k = min(self.k, n)
                let zero = (0..<n).filter { i in (0..<dim).allSatisfy { itemVectors[i * dim + $0] == 0 } }.count
                func run(_ search: VectorSearch) throws(LeverError) -> (lists: [[(Int32, Float)]], batch: Double,
                                                                        single: Double) {
                    try measure(search, queries: queryVectors, count: q, items: itemVectors, numItems: n, dim: dim,
                                k: k, threads: threads)
                }
                let exact = try run(.exact)
                var config = ANNConfig()
                config.m = m
                config.efConstruction = efConstruction
                let t0 = Clock.now()
                let index = try ANNIndex.build(itemVectors, count: n, dim: dim, config: config, seed: seed,
                                               threads: threads)
                let buildSeconds = Clock.now() - t0

                let say: (String) -> Void = json == StandardStreams.dash ? { writeStderr($0 + "\n") } : { print($0) }
                func fixed(_ v: Double, _ digits: Int) -> String { NumberFormat.fixed(v, digits) }
                say("ANN benchmark: \(n) items (\(items ?? "the model's labels")), \(q) queries from \(queries),"
                    + " d=\(dim), k=\(k), \(threads) threads")
                if zero > 0 { say("  \(zero) of the \(n) item vectors are zero (texts with no known feature)") }
                let exactTruth = labels.map { truthRecall(exact.lists, $0, k: k) }
                say("  exact               batch \(fixed(Double(q) / exact.batch, 0)) queries/s,"
                    + " single query p50 \(fixed(exact.single * 1000, 3)) ms"
                    + (exactTruth.map { ", true labels' recall@\(k) \(fixed($0, 4))" } ?? ""))
                say("  HNSW build          \(fixed(buildSeconds, 2)) s (m \(m), ef_construction \(efConstruction))")
                var rows: [JSONValue] = []
                for ef in efSearch {
                    let hnsw = try run(.hnsw(try index.withSearchList(ef)))
                    let (r, rt) = recall(hnsw.lists, exact.lists)
                    let label = "  HNSW ef_search \(ef)"
                    let found = labels.map { truthRecall(hnsw.lists, $0, k: k) }
                    let share = found.flatMap { f in exactTruth.map { f / max($0, 1e-12) } }
                    say(label + String(repeating: " ", count: max(1, 22 - label.count))
                        + "recall@\(k) \(fixed(r, 4)) (with ties \(fixed(rt, 4))),"
                        + (found.map { " true labels' recall@\(k) \(fixed($0, 4))" } ?? "")
                        + (share.map { " (\(fixed($0, 4)) of exact's)," } ?? "")
                        + " batch \(fixed(Double(q) / hnsw.batch, 0)) queries/s,"
                        + " single query p50 \(fixed(hnsw.single * 1000, 3)) ms")
                    var row = JSONObject([
                        ("ef_search", .int(Int64(ef))), ("recall", .double(r)), ("recall_with_ties", .double(rt)),
                        ("batch_queries_per_second", .double(Double(q) / hnsw.batch)),
                        ("single_query_p50_ms", .double(hnsw.single * 1000)),
                    ])
                    if let found, let share {
                        row["truth_recall"] = .double(found)
                        row["truth_recall_share_of_exact"] = .double(share)
                    }
                    rows.append(.object(row))
                }
                var o = JSONObject()
                o["items"] = .int(Int64(n))
                o["queries"] = .int(Int64(q))
                o["dim"] = .int(Int64(dim))
                o["zero_items"] = .int(Int64(zero))
                o["k"] = .int(Int64(k))
                o["threads"] = .int(Int64(threads))
                o["m"] = .int(Int64(m))
                o["ef_construction"] = .int(Int64(efConstruction))
                o["build_seconds"] = .double(buildSeconds)
                o["exact_batch_queries_per_second"] = .double(Double(q) / exact.batch)
                o["exact_single_query_p50_ms"] = .double(exact.single * 1000)
                if let exactTruth { o["exact_truth_recall"] = .double(exactTruth) }
                o["hnsw"] = .array(rows)
                if let json { try ReportFile.write(json, .object(o)) }
            }
        }
    }
}
