import XCTest
import CLever
@testable import LeverEngine

/// Approximate top-k search through HNSW (Index/): recall against exact search, the saved graph,
/// refusal of damaged graph bytes, exclusions, and models that search labels through a graph.
final class ANNTests: XCTestCase {
    /// `count` random unit vectors of `dim` floats.
    func unitVectors(_ count: Int, dim: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        var v = [Float](repeating: 0, count: count * dim)
        for i in 0..<count {
            var norm: Float = 0
            for c in 0..<dim {
                v[i * dim + c] = rng.unitFloat() * 2 - 1
                norm += v[i * dim + c] * v[i * dim + c]
            }
            for c in 0..<dim { v[i * dim + c] /= norm.squareRoot() }
        }
        return v
    }

    func exact(_ queries: [Float], count: Int, _ items: [Float], numItems: Int, dim: Int, k: Int,
               exclude: SparseMatrix? = nil) throws -> [[(Int32, Float)]] {
        try VectorSearch.exact.topK(queries: queries, count: count, items: ArrayStorage(items), numItems: numItems,
                                    dim: dim, k: k, exclude: exclude, threads: 2, progress: .silent, stage: "exact")
    }

    func ids(_ lists: [[(Int32, Float)]]) -> [[Int32]] { lists.map { $0.map { $0.0 } } }

    func search(_ index: ANNIndex, _ queries: [Float], count: Int, k: Int,
                threads: Int) throws -> [[(Int32, Float)]] {
        try queries.withUnsafeBufferPointer { try index.search($0.baseAddress!, count: count, k: k, threads: threads) }
    }

    func testRecallAt100OnRandomUnitVectorsIsAtLeast095() throws {
        let n = 4000, dim = 16, q = 100, k = 100
        let items = unitVectors(n, dim: dim, seed: 1), queries = unitVectors(q, dim: dim, seed: 2)
        let index = try ANNIndex.build(ArrayStorage(items), count: n, dim: dim, config: ANNConfig(), seed: 3,
                                       threads: 2)
        XCTAssertEqual(index.count, n)
        let approx = try VectorSearch.hnsw(index).topK(queries: queries, count: q, items: ArrayStorage(items),
                                                       numItems: n, dim: dim, k: k, exclude: nil, threads: 2,
                                                       progress: .silent, stage: "hnsw")
        let truth = try exact(queries, count: q, items, numItems: n, dim: dim, k: k)
        var hits = 0
        for i in 0..<q {
            XCTAssertEqual(approx[i].count, k)
            XCTAssertEqual(Set(approx[i].map { $0.0 }).count, k, "an item came back twice")
            // Best first, and each score is the item's inner product with the query from its float
            // vector (the graph walks half floats; the results are rescored), bit for bit.
            XCTAssertEqual(approx[i].map { $0.1 }, approx[i].map { $0.1 }.sorted(by: >))
            for (id, score) in approx[i] {
                let dot = Array(items[(Int(id) * dim)..<((Int(id) + 1) * dim)]).withUnsafeBufferPointer { v in
                    queries.withUnsafeBufferPointer { clever_dot($0.baseAddress! + i * dim, v.baseAddress!, dim) }
                }
                XCTAssertEqual(score.bitPattern, dot.bitPattern)
            }
            hits += Set(approx[i].map { $0.0 }).intersection(truth[i].map { $0.0 }).count
        }
        let recall = Double(hits) / Double(q * k)
        XCTAssertGreaterThanOrEqual(recall, 0.95, "recall@100 \(recall)")
    }

