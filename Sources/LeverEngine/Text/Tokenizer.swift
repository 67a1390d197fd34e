/// Unicode-aware lowercasing and tokenisation: a token is a maximal run of letters and digits
/// (Unicode alphabetic or numeric scalars), lowercased with Unicode's full lowercase mapping.
/// Tokens come out as arrays of scalar values, which is what the feature hasher consumes.
/// Only the first `maxTextBytes` bytes of a text are tokenised (LEVER_MAX_TEXT_BYTES in lever.h), so
/// the memory and time spent on one text are bounded whatever its length.
enum Tokenizer {
    static let maxTextBytes = 1 << 16

    /// The part of `text` that is featurised: its first `maxTextBytes` UTF-8 bytes, cut back to a
    /// character (scalar) boundary.
    static func featurised(_ text: String) -> Substring.UnicodeScalarView {
        let utf8 = text.utf8
        guard utf8.count > maxTextBytes else { return text.unicodeScalars[...] }
        var end = utf8.index(utf8.startIndex, offsetBy: maxTextBytes)
        while end > utf8.startIndex && UTF8.isContinuation(utf8[end]) { end = utf8.index(before: end) }
        return text.unicodeScalars[..<end]
    }

    static func tokens(_ text: String) -> [[UInt32]] {
        var out: [[UInt32]] = []
        var current: [UInt32] = []
        for s in featurised(text) {
            let v = s.value
            if v < 128 {
                if (v >= 97 && v <= 122) || (v >= 48 && v <= 57) { current.append(v); continue }
                if v >= 65 && v <= 90 { current.append(v + 32); continue }
            } else if s.properties.isAlphabetic || s.properties.numericType != nil {
                if s.properties.changesWhenLowercased {
                    for l in s.properties.lowercaseMapping.unicodeScalars { current.append(l.value) }
                } else {
                    current.append(v)
                }
                continue
            }
            if !current.isEmpty { out.append(current); current.removeAll(keepingCapacity: true) }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
