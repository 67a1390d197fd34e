/// The run config's top-level keys: what to train, whether to compare, threads and seed.
public struct RunSettings: ConfigSection, Equatable {
    public var method = Method.lever
    public var compare = false
    public var threads = 0
    public var seed = 1

    public static let section = ""
    public static let keys: [ConfigKey<RunSettings>] = [
        .choice("method", \.method, "What to train: knn (TF-IDF nearest neighbours), teacher (the dual encoder),"
                + " ova (the student without LEVER) or lever (the student with LEVER's teacher targets)."),
        .boolean("compare", \.compare, "With method lever: also train and report the teacher and the student"
                 + " without LEVER, and chart PSP by band for the three."),
        .integer("threads", \.threads, 0...1024, "Worker threads for training and prediction (0: one per core)."),
        .integer("seed", \.seed, 0...Int(Int64.max),
                 "Seed of every random choice in training (same seed, same model)."),
    ]

    public init() {}
}
