/// A small, fast, seedable generator (SplitMix64). Identical sequences on every platform, unlike
/// the system generator, so seeded runs are reproducible.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in 0..<n (n > 0).
    public mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// A uniform Float in [0, 1).
    public mutating func unitFloat() -> Float { Float(next() >> 40) * (1.0 / Float(1 << 24)) }

    /// Fisher–Yates shuffle with this generator.
    public mutating func shuffle<T>(_ a: inout [T]) {
        if a.count < 2 { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, index(i + 1))
        }
    }
}
