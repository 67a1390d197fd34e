import ArgumentParser
import LeverEngine
import LeverTools
#if canImport(Glibc)
import Glibc
#endif

@main
struct Lever: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lever",
        abstract: "Extreme classification with LEVER: train, predict and evaluate from a JSON run config.",
        version: LeverModel.version,
        subcommands: [Train.self, Predict.self, Eval.self, DataCommand.self, ConfigCommand.self, Bench.self,
                      LabelsCommand.self]
    )

    static func main() {
        BLASEnvironment.restartIfNeeded()
        main(attachingNegativeNumbers(Array(CommandLine.arguments.dropFirst())))
    }
}

/// The argument parser reads "-1" after "--k" as an option and reports "Missing value"; every
/// negative number ("-1", "-0.5", "-inf", "-nan") is attached to the option it follows
/// ("--k=-1"), so `validate()` can say what is wrong with the value.
func attachingNegativeNumbers(_ args: [String]) -> [String] {
    func isNegativeNumber(_ s: String) -> Bool {
        guard s.hasPrefix("-"), s.count > 1 else { return false }
        let rest = s.dropFirst()
        if let c = rest.first, c.isNumber || c == "." { return true }
        return ["inf", "infinity", "nan"].contains(rest.lowercased())
    }
    var out: [String] = []
    var option: String?
    for a in args {
        if a == "--" { option = nil; out.append(a); continue }
        if isNegativeNumber(a), let o = option {
            if out.last == o { out.removeLast() }
            out.append("\(o)=\(a)")
            continue
        }
        if a.hasPrefix("--") && !a.contains("=") { option = a } else if a.hasPrefix("--") { option = nil }
        out.append(a)
    }
    return out
}

/// Runs engine work, turning a LeverError into a message on stderr and a non-zero exit.
func runEngine(_ body: () throws(LeverError) -> Void) throws {
    do {
        try body()
    } catch {
        var err = StandardError()
        print("lever: error: \(error.message)", to: &err)
        throw ExitCode(error.status.rawValue)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ s: String) { writeStderr(s) }
}

/// Writes straight to file descriptor 2 (unbuffered, no shared FILE state).
func writeStderr(_ s: String) {
    var bytes = Array(s.utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + done, $0.count - done) }
        if n <= 0 { return }
        done += n
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train from a JSON run config, predict and evaluate its test split, write model, predictions and report.")

    @Option(name: .long, help: "The run config (JSON). Relative paths in it resolve against its folder.")
    var config: String

    @Flag(name: .long, help: "Print no progress.")
    var quiet = false

    func run() throws {
        try runEngine { () throws(LeverError) in
            let cfg = try RunConfig.load(path: config)
            BLASEnvironment.setThreads(cfg.threads)  // OpenBLAS on the config's threads, as a Dask worker runs it
            let outcome = try Run.execute(cfg, progress: ProgressRenderer.make(quiet: quiet))
            print(outcome.summary, terminator: "")
        }
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Score new texts (one per line) with a saved model.")

    @Option(name: .long, help: "A model file written by `lever train`.")
    var model: String
    @Option(name: .long, help: "Input texts, one per line (- for standard input).")
    var input: String
    @Option(name: .long, help: "How many labels to write per text.")
    var k: Int = 5
    @Option(name: .long, help: "Where to write the predictions (XC sparse format, best first; - for standard output).")
    var out: String
    @Option(name: .long, help: "Worker threads (0 = all cores).")
    var threads: Int = 0
    @Flag(name: .long, help: "Print no progress.")
    var quiet = false

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1 (got \(k))") }
        guard threads >= 0 else { throw ValidationError("--threads must be >= 0 (got \(threads))") }
    }

    func run() throws {
        try runEngine { () throws(LeverError) in
            let m = try LeverModel.load(from: model)
            BLASEnvironment.setThreads(threads)
            let texts = try StandardStreams.readTexts(input)
            let t0 = Clock.now()
            let preds = try m.predict(texts, k: k, threads: threads == 0 ? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) : threads,
                                      progress: ProgressRenderer.make(quiet: quiet))
            let secs = Clock.now() - t0
            try StandardStreams.write(out) { (sink) throws(LeverError) in
                try PredictionFile.write(to: sink, numLabels: m.numLabels, rows: preds)
            }
            let summary = "predicted \(texts.count) texts in \(NumberFormat.fixed(secs, 2)) s"
            if out == StandardStreams.dash { writeStderr(summary + "\n") } else { print("\(summary); wrote \(out)") }
        }
    }
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a prediction file against a dataset's test split: P@k, nDCG@k, PSP@k, PSnDCG@k, coverage@k, recall@k.")

    @Option(name: .long, help: "The dataset folder (trn_X_Y.txt, tst_X.txt, tst_X_Y.txt, Y.txt, optional tst_filter_labels.txt).")
    var data: String
    @Option(name: .long, help: "Predictions in XC sparse format, one row per test row (- for standard input).")
    var pred: String
    @Option(name: .long, parsing: .upToNextOption, help: "Cut-offs, e.g. --k 1 3 5.")
    var k: [Int] = [1, 3, 5]
    @Option(name: .long, help: "Write the metrics as JSON here (- for standard output; the table then goes to stderr).")
    var json: String?
    @Option(name: .long, help: "Propensity parameter A.")
    var propensityA: Double = 0.55
    @Option(name: .long, help: "Propensity parameter B.")
    var propensityB: Double = 1.5
    @Option(name: .long, help: "Head band: labels with at least this many training rows.")
    var headMinCount: Int = 51
    @Option(name: .long, help: "Tail band: labels with at most this many training rows.")
    var tailMaxCount: Int = 5
    @Flag(name: .long, help: "Ignore tst_filter_labels.txt.")
    var noFilter = false

    func validate() throws {
        if let bad = k.first(where: { $0 < 1 }) { throw ValidationError("--k must be at least 1 (got \(bad))") }
        let (ra, rb) = (EvaluationConfig.propensityARange, EvaluationConfig.propensityBRange)
        guard propensityA.isFinite, ra.contains(propensityA) else {
            throw ValidationError("--propensity-a must be a finite number in \(ra.lowerBound)...\(ra.upperBound)"
                                  + " (got \(propensityA))")
        }
        guard propensityB.isFinite, rb.contains(propensityB) else {
            throw ValidationError("--propensity-b must be a finite number in \(rb.lowerBound)...\(rb.upperBound)"
                                  + " (got \(propensityB))")
        }
        guard headMinCount >= 1, tailMaxCount >= 0, tailMaxCount < headMinCount else {
            throw ValidationError("need 0 <= --tail-max-count < --head-min-count"
                                  + " (got \(tailMaxCount), \(headMinCount))")
        }
    }

    func run() throws {
        try runEngine { () throws(LeverError) in
            let config = EvaluationConfig(ks: k, propensityA: propensityA, propensityB: propensityB,
                                          headMinCount: headMinCount, tailMaxCount: tailMaxCount)
            var paths = DatasetPaths(dir: data)
            if noFilter { paths.testFilter = nil }
            let result = pred == StandardStreams.dash
                ? try EvaluationRun.evaluate(paths: paths, predictions: StandardStreams.input(), config: config)
                : try EvaluationRun.evaluateFile(paths: paths, predictions: pred, config: config)
            let table = MetricsReport.table(result, title: pred == StandardStreams.dash ? "standard input" : pred)
            if json == StandardStreams.dash { writeStderr(table) } else { print(table, terminator: "") }
            if let json { try ReportFile.write(json, MetricsReport.json(result)) }
        }
    }
}

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "data", abstract: "Build datasets from public sources.",
                                                    subcommands: [WordNet.self, Synthetic.self])

    struct WordNet: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wordnet",
            abstract: "Build the WordNet taxonomy-completion dataset (noun synsets -> ancestors within 3 hops).")

        @Option(name: .long, help: "Output folder.")
        var out: String
        @Flag(name: .long, help: "Append each synset's gloss to its input text.")
        var gloss = false
        @Option(name: .long, help: "Seed of the train/test split.")
        var seed: UInt64 = 1
        @Option(name: .long, help: "Folder holding WordNet's data.noun.")
        var wordnetDir = "/usr/share/wordnet"

        func run() throws {
            try runEngine { () throws(LeverError) in
                var o = WordNetDataset.Options()
                o.gloss = gloss
                o.seed = seed
                o.wordnetDir = wordnetDir
                try timedBuild(out) { () throws(LeverError) in
                    try WordNetDataset.build(options: o, outDir: out).description
                }
            }
        }
    }
}

