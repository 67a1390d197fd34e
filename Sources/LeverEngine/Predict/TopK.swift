/// Keeps the k best (index, score) pairs seen so far: higher score first, lower index first among
/// equal scores, so results do not depend on the order candidates arrive in.
struct TopK {
    let k: Int
    private(set) var heap: [(index: Int32, score: Float)] = []

    init(_ k: Int) {
        self.k = k
        heap.reserveCapacity(k)
    }

    /// True when `a` ranks below `b`.
    @inline(__always) private static func worse(_ a: (index: Int32, score: Float), _ b: (index: Int32, score: Float)) -> Bool {
        a.score < b.score || (a.score == b.score && a.index > b.index)
    }

    /// The lowest score a candidate needs to be considered (`admits` in one comparison, for a caller
    /// that keeps it in a local while scanning): -infinity until the list is full.
    var floor: Float {
        if k == 0 { return .infinity }
        return heap.count < k ? -.infinity : heap[0].score
    }

    /// Would a candidate with this score enter the list? A cheap pre-check for hot loops.
    @inline(__always) func admits(_ score: Float) -> Bool {
        heap.count < k || (k > 0 && score >= heap[0].score)
    }

    /// Adds a candidate, dropping the worst when the list is full. The sifts move a hole instead of
    /// swapping (the same moves, so the same heap), over the buffer without per-access checks: this
    /// runs once per candidate that passes `floor` in every top-k scan.
    mutating func push(_ index: Int32, _ score: Float) {
        let item = (index: index, score: score)
        if heap.count < k {
            heap.append(item)
            heap.withUnsafeMutableBufferPointer { h in
                var c = h.count - 1
                while c > 0 {
                    let p = (c - 1) / 2
                    guard TopK.worse(item, h[p]) else { break }
                    h[c] = h[p]
                    c = p
                }
                h[c] = item
            }
        } else if k > 0 && TopK.worse(heap[0], item) {
            heap.withUnsafeMutableBufferPointer { h in
                let n = h.count
                var p = 0
                while true {
                    let l = 2 * p + 1
                    if l >= n { break }
                    var m = l
                    if l + 1 < n && TopK.worse(h[l + 1], h[l]) { m = l + 1 }
                    guard TopK.worse(h[m], item) else { break }
                    h[p] = h[m]
                    p = m
                }
                h[p] = item
            }
        }
    }

    /// The kept pairs, best first.
    func sorted() -> [(Int32, Float)] {
        heap.sorted { TopK.worse($1, $0) }.map { ($0.index, $0.score) }
    }

    mutating func reset() { heap.removeAll(keepingCapacity: true) }
}
