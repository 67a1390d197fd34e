import LeverEngine
#if canImport(Glibc)
import Glibc
#endif

/// Renders engine progress on stderr: one updating line on a terminal, plain log lines otherwise.
enum ProgressRenderer {
    static func make(quiet: Bool) -> Progress {
        if quiet { return Progress(nil) }
        let tty = isatty(2) != 0
        var lastLine = 0.0
        let start = Clock.now()
        let p = Progress { stage, fraction, message in
            let pct = NumberFormat.fixed(fraction * 100, 0)
            let elapsed = NumberFormat.fixed(Clock.now() - start, 1)
            if tty {
                writeStderr("\r\u{1B}[2K[\(elapsed)s] \(stage) \(pct)% \(message)")
                if fraction >= 1 { writeStderr("\n") }
            } else if fraction == 0 || fraction >= 1 || Clock.now() - lastLine >= 5 {
                writeStderr("[\(elapsed)s] \(stage) \(pct)% \(message)\n")
                lastLine = Clock.now()
            }
            return true
        }
        return p
    }
}
