/// The transpose of a top-k search: for chosen items, their best queries (ties to the lower query
/// id). Collected while an exact search scans (`DenseScorer`), a list holds what a search with that
/// item as the query would find, up to rounding: OpenBLAS sums a product and its transpose in
/// different orders, so a score can differ in its last bits and near-ties at the cut can trade
/// places. Filled from finished lists (`add`), e.g. a graph search's, it holds the best queries
/// whose lists hold the item.
struct ColumnTopK {
    /// Only these queries enter the lists.
    let queries: Range<Int>
    /// Per item of the search: its list's floor (+infinity when the item is not chosen).
    var floors: [Float]
    /// Per item of the search: its list in `lists`, or -1.
    let listOf: [Int32]
    var lists: [TopK]

    /// Lists of `k` for `items` (distinct ids below `numItems`), kept in that order.
    init(items: [Int], numItems: Int, k: Int, queries: Range<Int>) {
        self.queries = queries
        var listOf = [Int32](repeating: -1, count: numItems)
        for (i, item) in items.enumerated() { listOf[item] = Int32(i) }
        self.listOf = listOf
        floors = listOf.map { $0 < 0 ? .infinity : TopK(k).floor }
        lists = [TopK](repeating: TopK(k), count: items.count)
    }

    /// Adds a (query, item, score) from a finished list; items not chosen and queries outside
    /// `queries` are ignored.
    mutating func add(query: Int, item: Int32, score: Float) {
        guard item >= 0, Int(item) < listOf.count, queries.contains(query) else { return }
        let list = Int(listOf[Int(item)])
        guard list >= 0, lists[list].admits(score) else { return }
        lists[list].push(Int32(query), score)
        floors[Int(item)] = lists[list].floor
    }

    /// Each chosen item's queries (id, score), best first, in the order of `items`.
    func sorted() -> [[(Int32, Float)]] { lists.map { $0.sorted() } }
}
