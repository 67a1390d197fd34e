import XCTest
@testable import LeverEngine

final class TeacherTests: XCTestCase {
    func config(_ d: TempDir, _ extra: String = "") throws -> RunConfig {
        try RunConfig.parse(#"""
        {"data": {"dir": "\#(d.path)"}, "method": "teacher", "threads": 2, "seed": 3,
         "features": {"hash_bits": 12},
         "teacher": {"dim": 16, "epochs": 30, "batch_size": 8, "hard_negatives": 3, "warmup_epochs": 5,
                     "cluster_size": 2, "cluster_size_max": 4, "min_df": 1, "learning_rate": 0.05\#(extra)}}
        """#)
    }

    func teacher(_ m: LeverModel) -> TeacherScorer {
        guard case .teacher(let t) = m.scorer else { fatalError("not a teacher model") }
        return t
    }

    func testSameSeedAndThreadsGiveIdenticalEmbeddings() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let a = teacher(try Trainer.train(try config(d)).model)
        let b = teacher(try Trainer.train(try config(d)).model)
        XCTAssertEqual(a.encoder.table.floats.map { $0.bitPattern }, b.encoder.table.floats.map { $0.bitPattern })
        XCTAssertEqual(a.labelEmbeddings.map { $0.bitPattern }, b.labelEmbeddings.map { $0.bitPattern })
        let other = try config(d).with(#"{"seed": 4}"#)
        let c = teacher(try Trainer.train(other).model)
        XCTAssertNotEqual(a.encoder.table, c.encoder.table)
    }

    func testTeacherLearnsTheTinyTask() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let m = try Trainer.train(try config(d)).model
        let p = try m.predict(["a tabby kitten", "a young puppy", "robin and sparrow"], k: 1)
        XCTAssertEqual(p.map { $0.first?.0 }, [0, 1, 2])
        for row in p { XCTAssertLessThanOrEqual(row[0].1, 1.0001) }  // cosines
        // The same with Adam's second moment per value (the default is one per table row): it learns the
        // task too, by other steps.
        XCTAssertEqual(try config(d).teacher.adamSecondMoment, .row)
        let valueWise = try Trainer.train(try config(d, #", "adam_second_moment": "value""#)).model
        let q = try valueWise.predict(["a tabby kitten", "a young puppy", "robin and sparrow"], k: 1)
        XCTAssertEqual(q.map { $0.first?.0 }, [0, 1, 2])
        XCTAssertNotEqual(teacher(valueWise).encoder.table, teacher(m).encoder.table)
    }

    func testEveryAblationTrains() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        for extra in [#", "sides": "row""#, #", "batching": "random""#, #", "mining": "random""#, #", "symmetric": false"#] {
            let m = try Trainer.train(try config(d, extra)).model
            XCTAssertEqual(try m.predict(["a tabby kitten"], k: 2)[0].count, 2, extra)
        }
    }

    func testTeacherModelRoundTrips() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let m = try Trainer.train(try config(d)).model
        try assertRoundTripPredictsIdentically(m, in: d, texts: ["a tabby kitten", "trout", ""], k: 4)
    }

    func testBalancedClustersRespectTheSizeBound() {
        var rng = SeededRandom(seed: 1)
        let n = 100, dim = 4
        var points = [Float](repeating: 0, count: n * dim)
        for i in 0..<points.count { points[i] = rng.unitFloat() - 0.5 }
        let clusters = BalancedClustering.clusters(points: points, dim: dim, items: Array(0..<n), maxSize: 8, rng: &rng)
        XCTAssertEqual(clusters.flatMap { $0 }.sorted(), Array(0..<n))
        XCTAssertTrue(clusters.allSatisfy { $0.count <= 8 && $0.count >= 4 }, "\(clusters.map { $0.count })")
    }

    /// The clustering's packed sort keys order as its definition: value descending, ties (with -0 and
    /// +0 equal) by item id ascending.
    func testDescendingKeysOrderByValueThenItem() {
        var rng = SeededRandom(seed: 5)
        let values: [Float] = (0..<500).map { _ in [0, -0.0, 1, -1, 0.25][rng.index(5)] * rng.unitFloat() }
            + [0, -0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]
        let items = Array(0..<values.count).shuffled(using: &rng)
        let expected = (0..<values.count).sorted {
            values[$0] != values[$1] ? values[$0] > values[$1] : items[$0] < items[$1]
        }.map { items[$0] }
        let keys = (0..<values.count).map { BalancedClustering.descendingKey(values[$0], items[$0]) }.sorted()
        XCTAssertEqual(keys.map { Int(UInt32(truncatingIfNeeded: $0)) }, expected)
    }

    /// The clustering on several threads (sets of 8,192 and more project in parallel) gives the same
    /// clusters as on one, and as the definition: sorting by a comparator on the sequential sums.
    func testBalancedClustersMatchTheirDefinitionOnAnyThreadCount() {
        var rng = SeededRandom(seed: 2)
        let n = 10_000, dim = 8
        var points = [Float](repeating: 0, count: n * dim)
        for i in 0..<points.count { points[i] = (rng.unitFloat() - 0.5).rounded(.down) + rng.unitFloat() / 8 }
        func run(_ threads: Int) -> [[Int]] {
            var r = SeededRandom(seed: 7)
            return BalancedClustering.clusters(points: points, dim: dim, items: Array(0..<n), maxSize: 64, rng: &r,
                                               threads: threads)
        }
        let one = run(1)
        XCTAssertEqual(run(4), one)
        // The definition, written as the clustering was before its packed keys: one split of the whole set.
        var r = SeededRandom(seed: 7)
        let set = Array(0..<n)
        let a = set[r.index(n)], b = set[r.index(n)]
        XCTAssertNotEqual(a, b)
        var c1 = Array(points[(a * dim)..<(a * dim + dim)]), c2 = Array(points[(b * dim)..<(b * dim + dim)])
        var order = set
        for _ in 0..<6 {
            let diff = set.map { item -> Float in
                var s: Float = 0
                for c in 0..<dim { s += points[item * dim + c] * (c1[c] - c2[c]) }
                return s
            }
            order = (0..<n).sorted { diff[$0] != diff[$1] ? diff[$0] > diff[$1] : set[$0] < set[$1] }.map { set[$0] }
            for (half, items) in [(0, order[..<(n / 2)]), (1, order[(n / 2)...])] {
                var c = [Float](repeating: 0, count: dim)
                for item in items { for i in 0..<dim { c[i] += points[item * dim + i] } }
                let norm = c.reduce(0) { $0 + $1 * $1 }.squareRoot()
                for i in 0..<dim { c[i] /= norm }
                if half == 0 { c1 = c } else { c2 = c }
            }
        }
        // The first split's halves: the clusters' items in the order they are emitted (first half first).
        XCTAssertEqual(Set(one.flatMap { $0 }.prefix(n / 2)), Set(order[..<(n / 2)]))
        XCTAssertTrue(one.allSatisfy { $0.count <= 64 })
    }

    func testClusterSizeSchedule() throws {
        var c = TeacherConfig()
        c.warmupEpochs = 2; c.clusterSize = 8; c.clusterSizeMax = 32; c.clusterGrowthEpochs = 3
        let t = TeacherTrainer(config: c, inputs: SparseMatrix(cols: 1), labelTexts: SparseMatrix(cols: 1), rowLabels: SparseMatrix(cols: 1),
                               labelRows: SparseMatrix(cols: 1), threads: 1, seed: 1)
        XCTAssertEqual([2, 4, 5, 8, 11, 50].map { t.clusterSize(epoch: $0) }, [8, 8, 16, 32, 32, 32])
    }

    /// teacher.epoch_items caps the pairs of an epoch: a random subset of the items, different each
    /// epoch, with shuffled or clustered order; 0 or a cap above the item count visits every item, in
    /// the same pairs as without a cap.
    func testEpochItemsCapsAnEpoch() throws {
        // 40 labels, each with rows 2l and 2l + 1 (80 rows).
        let labelRows = SparseMatrix(rows: 40, cols: 80, indptr: (0...40).map { 2 * $0 },
                                     indices: (0..<80).map { Int32($0) }, values: [Float](repeating: 1, count: 80))
        func pairs(_ cap: Int, clusters: [[Int]]?, epochs: Int = 2,
                   sides: TeacherConfig.Sides = .label) -> [[(label: Int, row: Int)]] {
            var c = TeacherConfig()
            c.epochItems = cap
            c.sides = sides
            let t = TeacherTrainer(config: c, inputs: labelRows.transposed(), labelTexts: labelRows,
                                   rowLabels: labelRows.transposed(), labelRows: labelRows, threads: 1, seed: 1)
            var rng = SeededRandom(seed: 9)
            let encoder = SparseEncoder.random(dim: 4, vocabulary: FeatureVocabulary.fit(labelRows, minDF: 1), seed: 1)
            return (0..<epochs).map { _ in t.epochPairs(epoch: 0, encoder: encoder, clusters: clusters, rng: &rng) }
        }
        func flat(_ e: [[(label: Int, row: Int)]]) -> [[Int]] { e.map { $0.flatMap { [$0.label, $0.row] } } }
        for cap in [0, 40, 100] {
            for epoch in pairs(cap, clusters: nil) { XCTAssertEqual(epoch.map { $0.label }.sorted(), Array(0..<40)) }
            XCTAssertEqual(flat(pairs(cap, clusters: nil)), flat(pairs(0, clusters: nil)), "cap \(cap)")
        }
        // Row-side items are training rows: 80 of them, so 40 is a cap there.
        for epoch in pairs(40, clusters: nil, sides: .row) {
            XCTAssertEqual(epoch.count, 40)
            XCTAssertEqual(Set(epoch.map { $0.row }).count, 40)
        }
        XCTAssertEqual(pairs(0, clusters: nil, sides: .row)[0].count, 80)
        let capped = pairs(15, clusters: nil)
        for epoch in capped {
            XCTAssertEqual(epoch.count, 15)
            XCTAssertEqual(Set(epoch.map { $0.label }).count, 15)
            XCTAssertTrue(epoch.allSatisfy { $0.row / 2 == $0.label })
        }
        XCTAssertNotEqual(Set(capped[0].map { $0.label }), Set(capped[1].map { $0.label }))
        let clusters = (0..<10).map { c in (0..<4).map { 4 * c + $0 } }
        for epoch in pairs(15, clusters: clusters) {
            XCTAssertEqual(epoch.count, 15)
            // Whole clusters in order, then part of one: labels of at most 4 clusters.
            XCTAssertEqual(Set(epoch.map { $0.label / 4 }).count, 4)
        }
    }
}

final class TeacherMiningTests: XCTestCase {
    /// The positive mask (pairs never used as negatives) equals its definition: input m's row is
    /// label j's own row or carries label j — also with repeated rows and labels (row-side batches).
    func testPositiveMaskMatchesTheDefinition() throws {
        // 5 rows over 4 labels.
        let rowLabels = SparseMatrix(rows: 5, cols: 4, indptr: [0, 2, 3, 4, 6, 7], indices: [0, 2, 1, 3, 0, 1, 2],
                                     values: [1, 1, 1, 1, 1, 1, 1])
        let config = try RunConfig.parse(#"{"method": "teacher"}"#).teacher
        let trainer = TeacherTrainer(config: config, inputs: rowLabels, labelTexts: rowLabels, rowLabels: rowLabels,
                                     labelRows: rowLabels.transposed(), threads: 2, seed: 1)
        let labels = [0, 1, 2, 3, 0, 2], rows = [0, 1, 4, 2, 3, 0]
        let n = labels.count
        var mask = [UInt8](repeating: 7, count: n * n)
        trainer.positiveMask(labels: labels, rows: rows, into: &mask)
        for j in 0..<n {
            for m in 0..<n {
                let carries = rowLabels.rowRange(rows[m]).contains { Int(rowLabels.indices[$0]) == labels[j] }
                XCTAssertEqual(mask[j * n + m] == 1, carries || rows[m] == rows[j], "j \(j), m \(m)")
            }
        }
    }
}
