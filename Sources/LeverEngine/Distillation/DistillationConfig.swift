/// Settings of LEVER's target augmentation (config section `distillation`).
public struct DistillationConfig: Sendable, Equatable {
    public enum Transform: String, Sendable, CaseIterable { case linear, sigmoid }

    public var enabled = true
    /// Add each label text as a training row with target 1 on itself.
    public var labelRows = false
    /// On those rows, up to this many teacher-similar labels as soft targets (m - 1).
    public var similarLabels = 3
    public var similarThreshold: Float = 0.8
    /// Teacher-mined inputs: tail labels (rarest first) get the teacher's nearest training inputs as
    /// soft positives until they have this many rows (0 disables).
    public var minedRows = 100
    public var minedThreshold: Float = 0.4
    /// Soft value of a teacher similarity s: s (linear) or sigmoid(a s + b). The default gives 0.5 at
    /// s = 0.8 (the paper's mining threshold) and 0.12 at s = 0.6: with the hybrid-shortlist student,
    /// b = -6 cost 2.7 P@1 against the same student without LEVER on WordNet lemma, b = -8 0.1.
    public var transform = Transform.sigmoid
    public var sigmoidA: Float = 10
    public var sigmoidB: Float = -8
    /// Loss weight of teacher-derived targets relative to ground truth.
    public var teacherWeight: Float = 1

    public init() {}

    init(_ r: ConfigReader) throws(LeverError) {
        enabled = try r.bool("distillation.enabled")
        labelRows = try r.bool("distillation.label_rows")
        similarLabels = try r.int("distillation.similar_labels", in: 0...1000)
        similarThreshold = Float(try r.double("distillation.similar_threshold", in: -1...1))
        minedRows = try r.int("distillation.mined_rows", in: 0...100_000)
        minedThreshold = Float(try r.double("distillation.mined_threshold", in: -1...1))
        transform = try r.choice("distillation.transform", Transform.self)
        sigmoidA = Float(try r.double("distillation.sigmoid_a", in: -1000...1000))
        sigmoidB = Float(try r.double("distillation.sigmoid_b", in: -1000...1000))
        teacherWeight = Float(try r.double("distillation.teacher_weight", in: 0...100))
    }

    func soft(_ s: Float) -> Float {
        switch transform {
        case .linear: return max(0, min(1, s))
        case .sigmoid: return 1 / (1 + expf(-(sigmoidA * s + sigmoidB)))
        }
    }

    static let defaultsJSON: JSONValue = {
        let c = DistillationConfig()
        return .object(JSONObject([
            ("enabled", .bool(c.enabled)), ("label_rows", .bool(c.labelRows)), ("similar_labels", .int(Int64(c.similarLabels))),
            ("similar_threshold", .float(c.similarThreshold)), ("mined_rows", .int(Int64(c.minedRows))),
            ("mined_threshold", .float(c.minedThreshold)), ("transform", .string(c.transform.rawValue)),
            ("sigmoid_a", .float(c.sigmoidA)), ("sigmoid_b", .float(c.sigmoidB)),
            ("teacher_weight", .float(c.teacherWeight)),
        ]))
    }()
}

#if canImport(Glibc)
import Glibc
#endif
