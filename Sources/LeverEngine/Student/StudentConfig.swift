/// Settings of the one-vs-all student (config section `student`).
public struct StudentConfig: ConfigSection, Equatable {
    public enum EncoderMode: String, Sendable, CaseIterable { case finetune, frozen }
    public enum LinearCombine: String, Sendable, CaseIterable { case geometric, mean }

    /// 5: on WordNet lemma 3, 5 and 10 epochs were within noise on P@1; on gloss 3 epochs beat 10 by
    /// 1.6 P@5 (10 gained 2 coverage@5), so 5 keeps some margin for smaller training sets.
    public var epochs = 5
    public var batchSize = 256
    public var learningRate: Float = 0.01
    public var encoderLearningRate: Float = 0.002
    public var encoder = EncoderMode.finetune
    /// One per row, as the teacher's (see `TeacherConfig.adamSecondMoment`).
    public var adamSecondMoment = AdamSecondMoment.row
    public var featureDropout: Float = 0
    public var shortlist = 32
    public var inBatchRows = 4
    public var initScale: Float = 10
    public var predictShortlist = 100
    public var fusion: Float = 0
    public var lexicalShortlist = 32
    /// 128, a fixed budget (as impact-ordered posting lists in search engines), so a query's cost does
    /// not grow with the training rows: on WordNet lemma (57,480 rows) capping at 115 postings ran the
    /// lexical-shortlists stage 2.8x faster, saved 4.3 MiB and changed P@1 / PSP@5 by +0.11 / -0.05;
    /// a cap growing with the rows (0.2% of them) made the stage quadratic: 4 min at 262K rows
    /// (see the issue 10 closing note).
    public var lexicalMaxPostings = 128
    /// Off by default; when on, 32 labels whose vote share is a tenth of the score. On held-out slices
    /// of the training data (benchmarks/holdout_split.py) of WordNet lemma / Debtags / gloss, beside the
    /// linear ramp, it changed P@1 by +0.33 / -0.08 / +0.35, PSP@5 +0.6 / +0.2 / -0.0 and coverage@5
    /// +0.8 / +0.4 / -0.6, for a third more training time on lemma (the leave-one-out search of
    /// 57,480 rows), 15 MB more model and 0.2 ms more per text in batches (an exact search over the
    /// rows): too little for its cost as a default (see the issue 8 closing note). Row weights 0 / 0.1
    /// / 0.2 / 0.3 with the linear share 0.5 gave P@1 41.48 / 41.72 / 42.12 / 42.36, 87.90 / 87.90 /
    /// 87.86 / 87.33 and 69.28 / 69.73 / 69.92 / 69.64.
    public var rowShortlist = 0
    public var rowWeight: Float = 0.1
    /// Off by default: on WordNet lemma it added +0.3 P@1 (noise level) for 2-3x the student's
    /// training time and ~100 MB of weights (see the issue 8 closing note); kept for ablations.
    public var sparse = false
    public var sparseLearningRate: Float = 0.2
    public var sparseL2: Float = 0
    public var sparsePrune: Float = 0.01
    public var sparseMaxFeatures = 20_000
    /// On, with the mean (then at share 0.5) and soft targets at a tenth of their cost: measured with the
    /// teacher reused on WordNet lemma, WordNet gloss and Debtags (three shapes), P@1 +0.8 / +1.2 /
    /// +1.8, PSP@5 +0.7 / +0.8 / +0.8, coverage@5 -0.1 / -1.2 / -2.6 against the dense term alone.
    /// The geometric mean gave more P@1 on Debtags but lost 1-5 coverage@5; soft targets at full cost
    /// cost lemma 1.2 P@1, left out they cost PSP@5 and coverage (see the issue 8 closing note).
    public var linear = true
    public var linearC: Float = 1
    public var linearIterations = 20
    public var linearPrune: Float = 0.1
    /// A share of 0.7 x n / (n + 1) for a label with n training positives: on the held-out slices
    /// against 0.5 for every label, P@1 -0.01 / +1.05 / +0.82, PSP@5 +1.1 / +0.3 / +3.1 and coverage@5
    /// +1.3 / -0.2 / +3.3 (lemma / Debtags / gloss); ramp 5 gave more coverage but lost 0.4 P@1 on lemma.
    public var linearWeight: Float = 0.7
    public var linearWeightRamp: Float = 1
    /// 32, the dense term's own hard negatives: on lemma / gloss / Debtags 32 beat 100 by
    /// +0.07 / +0.17 / +0.04 P@1 (and PSP@5) and 16 lost 0.22 / 0.15 P@1 to 32.
    public var linearNegatives = 32
    public var linearSoftCost: Float = 0.1
    public var linearCombine = LinearCombine.mean

