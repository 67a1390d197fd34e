/// Turns texts into L2-normalised TF-IDF vectors over hashed word n-grams and character n-grams.
/// Everything needed to featurise a new text identically (the settings and the IDF table) is part
/// of the model file.
public struct TfidfFeaturizer: Sendable {
    public let config: FeatureConfig
    /// Inverse document frequency per hash bucket, or with `idfIndices` the palette of its distinct
    /// values (both in place in a loaded model file).
    let idfStorage: ArrayStorage<Float>
    /// Per hash bucket, its value's index in the palette `idfStorage` (a loaded model of format 6.0 or
    /// later); nil when `idfStorage` is the table itself.
    let idfIndices: ArrayStorage<UInt16>?

    /// Inverse document frequency per hash bucket.
    public var idf: [Float] {
        guard let idfIndices else { return idfStorage.array }
        return (0..<idfIndices.count).map { idfStorage[Int(idfIndices[$0])] }
    }

    public var dimension: Int { 1 << config.hashBits }

    public init(config: FeatureConfig, idf: [Float]) {
        self.init(config: config, idf: ArrayStorage(idf))
    }

    init(config: FeatureConfig, idf: ArrayStorage<Float>, indices: ArrayStorage<UInt16>? = nil) {
        self.config = config
        idfStorage = idf
        idfIndices = indices
    }

    /// Fits IDF weights on `texts` (smooth IDF: ln((1 + N) / (1 + df)) + 1).
    public static func fit(_ texts: [String], config: FeatureConfig, threads: Int,
                           progress: Progress = .silent) throws(LeverError) -> TfidfFeaturizer {
        let base = TfidfFeaturizer(config: config, idf: [])
        let raw = try base.counts(texts, threads: threads, progress: progress, stage: "features-fit")
        var df = [Int32](repeating: 0, count: base.dimension)
        for c in raw.indices { df[Int(c)] += 1 }
        let n = Float(texts.count)
        let idf = df.map { logf((1 + n) / (1 + Float($0))) + 1 }
        return TfidfFeaturizer(config: config, idf: idf)
    }

    /// Featurises `texts` into a CSR matrix (texts x buckets) of L2-normalised TF-IDF rows.
    public func transform(_ texts: [String], threads: Int, progress: Progress = .silent,
                          stage: String = "features") throws(LeverError) -> SparseMatrix {
        var m = try counts(texts, threads: threads, progress: progress, stage: stage)
        withIDF { idf in
            for r in 0..<m.rows {
                let range = m.rowRange(r)
                var norm: Float = 0
                for j in range {
                    let v = m.values[j] * idf(Int(m.indices[j]))
                    m.values[j] = v
                    norm += v * v
                }
                if norm > 0 {
                    let inv = 1 / norm.squareRoot()
                    for j in range { m.values[j] *= inv }
                }
            }
        }
        return m
    }

    /// Calls `body` with a bucket's IDF lookup, valid during the call.
    private func withIDF<R>(_ body: ((Int) -> Float) -> R) -> R {
        idfStorage.withUnsafeBufferPointer { values in
            guard let idfIndices else { return body { values[$0] } }
            return idfIndices.withUnsafeBufferPointer { index in body { values[Int(index[$0])] } }
        }
    }

    public func transform(_ text: String) -> SparseMatrix {
        (try? transform([text], threads: 1)) ?? SparseMatrix(cols: dimension)
    }

    /// Weighted term frequencies per bucket, before IDF and normalisation.
    func counts(_ texts: [String], threads: Int, progress: Progress, stage: String) throws(LeverError) -> SparseMatrix {
        try progress.begin(stage, "\(texts.count) texts")
        let batch = 8192
        var out = SparseMatrix(cols: dimension)
        var done = 0
        while done < texts.count {
            let end = min(texts.count, done + batch)
            let start = done
            let parts = Parallel.mapChunks(end - start, threads: threads) { range in
                var part = SparseMatrix(cols: dimension)
                var scratch: [UInt64] = []
                for i in range { appendRow(texts[start + i], to: &part, scratch: &scratch) }
                return part
            }
            for p in parts { out.appendRows(of: p) }
            done = end
            try progress.update(done, of: texts.count, unit: "texts")
        }
        try progress.end()
        return out
    }

    /// Hashes one text's features; each key is bucket << 1 | group (0 = word, 1 = char).
    private func appendRow(_ text: String, to m: inout SparseMatrix, scratch keys: inout [UInt64]) {
        keys.removeAll(keepingCapacity: true)
        let tokens = Tokenizer.tokens(text)
        let shift = UInt64(64 - config.hashBits)
        var wordHashes: [UInt64] = []
        wordHashes.reserveCapacity(tokens.count)
        for t in tokens {
            let h = FeatureHash.sequence(t, kind: 1)
            wordHashes.append(h)
            keys.append((FeatureHash.finish(h) >> shift) << 1)
        }
        if config.wordNgramMax >= 2 {
            for n in 2...config.wordNgramMax where tokens.count >= n {
                for i in 0...(tokens.count - n) {
                    var h = FeatureHash.seed(kind: UInt64(n))
                    for j in i..<(i + n) { h = FeatureHash.combine(h, wordHashes[j]) }
                    keys.append((FeatureHash.finish(h) >> shift) << 1)
                }
            }
        }
        if config.charNgramMin > 0 {
            var padded: [UInt32] = []
            for t in tokens {
                padded.removeAll(keepingCapacity: true)
                padded.append(2)
                padded.append(contentsOf: t)
                padded.append(3)
                for n in config.charNgramMin...config.charNgramMax where padded.count >= n {
                    for i in 0...(padded.count - n) {
                        var h = FeatureHash.seed(kind: 100 + UInt64(n))
                        for j in i..<(i + n) { h = FeatureHash.add(h, padded[j]) }
                        keys.append((FeatureHash.finish(h) >> shift) << 1 | 1)
                    }
                }
            }
        }
        keys.sort()
        var i = 0
        var lastBucket: Int32 = -1
        while i < keys.count {
            let key = keys[i]
            var count = 0
            while i < keys.count && keys[i] == key { count += 1; i += 1 }
            var tf = config.sublinearTf ? 1 + logf(Float(count)) : Float(count)
            if key & 1 == 1 { tf *= config.charWeight }
            let bucket = Int32(truncatingIfNeeded: key >> 1)
            if bucket == lastBucket { m.values[m.values.count - 1] += tf }
            else if tf > 0 { m.indices.append(bucket); m.values.append(tf); lastBucket = bucket }
        }
        m.indptr.append(m.indices.count)
        m.rows += 1
    }
}

/// FNV-1a style hashing of scalar sequences with a final avalanche, stable across platforms and
/// runs (Swift's Hasher is randomly seeded per process, so it cannot be used for saved models).
enum FeatureHash {
    @inline(__always) static func seed(kind: UInt64) -> UInt64 { 0xcbf2_9ce4_8422_2325 ^ (kind &* 0x9E37_79B9_7F4A_7C15) }
    @inline(__always) static func add(_ h: UInt64, _ v: UInt32) -> UInt64 { (h ^ UInt64(v)) &* 0x0000_0100_0000_01B3 }
    @inline(__always) static func combine(_ h: UInt64, _ v: UInt64) -> UInt64 { (h ^ v) &* 0x0000_0100_0000_01B3 }
    static func sequence(_ s: [UInt32], kind: UInt64) -> UInt64 {
        var h = seed(kind: kind)
        for v in s { h = add(h, v) }
        return h
    }
    @inline(__always) static func finish(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

#if canImport(Glibc)
import Glibc
#endif
