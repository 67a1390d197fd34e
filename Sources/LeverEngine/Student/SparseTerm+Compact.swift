/// The compact layout of a sparse term, which the LINEAR section uses since format 6.0:
/// - each label's sorted feature ids as gaps (the first id, then the difference to the previous one,
///   at least 1), each gap in LEB128 (7 bits per byte, low bits first, the high bit set on every byte
///   but the last): mostly 2 bytes where a 32-bit id took 4;
/// - the weights as half floats, or (`int8`) as one f32 scale per label and a signed byte per entry,
///   a weight being its label's scale times its byte.
extension SparseTerm {
    /// Each label's weights rounded to signed bytes times the label's scale (its largest magnitude /
    /// 127), with the scales kept: what `encodeCompact` stores as int8. Entries that round to zero
    /// are dropped.
    func roundedToInt8() -> SparseTerm {
        var offsets = [0], features: [Int32] = [], weights: [Float] = []
        var scales = [Float](repeating: 0, count: numLabels)
        features.reserveCapacity(entries)
        weights.reserveCapacity(entries)
        for l in 0..<numLabels {
            let range = support.offsets[l]..<support.offsets[l + 1]
            let largest = self.weights[range].reduce(Float(0)) { max($0, abs($1)) }
            if largest > 0, largest.isFinite {
                let scale = largest / 127
                scales[l] = scale
                for p in range {
                    let q = Self.byte(self.weights[p], scale: scale)
                    if q != 0 { features.append(support.features[p]); weights.append(scale * Float(q)) }
                }
            }
            offsets.append(features.count)
        }
        return SparseTerm(numLabels: numLabels, offsets: offsets, features: features, weights: weights,
                          scales: scales)
    }

    @inline(__always) private static func byte(_ w: Float, scale: Float) -> Int8 {
        Int8(max(-127, min(127, (w / scale).rounded())))
    }

    /// True when the term carries one scale per label: `encodeCompact` then stores int8 weights.
    var storesInt8: Bool { scales?.count == numLabels }

    /// The compact layout: u64 label count, i64 array offsets (L + 1), u8 array of LEB128 feature
    /// gaps, then (`storesInt8`) an f32 array of L scales and an i8 array of weights, else a u16
    /// array of half-float weights.
    func encodeCompact(into w: inout ByteWriter) {
        w.u64(UInt64(numLabels))
        w.array(support.offsets.map { Int64($0) })
        var gaps: [UInt8] = []
        gaps.reserveCapacity(2 * entries)
        for l in 0..<numLabels {
            var previous: Int32 = 0
            for p in support.offsets[l]..<support.offsets[l + 1] {
                var gap = UInt32(support.features[p] - previous)
                previous = support.features[p]
                while gap >= 0x80 { gaps.append(UInt8(gap & 0x7F) | 0x80); gap >>= 7 }
                gaps.append(UInt8(gap))
            }
        }
        w.array(gaps)
        if storesInt8, let scales {
            w.array(scales)
            var bytes = [Int8](repeating: 0, count: entries)
            for l in 0..<numLabels where scales[l] > 0 {
                for p in support.offsets[l]..<support.offsets[l + 1] {
                    bytes[p] = Self.byte(weights[p], scale: scales[l])
                }
            }
            w.array(bytes)
        } else {
            w.array(roundedToHalf().weights.map { Float16($0).bitPattern })
        }
    }

    /// Decodes and validates the compact layout for `numLabels` labels over `featureCount` feature ids.
    static func decodeCompact(_ r: inout ByteReader, numLabels: Int, featureCount: Int, int8: Bool,
                              section: String) throws(LeverError) -> SparseTerm {
        let n = try r.count(max: Int(Int32.max))
        let offsets = try r.array(Int64.self).map { Int($0) }
        guard n == numLabels, offsets.count == n + 1, offsets.first == 0 else {
            throw .corrupt("model section \(section): offsets do not match the \(numLabels) labels")
        }
        for l in 0..<n where offsets[l] > offsets[l + 1] {
            throw .corrupt("model section \(section): offsets are not ordered at label \(l)")
        }
        let entries = offsets[n]
        let gaps = try r.storage(UInt8.self)
        // Every entry takes at least one byte, so the gaps bound the entries before anything is allocated.
        guard entries <= gaps.count else {
            throw .corrupt("model section \(section): \(entries) entries but \(gaps.count) bytes of feature ids")
        }
        let features = try decodeGaps(gaps, offsets: offsets, featureCount: featureCount, section: section)
        var weights: [Float], scales: [Float]?
        if int8 {
            let s = try r.floatArray()
            let bytes = try r.storage(Int8.self)
            guard s.count == n, bytes.count == entries else {
                throw .corrupt("model section \(section): \(s.count) scales and \(bytes.count) weights"
                               + " for \(n) labels and \(entries) entries")
            }
            guard s.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw .corrupt("model section \(section): a scale is negative or not finite")
            }
            // Training writes -127 ... 127; -128 would not survive a save (weights are re-rounded).
            if let p = bytes.withUnsafeBufferPointer({ b in b.firstIndex(of: -128) }) {
                throw .corrupt("model section \(section): weight \(p) is -128 (int8 weights lie in -127 ... 127)")
            }
            weights = [Float](repeating: 0, count: entries)
            for l in 0..<n {
                for p in offsets[l]..<offsets[l + 1] { weights[p] = s[l] * Float(bytes[p]) }
            }
            scales = s
        } else {
            let halves = try r.storage(UInt16.self)
            guard halves.count == entries else {
                throw .corrupt("model section \(section): \(halves.count) weights for \(entries) entries")
            }
            weights = halves.array.map { Float(Float16(bitPattern: $0)) }
            scales = nil
        }
        guard weights.allSatisfy({ $0.isFinite }) else {
            throw .corrupt("model section \(section): a weight is not finite")
        }
        return SparseTerm(numLabels: n, offsets: offsets, features: features, weights: weights, scales: scales)
    }

    /// The feature ids the LEB128 gaps give, label by label: each gap at least 1 (the first at least 0),
    /// each id below `featureCount`, no bytes left over.
    private static func decodeGaps(_ gaps: ArrayStorage<UInt8>, offsets: [Int], featureCount: Int,
                                   section: String) throws(LeverError) -> [Int32] {
        let entries = offsets.last ?? 0
        var features = [Int32](repeating: 0, count: entries)
        var at = 0
        for l in 0..<(offsets.count - 1) {
            var previous = -1
            for p in offsets[l]..<offsets[l + 1] {
                var gap = 0, shift = 0
                while true {
                    guard at < gaps.count, shift <= 28 else {
                        throw .corrupt("model section \(section): label \(l)'s feature ids end early or overflow")
                    }
                    let b = gaps[at]
                    at += 1
                    gap |= Int(b & 0x7F) << shift
                    shift += 7
                    if b & 0x80 == 0 { break }
                }
                let f = (previous < 0 ? 0 : previous) + gap
                guard f > previous, f < featureCount else {
                    throw .corrupt("model section \(section): label \(l) has an unsorted or out-of-range feature")
                }
                features[p] = Int32(f)
                previous = f
            }
        }
        guard at == gaps.count else { throw .corrupt("model section \(section): bytes left after the feature ids") }
        return features
    }
}
