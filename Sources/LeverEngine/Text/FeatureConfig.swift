/// Settings of the text featuriser (config section `features`).
public struct FeatureConfig: ConfigSection, Equatable {
    public var hashBits = 20
    public var wordNgramMax = 2
    public var charNgramMin = 3
    public var charNgramMax = 5
    /// 0.5: a text has about three times as many character n-grams as word n-grams, so at weight 1 the
    /// words hold a small share of the unit vector. On held-out slices of the training data
    /// (benchmarks/holdout_split.py) 0.5 against 1 gave P@1 +0.9 / +1.6 / -0.2 and coverage@5
    /// +1.3 / +0.1 / +0.9 on WordNet lemma / gloss / Debtags (see the issue 8 closing note).
    public var charWeight: Float = 0.5
    public var sublinearTf = true

    public static let section = "features"
    /// The largest `hash_bits`.
    static let maxHashBits = 26
    public static let keys: [ConfigKey<FeatureConfig>] = [
        .integer("hash_bits", \.hashBits, 8...maxHashBits,
                 "Features are hashed into 2^hash_bits buckets (the width of the TF-IDF vectors)."),
        .integer("word_ngram_max", \.wordNgramMax, 1...3, "Word n-grams of length 1 up to this are features."),
        .integer("char_ngram_min", \.charNgramMin, 0...8,
                 "Shortest character n-gram inside word boundaries (0, with char_ngram_max 0: none)."),
        .integer("char_ngram_max", \.charNgramMax, 0...8, "Longest character n-gram inside word boundaries."),
        .number("char_weight", \.charWeight, 0...100,
                "Weight of character n-gram features relative to word features."),
        .boolean("sublinear_tf", \.sublinearTf, "Term frequency as 1 + ln(count) instead of the count."),
    ]

    public init() {}

    public init(hashBits: Int = 20, wordNgramMax: Int = 2, charNgramMin: Int = 3, charNgramMax: Int = 5,
                charWeight: Float = 0.5, sublinearTf: Bool = true) {
        self.hashBits = hashBits
        self.wordNgramMax = wordNgramMax
        self.charNgramMin = charNgramMin
        self.charNgramMax = charNgramMax
        self.charWeight = charWeight
        self.sublinearTf = sublinearTf
    }

    public var relationProblems: [ConfigProblem] {
        guard (charNgramMin == 0) != (charNgramMax == 0) || charNgramMin > charNgramMax else { return [] }
        return [ConfigProblem(key: "features.char_ngram_min", message:
            "\"features.char_ngram_min\" (\(charNgramMin)) and \"features.char_ngram_max\" (\(charNgramMax)) must both"
            + " be 0 (no character n-grams) or satisfy 1 <= min <= max")]
    }
}
