// Argument helpers shared by the C entry points that take arrays: counts that arrive as size_t and
// arrays of C strings.

/// A size_t count, refused when it is negative as a signed value (SIZE_MAX, a negative int cast) or
/// larger than `limit`.
func count(_ n: Int, _ name: String, limit: Int = Int.max / 16) throws(LeverError) -> Int {
    guard n >= 0, n <= limit else {
        throw .invalidArgument("\(name) = \(UInt(bitPattern: n)) is too large")
    }
    return n
}

/// `n` C strings, each non-NULL valid UTF-8; messages name the element ("texts[3] is not valid UTF-8").
func cStringArray(_ p: UnsafePointer<UnsafePointer<CChar>?>?, _ n: Int, _ name: String) throws(LeverError) -> [String] {
    if n == 0 { return [] }
    guard let p else { throw .invalidArgument("\(name) is NULL") }
    let (bytes, overflow) = n.multipliedReportingOverflow(by: MemoryLayout<String>.stride)
    guard n > 0, !overflow else { throw .invalidArgument("\(name): \(UInt(bitPattern: n)) strings is too many") }
    try Memory.check(bytes, "\(name): \(n) strings")
    var out: [String] = []
    out.reserveCapacity(n)
    for i in 0..<n { out.append(try cString(p[i], "\(name)[\(i)]")) }
    return out
}
