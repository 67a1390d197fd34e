/// Settings of the text featuriser (config section `features`).
public struct FeatureConfig: Sendable, Equatable {
    /// Features are hashed into 2^hashBits buckets.
    public var hashBits: Int
    /// Word n-grams of length 1...wordNgramMax.
    public var wordNgramMax: Int
    /// Character n-grams of length charNgramMin...charNgramMax inside word boundaries; 0 disables.
    public var charNgramMin: Int
    public var charNgramMax: Int
    /// Weight of character n-gram features relative to word features.
    public var charWeight: Float
    /// Term frequency as 1 + ln(count) instead of count.
    public var sublinearTf: Bool

    public init(hashBits: Int = 20, wordNgramMax: Int = 2, charNgramMin: Int = 3, charNgramMax: Int = 5,
                charWeight: Float = 1, sublinearTf: Bool = true) {
        self.hashBits = hashBits
        self.wordNgramMax = wordNgramMax
        self.charNgramMin = charNgramMin
        self.charNgramMax = charNgramMax
        self.charWeight = charWeight
        self.sublinearTf = sublinearTf
    }

    init(_ r: ConfigReader) throws(LeverError) {
        hashBits = try r.int("features.hash_bits", in: 8...26)
        wordNgramMax = try r.int("features.word_ngram_max", in: 1...3)
        charNgramMin = try r.int("features.char_ngram_min", in: 0...8)
        charNgramMax = try r.int("features.char_ngram_max", in: 0...8)
        charWeight = Float(try r.double("features.char_weight", in: 0...100))
        sublinearTf = try r.bool("features.sublinear_tf")
        if (charNgramMin == 0) != (charNgramMax == 0) || charNgramMin > charNgramMax {
            throw .config("\(r.source): \"features.char_ngram_min\" (\(charNgramMin)) and \"features.char_ngram_max\" (\(charNgramMax)) must both be 0 (no character n-grams) or satisfy 1 <= min <= max")
        }
    }

    static let defaultsJSON: JSONValue = {
        let c = FeatureConfig()
        return .object(JSONObject([
            ("hash_bits", .int(Int64(c.hashBits))), ("word_ngram_max", .int(Int64(c.wordNgramMax))),
            ("char_ngram_min", .int(Int64(c.charNgramMin))), ("char_ngram_max", .int(Int64(c.charNgramMax))),
            ("char_weight", .float(c.charWeight)), ("sublinear_tf", .bool(c.sublinearTf)),
        ]))
    }()
}
