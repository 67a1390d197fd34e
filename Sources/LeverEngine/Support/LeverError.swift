/// The engine's one error type. Its status maps one-to-one onto `lever_status` in include/lever.h;
/// its message names the argument, file, line or config key at fault.
public enum LeverStatus: Int32, Sendable {
    case invalidArgument = 1
    case io = 2
    case data = 3
    case config = 4
    case notAModel = 5
    case version = 6
    case corrupt = 7
    case cancelled = 8
    case noMemory = 9
    case `internal` = 10
}

public struct LeverError: Error, CustomStringConvertible, Sendable {
    public let status: LeverStatus
    public let message: String

    public init(_ status: LeverStatus, _ message: String) {
        self.status = status
        // User data quoted in a message must not cut it short in C or drive a terminal.
        self.message = Messages.escaped(message)
    }

    /// A message of several lines (e.g. one per config problem), each escaped on its own.
    public init(_ status: LeverStatus, lines: [String]) {
        self.status = status
        self.message = lines.map(Messages.escaped).joined(separator: "\n")
    }

    public var description: String { message }

    public static func invalidArgument(_ m: String) -> LeverError { LeverError(.invalidArgument, m) }
    public static func io(_ m: String) -> LeverError { LeverError(.io, m) }
    public static func data(_ m: String) -> LeverError { LeverError(.data, m) }
    public static func config(_ m: String) -> LeverError { LeverError(.config, m) }
    public static func corrupt(_ m: String) -> LeverError { LeverError(.corrupt, m) }
}

/// Runs a rethrowing standard-library call whose closure throws LeverError and keeps the error's
/// type (the library's `rethrows` would widen it to `any Error`).
func typed<R>(_ body: () throws -> R) throws(LeverError) -> R {
    do { return try body() } catch let e as LeverError { throw e } catch {
        throw LeverError(.internal, "unexpected error: \(error)")
    }
}