    /// The shim walks the graph's layers with its own loops (neighbours' vectors fetched ahead); they
    /// must take the same candidates as hnswlib's searchBaseLayer and searchBaseLayerST: built on one
    /// thread, the graph is the same byte for byte, and its searches return the same lists, bit for bit,
    /// at every candidate list size (lists shorter than k, and longer than the item count, included).
    func testShimLoopsBuildAndSearchAsHnswlibsLoops() throws {
        let n = 3000, dim = 24, q = 150
        let items = unitVectors(n, dim: dim, seed: 11), queries = unitVectors(q, dim: dim, seed: 12)
        var config = ANNConfig()
        config.m = 6
        config.efConstruction = 40
        let ours = try ANNIndex.build(ArrayStorage(items), count: n, dim: dim, config: config, seed: 13, threads: 1)
        let theirs = try ANNIndex.build(ArrayStorage(items), count: n, dim: dim, config: config, seed: 13, threads: 1,
                                        hnswlibLoops: true)
        XCTAssertEqual(try ours.serialized(), try theirs.serialized())
        for (ef, k) in [(10, 10), (1, 10), (64, 20), (400, 100), (5000, 30)] {
            let a = try search(try ours.withSearchList(ef), queries, count: q, k: k, threads: 2)
            let b = try search(try theirs.withSearchList(ef), queries, count: q, k: k, threads: 1)
            XCTAssertEqual(ids(a), ids(b), "ef \(ef), k \(k)")
            XCTAssertEqual(a.map { $0.map { $0.1.bitPattern } }, b.map { $0.map { $0.1.bitPattern } })
            XCTAssertTrue(a.allSatisfy { $0.count == min(k, n) }, "ef \(ef), k \(k)")
        }
    }

    /// A graph is built in blocks of `buildBlock` items, each reported with its count, and a sink that
    /// asks to stop cancels the build between blocks.
    func testGraphBuildReportsEachBlockAndCanBeCancelled() throws {
        let block = ANNIndex.buildBlock, n = block + 100, dim = 4
        let items = unitVectors(n, dim: dim, seed: 4)
        var config = ANNConfig()
        config.m = 4
        config.efConstruction = 8
        var reports: [String] = []
        let progress = Progress { stage, _, message in reports.append(stage + ": " + message); return true }
        progress.interval = 0
        try progress.begin("ann-test")
        let index = try ANNIndex.build(ArrayStorage(items), count: n, dim: dim, config: config, seed: 5, threads: 1,
                                       progress: progress)
        XCTAssertEqual(index.count, n)
        XCTAssertEqual(reports.count, 3, "\(reports)")
        XCTAssertTrue(reports[1].hasPrefix("ann-test: \(block)/\(n) vectors"), reports[1])
        XCTAssertTrue(reports[2].hasPrefix("ann-test: \(n)/\(n) vectors"), reports[2])
        // Items of both blocks are found, each as its own nearest item.
        let probes = [0, 1, block - 1, block, n - 1]
        var q = [Float]()
        for p in probes { q += items[(p * dim)..<(p * dim + dim)] }
        let found = try search(index, q, count: probes.count, k: 1, threads: 1)
        XCTAssertEqual(found.map { Int($0.first?.0 ?? -1) }, probes)

        // A sink that refuses the first block's report stops the build before the second block.
        var seen: [String] = []
        let stopping = Progress { stage, fraction, message in
            seen.append(stage + ": " + message)
            return fraction == 0
        }
        stopping.interval = 0
        try stopping.begin("ann-test")
        assertLeverError(.cancelled, []) {
            try ANNIndex.build(ArrayStorage(items), count: n, dim: dim, config: config, seed: 5, threads: 1,
                               progress: stopping)
        }
        XCTAssertEqual(seen.count, 2, "\(seen)")
        XCTAssertTrue(seen.last?.hasPrefix("ann-test: \(block)/\(n) vectors") ?? false, "\(seen)")
    }

