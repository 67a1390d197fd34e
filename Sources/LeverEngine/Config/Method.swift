/// What `lever train` builds: the config's "method", parsed once by `RunConfig`. Stages ask it what
/// to do instead of comparing method names.
public enum Method: String, CaseIterable, Sendable {
    /// TF-IDF k-nearest-neighbour baseline.
    case knn
    /// The tail-robust dual encoder alone.
    case teacher
    /// The OvA student over the teacher, without LEVER's augmented targets.
    case ova
    /// The OvA student with LEVER (augmented soft targets from the teacher).
    case lever

    /// Trains the OvA student on top of a teacher (trained, or reused through `teacher.load`).
    public var trainsStudent: Bool { self == .ova || self == .lever }

    /// Trains the student with LEVER's distillation (when `distillation.enabled`); with `compare`,
    /// the teacher and the student without LEVER are trained beside it.
    public var distills: Bool { self == .lever }

    /// The method a model of this training records in its file (`ova` students are saved as "lever").
    public var modelMethod: String { scorerKind.rawValue }

    /// The scorer a model of this training holds.
    var scorerKind: ScorerKind {
        switch self {
        case .knn: return .knn
        case .teacher: return .teacher
        case .ova, .lever: return .lever
        }
    }
}
