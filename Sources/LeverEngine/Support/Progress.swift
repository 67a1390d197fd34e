#if canImport(Glibc)
import Glibc
#endif

/// The one progress mechanism of the engine. Long stages report (stage, done, total); the reporter
/// adds rate and ETA, throttles, forwards to a sink (the CLI renderer, a C callback, Python), and
/// turns a sink's request to stop into `LeverError(.cancelled)`. Call it from the thread that
/// drives the work (between parallel batches), never from worker threads.
public final class Progress {
    public typealias Sink = (_ stage: String, _ fraction: Double, _ message: String) -> Bool

    private let sink: Sink?
    private var stage = ""
    private var stageStart = 0.0
    private var lastReport = -1.0
    /// Minimum seconds between two reports of the same stage (the first and last always go out).
    public var interval = 0.25

    public init(_ sink: Sink? = nil) { self.sink = sink }

    /// A reporter that reports nothing (a new one each time: reporters hold per-run state).
    public static var silent: Progress { Progress(nil) }

    /// A reporter to the same sink whose stage names start with `prefix`: for work that repeats a
    /// stage for another purpose (the run report's searches), so its lines are not taken for the first.
    public func prefixed(_ prefix: String) -> Progress {
        let copy = Progress(sink.map { sink in { stage, fraction, message in sink(prefix + stage, fraction, message) } })
        copy.interval = interval
        return copy
    }

    /// Starts a stage (reports fraction 0). Messages are built only for a sink: a single text's
    /// prediction passes through several stages, and formatting for no one cost microseconds.
    public func begin(_ stage: String, _ message: @autoclosure () -> String = "") throws(LeverError) {
        self.stage = stage
        stageStart = Clock.now()
        lastReport = -1
        guard sink != nil else { return }
        let text = message()
        try send(0, text.isEmpty ? "started" : text)
    }

    /// Reports `done` of `total` units, with rate and ETA. `unit` names what is counted.
    public func update(_ done: Int, of total: Int, unit: String = "items", extra: String = "") throws(LeverError) {
        guard sink != nil else { return }
        let now = Clock.now()
        let finished = done >= total
        if !finished && now - lastReport < interval { return }
        let elapsed = max(now - stageStart, 1e-9)
        let rate = Double(done) / elapsed
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        var message = "\(done)/\(total) \(unit), \(NumberFormat.fixed(rate, rate < 10 ? 2 : 0)) \(unit)/s"
        if !finished && rate > 0 { message += ", ETA \(Clock.describe(Double(total - done) / rate))" }
        else { message += ", \(Clock.describe(elapsed))" }
        if !extra.isEmpty { message += ", " + extra }
        try send(fraction, message)
    }

    /// Ends a stage (reports fraction 1).
    public func end(_ message: String = "") throws(LeverError) {
        guard sink != nil else { return }
        let elapsed = Clock.now() - stageStart
        try send(1, message.isEmpty ? "done in \(Clock.describe(elapsed))" : message)
    }

    private func send(_ fraction: Double, _ message: String) throws(LeverError) {
        lastReport = Clock.now()
        guard let sink else { return }
        if !sink(stage, fraction, message) {
            throw LeverError(.cancelled, "cancelled by the progress callback during stage \"\(stage)\"")
        }
    }
}

/// Monotonic wall-clock seconds.
public enum Clock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func describe(_ seconds: Double) -> String {
        if seconds < 60 { return NumberFormat.fixed(seconds, 1) + "s" }
        let s = Int(seconds.rounded())
        if s < 3600 { return "\(s / 60)m\(s % 60)s" }
        return "\(s / 3600)h\((s % 3600) / 60)m"
    }
}
