/// Config section `distributed`: how the `lever.distributed` driver (Python, Dask) splits a run. The
/// engine trains the same model with or without it; single-process training ignores the section, so
/// one config file serves both.
public struct DistributedConfig: ConfigSection, Equatable {
    public var shards = 0
    public var scheduler = ""
    public var workDir = ""
    public var retries = 2

    public static let section = "distributed"
    public static let keys: [ConfigKey<DistributedConfig>] = [
        .integer("shards", \.shards, 0...65_536, "Label shards of the linear ranker, each one task"
                 + " (0: four per worker)."),
        .string("scheduler", \.scheduler, "Address of a running Dask scheduler (e.g. tcp://host:8786);"
                + " empty: a local cluster of worker processes on this machine."),
        .string("work_dir", \.workDir, "Folder of the run's work and shard files, on storage every worker"
                + " reads and writes at the same path (empty: beside the output model, `<model>.work`)."),
        .integer("retries", \.retries, 0...100, "Times a failed task is run again (a lost worker's task is"
                 + " rescheduled by Dask in any case)."),
    ]

    public init() {}
}