    func testOneThreadBuildsAreIdenticalAndSaveLoadSearchesIdentically() throws {
        let n = 1500, dim = 12, q = 40
        let items = unitVectors(n, dim: dim, seed: 4), queries = unitVectors(q, dim: dim, seed: 5)
        var config = ANNConfig()
        config.m = 8
        config.efSearch = 50
        let a = try ANNIndex.build(ArrayStorage(items), count: n, dim: dim, config: config, seed: 6, threads: 1)
        let b = try ANNIndex.build(ArrayStorage(items), count: n, dim: dim, config: config, seed: 6, threads: 1)
        XCTAssertEqual(try a.serialized(), try b.serialized())
        let c = try ANNIndex.build(ArrayStorage(items), count: n, dim: dim, config: config, seed: 7, threads: 1)
        XCTAssertNotEqual(try a.serialized(), try c.serialized(), "the seed draws the levels")

        let parallel = try ANNIndex.build(ArrayStorage(items), count: n, dim: dim, config: config, seed: 6, threads: 2)
        var w = ByteWriter()
        try parallel.encode(into: &w)
        let bytes = w.bytes
        let loaded = try bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw, section: "ANN")
            return try ANNIndex.decode(&r, vectors: ArrayStorage(items), count: n, dim: dim)
        }
        XCTAssertEqual(loaded.efSearch, 50)
        XCTAssertEqual(loaded.m, 8)
        XCTAssertEqual(try loaded.serialized(), try parallel.serialized())
        let before = try search(parallel, queries, count: q, k: 30, threads: 2)
        let after = try search(loaded, queries, count: q, k: 30, threads: 1)
        XCTAssertEqual(ids(before), ids(after))
        XCTAssertEqual(before.map { $0.map { $0.1.bitPattern } }, after.map { $0.map { $0.1.bitPattern } })
    }

    /// The graph bytes of a small index, and its vectors.
    func smallGraph() throws -> (bytes: [UInt8], items: [Float], n: Int, dim: Int) {
        let n = 300, dim = 8
        let items = unitVectors(n, dim: dim, seed: 8)
        var config = ANNConfig()
        config.m = 4
        let index = try ANNIndex.build(ArrayStorage(items), count: n, dim: dim, config: config, seed: 9, threads: 1)
        return (try index.serialized(), items, n, dim)
    }

    func load(_ bytes: [UInt8], _ items: [Float], n: Int, dim: Int) throws -> ANNIndex {
        try bytes.withUnsafeBufferPointer { b in
            try ANNIndex.load(b, vectors: ArrayStorage(items), count: n, dim: dim, efSearch: 10, seed: 1)
        }
    }

    func testTruncatedOrInconsistentGraphBytesAreRefusedAsCorrupt() throws {
        let (bytes, items, n, dim) = try smallGraph()
        XCTAssertEqual(try load(bytes, items, n: n, dim: dim).count, n)
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            assertLeverError(.corrupt, ["HNSW index"]) { try load(Array(bytes[..<cut]), items, n: n, dim: dim) }
        }
        assertLeverError(.corrupt, ["unexpected bytes"]) { try load(bytes + [0], items, n: n, dim: dim) }
        // The graph must be over exactly the vectors given.
        assertLeverError(.corrupt, ["item count"]) { try load(bytes, Array(items[..<(8 * 299)]), n: 299, dim: dim) }
        // Header fields: version, M, top level, entry point (offsets of the little-endian layout).
        func patched(_ at: Int, _ value: UInt32) -> [UInt8] {
            var b = bytes
            for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
            return b
        }
        assertLeverError(.corrupt, ["version"]) { try load(patched(0, 2), items, n: n, dim: dim) }
        assertLeverError(.corrupt, ["dimension"]) { try load(patched(12, 9), items, n: n, dim: dim) }
        assertLeverError(.corrupt, ["M"]) { try load(patched(16, 100_000), items, n: n, dim: dim) }
        assertLeverError(.corrupt, ["top level"]) { try load(patched(24, 65), items, n: n, dim: dim) }
        assertLeverError(.corrupt, ["entry point"]) { try load(patched(28, UInt32(n)), items, n: n, dim: dim) }
        // The first item's first link names an item out of range.
        let firstLink = 32 + n + 4
        assertLeverError(.corrupt, ["out of range"]) { try load(patched(firstLink, UInt32(n)), items, n: n, dim: dim) }
        // Every single flipped byte is either refused or loads a graph that searches safely.
        let queries = unitVectors(3, dim: dim, seed: 10)
        for at in 0..<bytes.count {
            var b = bytes
            b[at] ^= 0xA5
            do {
                let index = try load(b, items, n: n, dim: dim)
                _ = try search(index, queries, count: 3, k: 5, threads: 1)
            } catch let e as LeverError {
                XCTAssertEqual(e.status, .corrupt, "byte \(at): \(e.message)")
            }
        }
    }

    func testExcludedItemsAreSkippedAndKStillFilled() throws {
        let n = 500, dim = 8, q = 20, k = 10
        let items = unitVectors(n, dim: dim, seed: 11)
        // The queries are items themselves: each one's own id ranks first unless excluded.
        let queries = Array(items[..<(q * dim)])
        var config = ANNConfig()
        config.efSearch = 400
        let index = try ANNIndex.build(ArrayStorage(items), count: n, dim: dim, config: config, seed: 12, threads: 2)
        var indptr = [0], indices: [Int32] = []
        for i in 0..<q {
            if i % 2 == 0 { indices += [Int32(i), Int32((i + 1) % n), Int32(499)] }
            // Query 1 excludes 400 items: the graph is asked for 410.
            if i == 1 { indices += (100..<500).map { Int32($0) } }
            indptr.append(indices.count)
        }
        let exclude = SparseMatrix(rows: q, cols: n, indptr: indptr, indices: indices,
                                   values: [Float](repeating: 1, count: indices.count))
        let approx = try VectorSearch.hnsw(index).topK(queries: queries, count: q, items: ArrayStorage(items),
                                                       numItems: n, dim: dim, k: k, exclude: exclude, threads: 2,
                                                       progress: .silent, stage: "hnsw")
        let truth = try exact(queries, count: q, items, numItems: n, dim: dim, k: k, exclude: exclude)
        for i in 0..<q {
            XCTAssertEqual(approx[i].count, k)
            let blocked = Set(indices[indptr[i]..<indptr[i + 1]])
            XCTAssertTrue(approx[i].allSatisfy { !blocked.contains($0.0) }, "query \(i): \(approx[i])")
            XCTAssertEqual(approx[i].first?.0 == Int32(i), !blocked.contains(Int32(i)))
        }
        // With a candidate list this long on 500 items the graph finds the exact top 10.
        XCTAssertEqual(ids(approx), ids(truth))
    }

    // MARK: - Models

    func trainWithHNSW(_ d: TempDir) throws -> LeverModel {
        writeAnimalsDataset(d)
        // The graph is kept for prediction when the shortlist is shorter than the label list.
        let student = #", "student": {"epochs": 5, "batch_size": 8, "shortlist": 3, "predict_shortlist": 3}"#
        let config = try studentTestConfig(d, method: "lever", student + #", "ann": {"min_items": 0, "ef_search": 8}"#)
        return try Trainer.train(config).model
    }

    func testModelTrainedWithMinItemsZeroPredictsThroughItsGraphAfterSaveAndLoad() throws {
        let d = TempDir()
        let model = try trainWithHNSW(d)
        guard case .student(let s) = model.scorer, let ann = s.ann else { return XCTFail("no HNSW graph") }
        XCTAssertEqual(ann.count, 4)
        XCTAssertEqual(ann.efSearch, 8)
        XCTAssertEqual(model.info["parts"]?["student"]?["shortlist_graph"]?["ef_search"], .int(8))
        let path = d.path + "/m.lever"
        try model.save(to: path)
        let loaded = try LeverModel.load(from: path)
        guard case .student(let l) = loaded.scorer, let lann = l.ann else { return XCTFail("graph not loaded") }
        XCTAssertEqual(try lann.serialized(), try ann.serialized())
        let texts = ["a tabby kitten", "a young puppy", "a sparrow", "salmon"]
        let before = try model.predict(texts, k: 3), after = try loaded.predict(texts, k: 3)
        XCTAssertEqual(ids(before), ids(after))
        XCTAssertEqual(before.map { $0.map { $0.1.bitPattern } }, after.map { $0.map { $0.1.bitPattern } })
        XCTAssertEqual(after[0].first?.0, 0)
        XCTAssertEqual(after[1].first?.0, 1)

        // A damaged ANN section (checksums recomputed) is refused as corrupt, naming the section.
        var bytes = d.read("m.lever")
        let contents = try ModelFile.decode(bytes, path: path)
        guard let (section, offset) = contents.section("ANN") else { return XCTFail("no ANN section in the file") }
        bytes[offset + section.count - 1] ^= 0xFF
        let resealed = withVersion(bytes, major: ModelFile.formatMajor, minor: ModelFile.formatMinor)
        let damaged = d.write("damaged.lever", bytes: resealed)
        assertLeverError(.corrupt, ["ANN"]) { try LeverModel.load(from: damaged) }
    }

    func testModelBelowMinItemsHasNoGraphAndSearchesExactly() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let model = try Trainer.train(try studentTestConfig(d)).model
        guard case .student(let s) = model.scorer else { return XCTFail("not a student") }
        XCTAssertNil(s.ann)
        let path = d.path + "/m.lever"
        try model.save(to: path)
        let contents = try ModelFile.decode(d.read("m.lever"), path: path)
        XCTAssertNil(contents.section("ANN"))
    }

    func testAddedLabelsJoinTheGraphAndAreFound() throws {
        let d = TempDir()
        let model = try trainWithHNSW(d)
        let texts = ["cat number 0 kitten", "puppy number 1 hound", "fish number 3 trout"]
        let wider = try model.addingLabels(texts)
        guard case .student(let s) = wider.scorer, let ann = s.ann else { return XCTFail("no HNSW graph") }
        XCTAssertEqual(ann.count, 7)
        guard case .student(let old) = model.scorer else { return XCTFail("not a student") }
        XCTAssertEqual(old.ann?.count, 4, "the original model's graph is unchanged")
        // The teacher shortlist (through the graph) holds each new label for its own text.
        let tq = try wider.embed(texts)
        let lists = try search(ann, tq, count: 3, k: 1, threads: 1)
        XCTAssertEqual(ids(lists), [[4], [5], [6]])
        // Their scores are rescored from the wider model's float vectors (which the graph keeps, not a
        // copy): each equals the exact inner product, bit for bit.
        let all = s.teacher.labelEmbeddings.withUnsafeBufferPointer { Array($0) }, dim = s.teacher.dim
        for (i, list) in lists.enumerated() {
            let (id, score) = try XCTUnwrap(list.first)
            let row = Array(all[(Int(id) * dim)..<((Int(id) + 1) * dim)])
            let query = Array(tq[(i * dim)..<((i + 1) * dim)])
            let dot = clever_dot(query, row, dim)
            XCTAssertEqual(score.bitPattern, dot.bitPattern)
        }
        let predicted = try wider.predict(texts, k: 2)
        for (i, row) in predicted.enumerated() {
            XCTAssertTrue(row.contains { $0.0 == Int32(4 + i) }, "\(texts[i]) ranks \(row)")
        }
    }
}

