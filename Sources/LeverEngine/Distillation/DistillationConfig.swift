/// Settings of LEVER's target augmentation (config section `distillation`).
public struct DistillationConfig: ConfigSection, Equatable {
    public enum Transform: String, Sendable, CaseIterable { case linear, sigmoid, calibrated }

    public var enabled = true
    public var labelRows = false
    public var similarLabels = 3
    public var similarThreshold: Float = 0.8
    public var minedRows = 100
    public var minedThreshold: Float = 0.4
    /// The default sigmoid gives 0.5 at s = 0.8 (the paper's mining threshold) and 0.12 at s = 0.6:
    /// with the hybrid-shortlist student, b = -6 cost 2.7 P@1 against the same student without LEVER on
    /// WordNet lemma, b = -8 0.1.
    public var transform = Transform.sigmoid
    public var sigmoidA: Float = 10
    public var sigmoidB: Float = -8
    public var teacherWeight: Float = 1

    public static let section = "distillation"
    public static let keys: [ConfigKey<DistillationConfig>] = [
        .boolean("enabled", \.enabled, "With method lever: train the student on the teacher-augmented targets."),
        .boolean("label_rows", \.labelRows, "Add each label text as a training row with target 1 on itself."),
        .integer("similar_labels", \.similarLabels, 0...1000,
                 "On label rows, up to this many teacher-similar labels as soft targets."),
        .number("similar_threshold", \.similarThreshold, -1...1,
                "Least teacher cosine for a similar label to become a soft target."),
        .integer("mined_rows", \.minedRows, 0...100_000, "Tail labels (rarest first) get the teacher's nearest"
                 + " training inputs as soft positives until they have this many rows (0: off)."),
        .number("mined_threshold", \.minedThreshold, -1...1, "Least teacher cosine for a mined input."),
        .choice("transform", \.transform,
                "Soft target of a teacher cosine s: s (linear), sigmoid(sigmoid_a x s + sigmoid_b), or calibrated:"
                + " a sigmoid fitted per model to how often the teacher's shortlisted labels of a training input"
                + " are its training labels."),
        .number("sigmoid_a", \.sigmoidA, -1000...1000, "Slope a of the sigmoid transform."),
        .number("sigmoid_b", \.sigmoidB, -1000...1000, "Offset b of the sigmoid transform."),
        .number("teacher_weight", \.teacherWeight, 0...100,
                "Loss weight of teacher-derived targets relative to ground truth."),
    ]

    public init() {}

    /// The soft target of cosine s; `fitted` is the calibrated transform's sigmoid (the configured one
    /// when it could not be fitted).
    func soft(_ s: Float, fitted: (a: Float, b: Float)? = nil) -> Float {
        switch transform {
        case .linear: return max(0, min(1, s))
        case .sigmoid: return 1 / (1 + expf(-(sigmoidA * s + sigmoidB)))
        case .calibrated:
            let (a, b) = fitted ?? (sigmoidA, sigmoidB)
            return 1 / (1 + expf(-(a * s + b)))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