    public static let section = "student"
    public static let keys: [ConfigKey<StudentConfig>] = [
        .integer("epochs", \.epochs, 0...100_000, "Training epochs over the (possibly augmented) examples."),
        .integer("batch_size", \.batchSize, 1...65_536, "Training rows per batch."),
        .number("learning_rate", \.learningRate, 1e-7...10, "Adam learning rate of the classifier vectors and biases."),
        .number("encoder_learning_rate", \.encoderLearningRate, 0...10,
                "Adam learning rate of the fine-tuned encoder (0: the encoder stays as the teacher's)."),
        .choice("encoder", \.encoder,
                "finetune: copy the teacher's encoder and train it further; frozen: use it as is."),
        .choice("adam_second_moment", \.adamSecondMoment, "Adam's second moment for the fine-tuned encoder's"
                + " table: per value, or one per row (the mean square of its gradient; half the optimiser state)."),
        .number("feature_dropout", \.featureDropout, 0...0.95,
                "While fine-tuning, each feature of a training text is left out of its embedding with this"
                + " probability (a fresh draw per step; at least one feature stays); 0: off."),
        .integer("shortlist", \.shortlist, 0...100_000,
                 "Hard negatives per training row: the teacher's top labels for the row's text."),
        .integer("in_batch_rows", \.inBatchRows, 0...65_536,
                 "Other rows of the batch whose positives also serve as a row's negatives."),
        .number("init_scale", \.initScale, 0...1000,
                "Classifier vectors start as init_scale x the teacher's label embeddings, biases at -init_scale/2."),
        .integer("predict_shortlist", \.predictShortlist, 0...1_000_000,
                 "Prediction candidates from the teacher: its top labels (0: score every label exactly)."),
        .number("fusion", \.fusion, 0...1,
                "Final score = (1 - fusion) x student probability + fusion x teacher cosine."),
        .integer("lexical_shortlist", \.lexicalShortlist, 0...100_000, "Candidates from the lexical source (the"
                 + " labels of the nearest training rows by TF-IDF, per the knn section), for negatives and"
                 + " prediction; 0: off."),
        .integer("row_shortlist", \.rowShortlist, 0...100_000, "Candidates from the row source (the labels of"
                 + " the nearest training rows in the teacher's embedding space, voting as the knn section says),"
                 + " for negatives and prediction; 0: off."),
        .number("row_weight", \.rowWeight, 0...1, "Share w of the row source's votes in the score: p = (1 - w) x p"
                + " + w x (the label's votes / its neighbours' total vote weight)."),
        .integer("lexical_max_postings", \.lexicalMaxPostings, 0...Int(Int32.max),
                 "Postings (training rows) the lexical index keeps per feature, at least knn.neighbours: a"
                 + " feature in more rows keeps those of largest TF-IDF weight (0: all)."),
        .boolean("sparse", \.sparse, "Add a sparse linear term per label over the TF-IDF features of its positives."),
        .number("sparse_learning_rate", \.sparseLearningRate, 0...100, "AdaGrad learning rate of the sparse term."),
        .number("sparse_l2", \.sparseL2, 0...100, "L2 penalty on the sparse term's weights."),
        .number("sparse_prune", \.sparsePrune, 0...100,
                "Sparse weights of a smaller magnitude are dropped after training."),
        .integer("sparse_max_features", \.sparseMaxFeatures, 0...100_000_000,
                 "At most this many features per label in the sparse term, the most frequent in its positives"
                 + " (0: no cap)."),
        .boolean("linear", \.linear, "Add a linear ranker: per label, a squared-hinge linear classifier over the"
                 + " TF-IDF features, trained by dual coordinate descent on the label's positives and the training rows that"
                 + " shortlist it, combined with the dense term's probability."),
        .number("linear_c", \.linearC, 1e-4...1e4, "Cost of a training instance of the linear ranker (inverse"
                + " L2 strength); a soft target's cost is scaled by its value and weight."),
        .integer("linear_iterations", \.linearIterations, 1...1000,
                 "At most this many dual coordinate descent passes per label."),
        .number("linear_prune", \.linearPrune, 0...100, "Linear ranker weights of a smaller magnitude are dropped."),
        .number("linear_weight", \.linearWeight, 0...1, "Share w of the linear ranker in the score (see"
                + " linear_combine), p_linear = exp(-max(0, 1 - margin)^3)."),
        .number("linear_weight_ramp", \.linearWeightRamp, 0...1e6, "With r > 0, a label with n training"
                + " positives gives the linear ranker the share linear_weight x n / (n + r) (0: linear_weight for"
                + " every label)."),
        .integer("linear_negatives", \.linearNegatives, 0...100_000, "Teacher shortlist labels per training"
                 + " row that serve as the linear ranker's negatives (with the other sources' candidates)."),
        .choice("linear_combine", \.linearCombine, "geometric: p = p_dense^(1 - w) x p_linear^w; mean:"
                + " p = (1 - w) x p_dense + w x p_linear (w = linear_weight, or the label's share with"
                + " linear_weight_ramp)."),
        .number("linear_soft_cost", \.linearSoftCost, 0...1, "Cost factor of LEVER's soft targets (value < 1)"
                + " in the linear ranker, beside value x weight; 0: they are neither positives nor negatives."),
    ]

    public init() {}

    /// Teacher labels kept per training text: the dense term's negatives, and the linear ranker's.
    var trainingShortlist: Int { linear ? max(shortlist, linearNegatives) : shortlist }
}
