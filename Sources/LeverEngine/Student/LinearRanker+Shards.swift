/// Label-sharded training of the linear ranker. Its labels are independent problems (each solved from
/// its own instances with the seed `seed + label`), so training splits into three steps that
/// single-process training also takes, with one shard held in memory:
/// 1. `LinearProblem.build`: every label's instances (positives, LEVER's soft targets, the shortlist
///    negatives), the training rows' features and the ranker's settings — written by phase 1 of a
///    sharded run as a work file;
/// 2. `LinearProblem.solve(labels:)`: a label range's classifiers, a `LinearShard` (a shard file);
/// 3. `LinearShard.merged`: the shards, in label order, as the model's ranker.
/// A merged ranker therefore holds exactly the weights single-process training computes.
struct LinearProblem {
    var numLabels: Int
    /// Rows of the encoder table: feature ids lie below it.
    var featureCount: Int
    var c: Float
    var iterations: Int
    var prune: Float
    var seed: UInt64
    var weight: Float
    var labelWeights: [Float]?
    var combine: StudentConfig.LinearCombine
    /// Label l's instances are `rows[offsets[l]..<offsets[l+1]]` with `costs` alike (signed: +1 positive).
    var offsets: ArrayStorage<Int64>
    var rows: ArrayStorage<Int32>
    var costs: ArrayStorage<Float>
    /// The training rows' TF-IDF features.
    var texts: SparseMatrix
    /// Ties the problem to the model it was built for (`LinearProblem.token(of:)`).
    var token: UInt32

    static func build(config: StudentConfig, view: TeacherView, examples: TrainingExamples, trainLabels: SparseMatrix,
                      otherCandidates: [[(Int32, Float)]], seed: UInt64) -> LinearProblem {
        let L = view.numLabels
        let (offsets, instances) = LinearRanker.instanceLists(config: config, view: view, examples: examples,
                                                               otherCandidates: otherCandidates)
        return LinearProblem(numLabels: L, featureCount: view.teacher.encoder.rows, c: config.linearC,
                             iterations: config.linearIterations, prune: config.linearPrune, seed: seed,
                             weight: config.linearWeight,
                             labelWeights: LinearRanker.labelWeights(config: config, trainLabels: trainLabels,
                                                                     numLabels: L),
                             combine: config.linearCombine, offsets: ArrayStorage(offsets.map { Int64($0) }),
                             rows: ArrayStorage(instances.map { $0.row }),
                             costs: ArrayStorage(instances.map { $0.signedCost }), texts: view.texts, token: 0)
    }

    /// The token of a model's run: the checksum of its student's dense part (the STUDENT section) and
    /// of the config values the ranker's problems depend on besides it (the `student.linear*` keys), so
    /// shards solved for one run are refused by another.
    static func token(of student: StudentScorer, config: JSONValue) -> UInt32 {
        var bytes = student.encoded()
        for key in StudentConfig.keys.map({ $0.name }) where key.hasPrefix("linear") {
            bytes += Array("\(key)=\(config[StudentConfig.section]?[key]?.serialized(pretty: false) ?? "-");".utf8)
        }
        return CRC32C.checksum(bytes)
    }

    var instanceCount: Int { rows.count }

    /// The classifiers of `labels`, as a ranker over those labels only (label `labels.lowerBound` is its 0).
    func solve(labels: Range<Int>, threads: Int, progress: Progress) throws(LeverError) -> LinearShard {
        try checkInstances(of: labels)
        let count = labels.count
        let first = Int(offsets[labels.lowerBound]), last = Int(offsets[labels.upperBound])
        try progress.begin("student-linear", "labels \(labels.lowerBound)..<\(labels.upperBound) of \(numLabels),"
                           + " \(last - first) instances")
        // The range's instances, in the solver's form.
        // The solver's dense scratch spans the features the rows hold (not a count a file claims).
        let scratch = texts.indices.max().map { Int($0) + 1 } ?? 0
        let instances = (first..<last).map { i -> LinearRanker.Instance in (rows[i], costs[i]) }
        var features = [[Int32]](repeating: [], count: count)
        var weights = [[Float]](repeating: [], count: count)
        var biases = [Float](repeating: 0, count: count)
        let block = 512
        var start = 0
        while start < count {
            let blockStart = start, blockEnd = min(count, start + block)
            // Labels of the block are dealt to the threads in turn (head and tail labels mix).
            let t = max(1, min(threads, blockEnd - blockStart))
            let parts = Parallel.mapChunks(t, threads: t) { chunk -> [(Int, [Int32], [Float], Float)] in
                var solver = LabelSolver(featureCount: scratch)
                var out: [(Int, [Int32], [Float], Float)] = []
                for j in stride(from: blockStart + chunk.lowerBound, to: blockEnd, by: t) {
                    let l = labels.lowerBound + j
                    let range = (Int(offsets[l]) - first)..<(Int(offsets[l + 1]) - first)
                    let (f, w, b) = instances.withUnsafeBufferPointer { ins in
                        solver.solve(ins[range], texts: texts, c: c, iterations: iterations, prune: prune,
                                     seed: seed &+ UInt64(l))
                    }
                    out.append((j, f, w, b))
                }
                return out
            }
            for part in parts { for (j, f, w, b) in part { features[j] = f; weights[j] = w; biases[j] = b } }
            start = blockEnd
            try progress.update(blockEnd, of: count, unit: "labels")
        }
        try progress.end()
        var termOffsets = [Int](repeating: 0, count: count + 1)
        for j in 0..<count { termOffsets[j + 1] = termOffsets[j] + features[j].count }
        let term = SparseTerm(numLabels: count, offsets: termOffsets, features: features.flatMap { $0 },
                              weights: weights.flatMap { $0 }).roundedToInt8()
        let ranker = LinearRanker(term: term, biases: biases, trainedLabels: count, weight: weight,
                                  labelWeights: labelWeights.map { Array($0[labels]) }, combine: combine,
                                  featureCount: featureCount)
        return LinearShard(token: token, numLabels: numLabels, first: labels.lowerBound, ranker: ranker)
    }
}

