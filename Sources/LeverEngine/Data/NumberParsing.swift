/// Locale-independent parsing of the decimal numbers found in XC sparse files. Rejects NaN and
/// infinity spellings; accepts an optional sign, digits, a fraction and an exponent.
enum NumberParsing {
    /// Parses a non-negative integer from `bytes[i...]`, advancing `i`. Returns nil if no digit.
    @inline(__always)
    static func parseInt(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int? {
        var value = 0
        let start = i
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(bytes[i] - 48))
            if o1 || o2 { return nil }
            value = a
            i += 1
        }
        return i > start ? value : nil
    }

    /// Parses a decimal number from `bytes[i...]`, advancing `i`. Returns nil if malformed.
    static func parseDouble(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Double? {
        var negative = false
        if i < bytes.count && (bytes[i] == 45 || bytes[i] == 43) { negative = bytes[i] == 45; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
            sawDigit = true
            if digits < 19 { mantissa = mantissa * 10 + UInt64(bytes[i] - 48); if mantissa > 0 { digits += 1 } }
            else { exponent += 1 }
            i += 1
        }
        if i < bytes.count && bytes[i] == 46 {
            i += 1
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                sawDigit = true
                if digits < 19 { mantissa = mantissa * 10 + UInt64(bytes[i] - 48); if mantissa > 0 { digits += 1 }; exponent -= 1 }
                i += 1
            }
        }
        if !sawDigit { return nil }
        if i < bytes.count && (bytes[i] == 101 || bytes[i] == 69) {
            i += 1
            var expNegative = false
            if i < bytes.count && (bytes[i] == 45 || bytes[i] == 43) { expNegative = bytes[i] == 45; i += 1 }
            guard let e = parseInt(bytes, &i), e < 100_000 else { return nil }
            exponent += expNegative ? -e : e
        }
        var value = Double(mantissa)
        if exponent != 0 && mantissa != 0 {
            if exponent < -340 { value = 0 }
            else if exponent > 310 { return nil }
            else if exponent > 0 { value *= pow10(exponent) }
            else { value /= pow10(-exponent) }
        }
        if !value.isFinite { return nil }
        return negative ? -value : value
    }

    private static func pow10(_ e: Int) -> Double {
        var result = 1.0
        var base = 10.0
        var n = e
        while n > 0 {
            if n & 1 == 1 { result *= base }
            base *= base
            n >>= 1
        }
        return result
    }
}

/// Locale-independent fixed-point formatting (no printf, no Foundation).
public enum NumberFormat {
    public static func fixed(_ x: Double, _ digits: Int) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let negative = x < 0
        let scaled = (abs(x) * scale).rounded()
        if scaled >= 9.0e18 { return x.description }
        let n = UInt64(scaled)
        let intPart = n / UInt64(scale)
        var frac = String(n % UInt64(scale))
        while frac.count < digits { frac = "0" + frac }
        let sign = (negative && n != 0) ? "-" : ""
        return digits > 0 ? "\(sign)\(intPart).\(frac)" : "\(sign)\(intPart)"
    }

    /// Shortest round-trip text of a Float score, as written in prediction files.
    public static func score(_ x: Float) -> String {
        x.description
    }
}