extension ANNTests {
    /// On data this small the graphs find the exact neighbours, so LEVER's training set (teacher
    /// shortlists, mined inputs, similar labels) is the same through HNSW as through exact search.
    func testDistilledExamplesThroughGraphsEqualExactOnesOnSmallData() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let cfg = try studentTestConfig(d)
        let data = try XCDataset.load(cfg.paths)
        let teacherModel = try Trainer.train(try studentTestConfig(d, method: "teacher")).model
        guard case .teacher(let teacher) = teacherModel.scorer else { return XCTFail("not a teacher") }
        let f = teacherModel.featurizer
        var dc = DistillationConfig()
        dc.labelRows = true; dc.similarLabels = 2; dc.similarThreshold = -1; dc.minedRows = 12; dc.minedThreshold = -1
        var results: [TrainingExamples] = []
        for minItems in [Int(Int32.max), 0] {
            var ann = ANNConfig()
            ann.minItems = minItems
            let view = try TeacherView.build(teacher: teacher,
                                             inputFeatures: try f.transform(data.train.texts, threads: 1),
                                             labelFeatures: try f.transform(data.labelTexts, threads: 1),
                                             shortlist: 3, labelTextLists: true,
                                             ann: ann, seed: 1, threads: 2, progress: .silent)
            XCTAssertEqual(view.labelSearch.index == nil, minItems > 0)
            results.append(try TrainingExamples.distilled(trainLabels: data.train.labels, view: view, config: dc,
                                                          ann: ann, seed: 1, threads: 2, progress: .silent))
        }
        XCTAssertGreaterThan(results[0].minedTargets, 0)
        XCTAssertGreaterThan(results[0].similarLabelTargets, 0)
        XCTAssertEqual(results[0].sources, results[1].sources)
        XCTAssertEqual(results[0].targets.map { $0.map { $0.label } }, results[1].targets.map { $0.map { $0.label } })
        // The graph's distances and the exact search's products sum in different orders, so a soft
        // target (a sigmoid of a cosine) may differ in its last bits.
        for (a, b) in zip(results[0].targets, results[1].targets) {
            for (x, y) in zip(a, b) { XCTAssertEqual(x.value, y.value, accuracy: 1e-6) }
        }
    }

    /// Through a graph, LEVER's mining is read from the training inputs' shortlists: a requested label's
    /// list holds the inputs whose shortlist holds it, best first (ties to the lower row), at most k.
    func testMiningThroughAGraphReadsTheInputsShortlists() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let data = try XCDataset.load(try studentTestConfig(d).paths)
        let teacherModel = try Trainer.train(try studentTestConfig(d, method: "teacher")).model
        guard case .teacher(let teacher) = teacherModel.scorer else { return XCTFail("not a teacher") }
        let f = teacherModel.featurizer
        var ann = ANNConfig()
        ann.minItems = 0
        ann.trainingEfSearch = 4
        let request = TeacherView.MiningRequest(labels: [2, 0, 3], k: 3)
        let view = try TeacherView.build(teacher: teacher, inputFeatures: try f.transform(data.train.texts, threads: 1),
                                         labelFeatures: try f.transform(data.labelTexts, threads: 1), shortlist: 2,
                                         labelTextLists: false, mining: request, ann: ann, seed: 1, threads: 2,
                                         progress: .silent)
        guard let mined = view.mined, view.labelSearch.index != nil else { return XCTFail("not mined through a graph") }
        XCTAssertEqual(mined.request, request)
        // The saved graph keeps prediction's candidate list; training's defaults to 100, 0 means ef_search.
        XCTAssertEqual(view.labelSearch.index?.efSearch, ann.efSearch)
        XCTAssertEqual(ann.forTraining.efSearch, 4)
        XCTAssertEqual(ANNConfig().forTraining.efSearch, 100)
        var same = ANNConfig()
        same.trainingEfSearch = 0
        XCTAssertEqual(same.forTraining.efSearch, same.efSearch)
        for (i, label) in request.labels.enumerated() {
            var expected: [(row: Int32, score: Float)] = []
            for r in 0..<view.numInputs {
                for (l, s) in view.shortlists[r] where Int(l) == label { expected.append((Int32(r), s)) }
            }
            expected.sort { $0.score != $1.score ? $0.score > $1.score : $0.row < $1.row }
            XCTAssertEqual(mined.lists[i].map { $0.0 }, expected.prefix(3).map { $0.row }, "label \(label)")
            XCTAssertEqual(mined.lists[i].map { $0.1 }, expected.prefix(3).map { $0.score }, "label \(label)")
        }
        XCTAssertGreaterThan(mined.lists.map { $0.count }.reduce(0, +), 0)
    }
}