/// The classifiers of one label range (`first ..< first + ranker.numLabels` of a ranker over `numLabels`).
struct LinearShard {
    var token: UInt32
    var numLabels: Int
    var first: Int
    var ranker: LinearRanker

    var labels: Range<Int> { first..<(first + ranker.numLabels) }

    /// The shards, which must tile 0 ..< numLabels in order, as one ranker. `names` (one per shard) are
    /// for messages.
    static func merged(_ shards: [LinearShard], names: [String]) throws(LeverError) -> LinearRanker {
        guard let head = shards.first else { throw .invalidArgument("no shards to merge") }
        if shards.count == 1, head.labels == 0..<head.numLabels { return head.ranker }
        var next = 0
        for (s, name) in zip(shards, names) {
            guard s.first == next else {
                throw .invalidArgument(s.first > next
                    ? "labels \(next)..<\(s.first) are in no shard (the next shard, \(name), starts at \(s.first))"
                    : "\(name) (labels \(s.first)..<\(s.labels.upperBound)) overlaps the shards before it")
            }
            guard s.ranker.weight == head.ranker.weight, s.ranker.combine == head.ranker.combine,
                  (s.ranker.labelWeights == nil) == (head.ranker.labelWeights == nil),
                  s.ranker.featureCount == head.ranker.featureCount,
                  (s.ranker.term.scales == nil) == (head.ranker.term.scales == nil) else {
                throw .invalidArgument("\(name): its ranker settings differ from \(names[0])'s")
            }
            next = s.labels.upperBound
        }
        guard next == head.numLabels else {
            throw .invalidArgument("labels \(next)..<\(head.numLabels) are in no shard")
        }
        var offsets = [0], features: [Int32] = [], weights: [Float] = [], biases: [Float] = []
        var shares: [Float]? = head.ranker.labelWeights == nil ? nil : []
        var scales: [Float]? = head.ranker.term.scales == nil ? nil : []
        for s in shards {
            let t = s.ranker.term
            let o = t.support.offsets
            for j in 0..<s.ranker.numLabels { offsets.append(offsets.last! + o[j + 1] - o[j]) }
            features += t.support.features
            weights += t.weights
            biases += s.ranker.biases
            if let w = s.ranker.labelWeights { shares? += w }
            if let c = t.scales { scales? += c }
        }
        return LinearRanker(term: SparseTerm(numLabels: head.numLabels, offsets: offsets, features: features,
                                             weights: weights, scales: scales),
                            biases: biases, trainedLabels: head.numLabels, weight: head.ranker.weight,
                            labelWeights: shares, combine: head.ranker.combine, featureCount: head.ranker.featureCount)
    }
}

// MARK: - Files

extension LinearProblem {
    /// The work file: the container of model files (docs/model-format.md) with the sections LINWORK
    /// (u32 token, u64 labels, u64 feature count, f32 C, u64 iterations, f32 prune, u64 seed, f32
    /// weight, u8 combination (0 geometric, 1 mean; + 2 when per-label shares follow), [f32 shares],
    /// i64 offsets (labels + 1), i32 rows, f32 signed costs) and TEXTS (the features, a CSR matrix).
    func write(to path: String) throws(LeverError) {
        var w = ByteWriter()
        w.u32(token)
        w.u64(UInt64(numLabels))
        w.u64(UInt64(featureCount))
        w.f32(c)
        w.u64(UInt64(iterations))
        w.f32(prune)
        w.u64(seed)
        w.f32(weight)
        w.u8((combine == .mean ? 1 : 0) | (labelWeights == nil ? 0 : LinearRanker.perLabelFlag))
        if let labelWeights { w.array(labelWeights) }
        w.array(offsets)
        w.array(rows)
        w.array(costs)
        var texts = ByteWriter()
        texts.matrix(CSRStorage(self.texts))
        var sections = ModelFile.Sections()
        sections.add("LINWORK", w.bytes)
        sections.add("TEXTS", texts.bytes)
        try ModelFile.write(sections, to: path)
    }

