/// Recursive balanced 2-means on unit vectors: split a set in two equal halves around two
/// centroids (by the difference of the two cosines), refine a few times, recurse until every
/// cluster has at most `maxSize` items. Used to put similar items in the same training batch.
enum BalancedClustering {
    static func clusters(points: [Float], dim: Int, items: [Int], maxSize: Int, rng: inout SeededRandom,
                         iterations: Int = 6, threads: Int = 1) -> [[Int]] {
        var out: [[Int]] = []
        var stack = [items]
        var diff: [Float] = []
        var keys: [UInt64] = []
        var c1 = [Float](repeating: 0, count: dim), c2 = c1, dc = c1
        while let set = stack.popLast() {
            if set.count <= max(1, maxSize) { out.append(set); continue }
            let a = set[rng.index(set.count)]
            var b = set[rng.index(set.count)]
            if a == b { b = set[(set.firstIndex(of: a)! + 1) % set.count] }
            for c in 0..<dim { c1[c] = points[a * dim + c]; c2[c] = points[b * dim + c] }
            var order = set
            diff = [Float](repeating: 0, count: set.count)
            let half = set.count / 2
            for _ in 0..<iterations {
                for c in 0..<dim { dc[c] = c1[c] - c2[c] }
                projections(points, dim, set, onto: dc, into: &diff, threads: set.count >= 8_192 ? threads : 1)
                // By the difference of cosines, descending, ties by item id: one sort of packed keys.
                keys.removeAll(keepingCapacity: true)
                for (i, item) in set.enumerated() { keys.append(descendingKey(diff[i], item)) }
                keys.sort()
                order = keys.map { Int(UInt32(truncatingIfNeeded: $0)) }
                centroid(points, dim, order[..<half], into: &c1)
                centroid(points, dim, order[half...], into: &c2)
            }
            stack.append(Array(order[half...]))
            stack.append(Array(order[..<half]))
        }
        return out
    }

    /// A key whose ascending order is `value` descending, then `item` ascending (-0 and +0 tie); items
    /// are ids below 2^32 (rows of `points`).
    @inline(__always)
    static func descendingKey(_ value: Float, _ item: Int) -> UInt64 {
        let bits = (value + 0).bitPattern
        let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(~ascending) << 32 | UInt64(UInt32(item))
    }

    /// diff[i] = points[set[i]] . direction, each summed in coordinate order (as one sequential pass).
    private static func projections(_ points: [Float], _ dim: Int, _ set: [Int], onto direction: [Float],
                                    into diff: inout [Float], threads: Int) {
        points.withUnsafeBufferPointer { p in direction.withUnsafeBufferPointer { v in
            set.withUnsafeBufferPointer { items in diff.withUnsafeMutableBufferPointer { out in
                let pp = SendableConstPointer(p.baseAddress!), vp = SendableConstPointer(v.baseAddress!)
                let ip = SendableConstPointer(items.baseAddress!), op = SendablePointer(out.baseAddress!)
                Parallel.forEachChunk(items.count, threads: threads) { _, range in
                    let v = vp.pointer
                    var i = range.lowerBound
                    // Four items at a time: four independent sums, each still in coordinate order.
                    while i + 4 <= range.upperBound {
                        let r0 = pp.pointer + ip.pointer[i] * dim, r1 = pp.pointer + ip.pointer[i + 1] * dim
                        let r2 = pp.pointer + ip.pointer[i + 2] * dim, r3 = pp.pointer + ip.pointer[i + 3] * dim
                        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
                        for c in 0..<dim {
                            s0 += r0[c] * v[c]
                            s1 += r1[c] * v[c]
                            s2 += r2[c] * v[c]
                            s3 += r3[c] * v[c]
                        }
                        op.pointer[i] = s0
                        op.pointer[i + 1] = s1
                        op.pointer[i + 2] = s2
                        op.pointer[i + 3] = s3
                        i += 4
                    }
                    for j in i..<range.upperBound {
                        let row = pp.pointer + ip.pointer[j] * dim
                        var s: Float = 0
                        for c in 0..<dim { s += row[c] * v[c] }
                        op.pointer[j] = s
                    }
                }
            } }
        } }
    }

    /// c = the normalised sum of `items`' points (rows of `points`), each coordinate summed in item
    /// order.
    private static func centroid(_ points: [Float], _ dim: Int, _ items: ArraySlice<Int>, into c: inout [Float]) {
        precondition(c.count == dim, "a centroid has dim values")
        points.withUnsafeBufferPointer { p in items.withUnsafeBufferPointer { ids in
            c.withUnsafeMutableBufferPointer { out in
                let o = out.baseAddress!
                o.update(repeating: 0, count: dim)
                for item in ids {
                    let row = p.baseAddress! + item * dim
                    for i in 0..<dim { o[i] += row[i] }
                }
                var n: Float = 0
                for i in 0..<dim { n += o[i] * o[i] }
                n = n.squareRoot()
                if n > 0 { for i in 0..<dim { o[i] /= n } }
            }
        } }
    }
}
