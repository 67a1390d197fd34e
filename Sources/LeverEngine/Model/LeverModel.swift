#if canImport(Glibc)
import Glibc
#endif

/// What a model scores with, by method.
public enum Scorer: Sendable {
    case knn(KNNIndex)
    case teacher(TeacherScorer)
    case student(StudentScorer)
}

/// A trained model: the featuriser, the label texts, the scorer, and the config it was trained
/// with. Immutable, so any number of threads may predict with one instance.
public final class LeverModel: @unchecked Sendable {
    public static let version = "0.1.0"

    public let config: JSONValue
    public let labelTexts: [String]
    public let featurizer: TfidfFeaturizer
    public let scorer: Scorer
    /// Training figures recorded in the model file's META (`training`): seconds in total and per
    /// stage, rows, labels. Empty for a model loaded from a file written without them.
    public let training: JSONObject
    /// Label text -> first id, built on the first lookup (see `labelID`).
    let labelIndex = LabelIndex()
    /// The label texts as NUL-terminated C strings, for the C API (lives as long as the model).
    let labelCStrings: UnsafeMutableBufferPointer<CChar>
    let labelCOffsets: [Int]

    public init(config: JSONValue, labelTexts: [String], featurizer: TfidfFeaturizer, scorer: Scorer,
                training: JSONObject = JSONObject()) {
        self.config = config
        self.training = training
        self.labelTexts = labelTexts
        self.featurizer = featurizer
        self.scorer = scorer
        var offsets: [Int] = []
        var total = 0
        for t in labelTexts { offsets.append(total); total += t.utf8.count + 1 }
        let buf = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(total, 1))
        var i = 0
        for t in labelTexts {
            for b in t.utf8 { buf[i] = CChar(bitPattern: b); i += 1 }
            buf[i] = 0
            i += 1
        }
        labelCStrings = buf
        labelCOffsets = offsets
    }

    deinit { labelCStrings.deallocate() }

    public var numLabels: Int { labelTexts.count }

    /// The method the model file records (see `ScorerKind`): "knn", "teacher" or "lever".
    public var method: String { ScorerKind(scorer).rawValue }

    func labelCString(_ l: Int) -> UnsafePointer<CChar> {
        UnsafePointer(labelCStrings.baseAddress! + labelCOffsets[l])
    }

    /// Top-k labels for each text, best first; with `within`, only labels of that range (as the full
    /// prediction ranks them: per-range lists merged by score, lower label first among ties, are the
    /// full top-k).
    public func predict(_ texts: [String], k: Int, threads: Int = 1, exclude: SparseMatrix? = nil,
                        within: Range<Int>? = nil,
                        progress: Progress = .silent) throws(LeverError) -> [[(Int32, Float)]] {
        guard k >= 1 else { throw .invalidArgument("k must be at least 1") }
        if let r = within, r.isEmpty || r.lowerBound < 0 || r.upperBound > numLabels {
            throw .invalidArgument("label range \(r.lowerBound)..<\(r.upperBound) is not a non-empty range within the"
                                   + " model's \(numLabels) labels")
        }
        // No ranking is longer than the label set; callers pad beyond it.
        let k = min(k, numLabels)
        let features = try featurizer.transform(texts, threads: threads, progress: progress)
        switch scorer {
        case .knn(let index):
            return try index.predict(features, k: k, exclude: exclude, within: within, threads: threads,
                                     progress: progress)
        case .teacher(let teacher):
            return try teacher.predict(features, k: k, exclude: exclude, within: within, threads: threads,
                                       progress: progress)
        case .student(let student):
            return try student.predict(features, k: k, exclude: exclude, within: within, threads: threads,
                                       progress: progress)
        }
    }
}

extension LeverModel {
    /// The teacher of encoder-based models.
    var encoderScorer: TeacherScorer? {
        switch scorer {
        case .knn: return nil
        case .teacher(let t): return t
        case .student(let s): return s.teacher
        }
    }

    /// The embedding dimension of models that have an encoder (nil for kNN).
    public var embeddingDimension: Int? {
        return encoderScorer?.dim
    }

    /// Encoder embeddings of texts (count x dimension, unit rows), for models with an encoder.
    public func embed(_ texts: [String], threads: Int = 1) throws(LeverError) -> [Float] {
        guard let t = encoderScorer else { throw .invalidArgument("method \"\(method)\" has no text encoder") }
        return t.embed(try featurizer.transform(texts, threads: threads), threads: threads)
    }

    /// Brute-force top-k over all labels for query embeddings from `embed` (one GEMM per block).
    public func rankEmbeddings(_ queries: [Float], count: Int, k: Int, threads: Int = 1) throws(LeverError) -> [[(Int32, Float)]] {
        guard let t = encoderScorer else { throw .invalidArgument("method \"\(method)\" has no text encoder") }
        guard queries.count == count * t.dim else { throw .invalidArgument("queries must hold count x \(t.dim) floats") }
        guard k >= 1 else { throw .invalidArgument("k must be at least 1") }
        return try DenseScorer.topK(queries: queries, count: count, labels: t.labelEmbeddings, numLabels: t.numLabels, dim: t.dim,
                                    k: min(k, t.numLabels), exclude: nil, threads: threads, progress: .silent, stage: "rank")
    }
}