    /// Reads and validates a work file: sizes, offsets and the settings (against the config's ranges);
    /// `solve` checks the instances of the labels it solves.
    static func read(path: String) throws(LeverError) -> LinearProblem {
        try ModelFile.readOther(path: path, kind: "a linear-ranker work file", tag: "LINWORK") {
            (file) throws(LeverError) -> LinearProblem in
            let texts = try file.decode("TEXTS") { (r) throws(LeverError) in try r.matrix().matrix }
            let p = try file.decode("LINWORK") { (r) throws(LeverError) -> LinearProblem in
                let token = try r.u32()
                let L = try r.count(max: Int(Int32.max)), features = try r.count(max: Int(Int32.max))
                let c = try r.f32(), iterations = try r.count(max: Int(Int32.max)), prune = try r.f32()
                let seed = try r.u64(), weight = try r.f32(), byte = try r.u8()
                guard byte & ~LinearRanker.perLabelFlag <= 1 else { throw .corrupt("LINWORK: unknown combination") }
                let shares = byte & LinearRanker.perLabelFlag != 0 ? try r.floatArray() : nil
                let offsets = try r.storage(Int64.self), rows = try r.storage(Int32.self)
                let costs = try r.floatStorage()
                return LinearProblem(numLabels: L, featureCount: features, c: c, iterations: iterations,
                                     prune: prune, seed: seed, weight: weight, labelWeights: shares,
                                     combine: byte & 1 == 1 ? .mean : .geometric, offsets: offsets, rows: rows,
                                     costs: costs, texts: texts, token: token)
            }
            try p.validate()
            return p
        }
    }

    private func validate() throws(LeverError) {
        try StudentConfig.checkStored(\.linearC, c, in: "LINWORK")
        try StudentConfig.checkStored(\.linearIterations, iterations, in: "LINWORK")
        try StudentConfig.checkStored(\.linearPrune, prune, in: "LINWORK")
        try StudentConfig.checkStored(\.linearWeight, weight, in: "LINWORK")
        guard numLabels > 0, offsets.count == numLabels + 1, offsets[0] == 0, offsets[numLabels] == rows.count,
              costs.count == rows.count else {
            throw .corrupt("LINWORK: offsets do not match \(numLabels) labels and \(rows.count) instances")
        }
        if let s = labelWeights, s.count != numLabels || !s.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
            throw .corrupt("LINWORK: per-label shares do not match the labels or lie outside [0, 1]")
        }
        // The solver's scratch is one float per feature: the count must be the features' own.
        guard texts.cols == featureCount else {
            throw .corrupt("TEXTS: \(texts.cols) feature columns, but LINWORK says \(featureCount)")
        }
        for l in 0..<numLabels where offsets[l] > offsets[l + 1] { throw .corrupt("LINWORK: offsets are not ordered") }
    }

    /// Checks the instances of `labels` (a phase-2 task reads only its range's).
    private func checkInstances(of labels: Range<Int>) throws(LeverError) {
        for i in Int(offsets[labels.lowerBound])..<Int(offsets[labels.upperBound]) {
            let cost = costs[i]
            guard rows[i] >= 0, Int(rows[i]) < texts.rows, cost.isFinite, cost != 0, (1 / (2 * abs(cost))).isFinite
            else { throw .corrupt("LINWORK: instance \(i) has an invalid row or cost") }
        }
    }
}

extension LinearShard {
    /// A shard file: sections LINSHARD (u32 token, u64 labels of the model, u64 first label) and LINEAR
    /// (the range's ranker, in the model's LINEAR layout).
    func write(to path: String) throws(LeverError) {
        var w = ByteWriter()
        w.u32(token)
        w.u64(UInt64(numLabels))
        w.u64(UInt64(first))
        var sections = ModelFile.Sections()
        sections.add("LINSHARD", w.bytes)
        sections.add("LINEAR", ranker.encoded())
        try ModelFile.write(sections, to: path)
    }

    /// Reads a shard file for a model of `numLabels` labels over `featureCount` encoder rows.
    static func read(path: String, numLabels: Int, featureCount: Int) throws(LeverError) -> LinearShard {
        try ModelFile.readOther(path: path, kind: "a linear-ranker shard file", tag: "LINSHARD") {
            (file) throws(LeverError) -> LinearShard in
            let (token, total, first) = try file.decode("LINSHARD") { (r) throws(LeverError) in
                (try r.u32(), try r.count(max: Int(Int32.max)), try r.count(max: Int(Int32.max)))
            }
            guard total == numLabels else {
                throw .invalidArgument("the shard is of a model with \(total) labels, not \(numLabels)")
            }
            let ranker = try file.decode("LINEAR") { (r) throws(LeverError) -> LinearRanker in
                // The shard's label count is its trained labels (the third field).
                var peek = r
                _ = try peek.f32()
                _ = try peek.u8()
                let count = try peek.count(max: numLabels)
                guard count > 0, first + count <= numLabels else {
                    throw .corrupt("LINEAR: labels \(first)..<\(first + count) are not within the model's \(numLabels)")
                }
                return try LinearRanker.decode(&r, numLabels: count, featureCount: featureCount)
            }
            return LinearShard(token: token, numLabels: total, first: first, ranker: ranker)
        }
    }
}
