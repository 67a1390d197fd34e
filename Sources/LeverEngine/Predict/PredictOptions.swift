/// What a caller may set for one prediction call (C `lever_predict_options`, Python keywords).
public struct PredictOptions: Sendable {
    /// Worker threads; 0 = the library's default (one thread below 256 texts, else one per core).
    public var threads: Int = 0
    /// Labels scoring below it are not returned (nil: no floor).
    public var scoreFloor: Float?
    /// Per text (one row each), labels never returned; nil: none.
    public var exclude: SparseMatrix?
    /// Only labels of this range are returned (a label shard's part of the prediction); nil: all.
    public var labels: Range<Int>?

    public init(threads: Int = 0, scoreFloor: Float? = nil, exclude: SparseMatrix? = nil, labels: Range<Int>? = nil) {
        self.threads = threads
        self.scoreFloor = scoreFloor
        self.exclude = exclude
        self.labels = labels
    }

    /// The thread count for `texts` texts.
    func resolvedThreads(_ texts: Int) -> Int {
        threads > 0 ? threads : (texts >= 256 ? Parallel.resolveThreads(0) : 1)
    }
}

extension LeverModel {
    /// Top-k labels for each text, best first, honouring `options`: excluded labels never appear,
    /// labels scoring below the floor are dropped (rows may then hold fewer than k labels).
    public func predict(_ texts: [String], k: Int, options: PredictOptions,
                        progress: Progress = .silent) throws(LeverError) -> [[(Int32, Float)]] {
        if let e = options.exclude, e.rows != texts.count || e.cols != numLabels {
            throw .invalidArgument("exclude has \(e.rows) rows x \(e.cols) labels;"
                                   + " expected \(texts.count) x \(numLabels)")
        }
        var rows = try predict(texts, k: k, threads: options.resolvedThreads(texts.count), exclude: options.exclude,
                               within: options.labels, progress: progress)
        if let floor = options.scoreFloor {
            for i in rows.indices where rows[i].contains(where: { $0.1 < floor }) {
                rows[i].removeAll { $0.1 < floor }
            }
        }
        return rows
    }
}
