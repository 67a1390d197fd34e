/// Unicode-aware lowercasing and tokenisation: a token is a maximal run of letters and digits
/// (Unicode alphabetic or numeric scalars), lowercased with Unicode's full lowercase mapping.
/// Tokens come out as arrays of scalar values, which is what the feature hasher consumes.
enum Tokenizer {
    static func tokens(_ text: String) -> [[UInt32]] {
        var out: [[UInt32]] = []
        var current: [UInt32] = []
        for s in text.unicodeScalars {
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