/// Runs a dataset builder, then prints its statistics and the time it took.
func timedBuild(_ out: String, _ build: () throws(LeverError) -> String) throws(LeverError) {
    let t0 = Clock.now()
    print(try build())
    print("wrote \(out) in \(NumberFormat.fixed(Clock.now() - t0, 1)) s")
}

extension DataCommand {
    struct Synthetic: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synthetic",
            abstract: "Build a synthetic XC set of any size from WordNet words, for scale measurements.",
            discussion: "Zipf label popularity (most labels with <= 5 training rows), 1-4 labels per row, texts "
                + "from each label's name and topic words plus noise. Same options and seed, same files.")

        @Option(name: .long, help: "Output folder.")
        var out: String
        @Option(name: .long, help: "Number of labels.")
        var labels = 131_072
        @Option(name: .long, help: "Number of training rows.")
        var rows = 262_144
        @Option(name: .long, help: "Number of test rows (0: a quarter of the training rows).")
        var testRows = 0
        @Option(name: .long, help: "Zipf exponent of label popularity.")
        var zipf = 1.0
        @Option(name: .long, help: "Seed.")
        var seed: UInt64 = 1
        @Option(name: .long, help: "Folder holding WordNet's data.noun.")
        var wordnetDir = "/usr/share/wordnet"

        func run() throws {
            try runEngine { () throws(LeverError) in
                var o = SyntheticDataset.Options()
                o.labels = labels
                o.trainRows = rows
                o.testRows = testRows
                o.zipf = zipf
                o.seed = seed
                o.wordnetDir = wordnetDir
                try timedBuild(out) { () throws(LeverError) in
                    try SyntheticDataset.build(options: o, outDir: out).description
                }
            }
        }
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Show or check run configs.")

    @Flag(name: .long, help: "Print the default config (every key, with its default).")
    var defaults = false
    @Flag(name: .long, help: "With --defaults: list each key with its default, allowed values and description.")
    var explain = false
    @Option(name: .long, help: "Check a config file (every problem is reported) and print it merged with the defaults.")
    var check: String?

    func validate() throws {
        if defaults == (check != nil) { throw ValidationError("give exactly one of --defaults or --check FILE") }
        if explain && !defaults { throw ValidationError("--explain goes with --defaults") }
    }

    func run() throws {
        try runEngine { () throws(LeverError) in
            if defaults && explain { print(RunConfig.explanation, terminator: "") }
            if defaults && !explain { print(RunConfig.defaults.serialized()) }
            if let check { print(try RunConfig.load(path: check).document.serialized()) }
        }
    }
}

func sysconfCores() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
