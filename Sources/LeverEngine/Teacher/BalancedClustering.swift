/// Recursive balanced 2-means on unit vectors: split a set in two equal halves around two
/// centroids (by the difference of the two cosines), refine a few times, recurse until every
/// cluster has at most `maxSize` items. Used to put similar items in the same training batch.
enum BalancedClustering {
    static func clusters(points: [Float], dim: Int, items: [Int], maxSize: Int, rng: inout SeededRandom,
                         iterations: Int = 6) -> [[Int]] {
        var out: [[Int]] = []
        var stack = [items]
        var diff: [Float] = []
        var c1 = [Float](repeating: 0, count: dim), c2 = c1
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
                points.withUnsafeBufferPointer { p in
                    for (i, item) in set.enumerated() {
                        var s: Float = 0
                        let base = item * dim
                        for c in 0..<dim { s += p[base + c] * (c1[c] - c2[c]) }
                        diff[i] = s
                    }
                }
                let idx = (0..<set.count).sorted { diff[$0] != diff[$1] ? diff[$0] > diff[$1] : set[$0] < set[$1] }
                order = idx.map { set[$0] }
                centroid(points, dim, order[..<half], into: &c1)
                centroid(points, dim, order[half...], into: &c2)
            }
            stack.append(Array(order[half...]))
            stack.append(Array(order[..<half]))
        }
        return out
    }

    private static func centroid(_ points: [Float], _ dim: Int, _ items: ArraySlice<Int>, into c: inout [Float]) {
        for i in 0..<dim { c[i] = 0 }
        for item in items { for i in 0..<dim { c[i] += points[item * dim + i] } }
        var n: Float = 0
        for i in 0..<dim { n += c[i] * c[i] }
        n = n.squareRoot()
        if n > 0 { for i in 0..<dim { c[i] /= n } }
    }
}
