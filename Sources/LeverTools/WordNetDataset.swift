import LeverEngine

/// Builds a taxonomy-completion dataset (LF-WikiHierarchy style) from WordNet 3.0's noun database,
/// as shipped by Debian's wordnet-base (/usr/share/wordnet/data.noun).
///
/// Rows are noun synsets with at least one hypernym (@) or instance-hypernym (@i) pointer; the
/// input text is the synset's lemma names (underscores to spaces, joined with ", "), followed by
/// "; " and the gloss when `gloss` is set. A row's labels are its ancestors within `hops` steps over
/// both pointer kinds; a label's text is its synset's lemma names. Rows are split train/test with a
/// seeded shuffle; labels never seen in training are dropped, and test rows left without labels
/// are dropped. Filter files hold (row, its own synset when that is a label) and (row, a label
/// whose text equals the row's lemma text but is not one of its labels).
public struct WordNetDataset {
    public struct Options: Sendable {
        public var wordnetDir = "/usr/share/wordnet"
        public var gloss = false
        public var seed: UInt64 = 1
        public var trainFraction = 0.7
        public var hops = 3
        public init() {}
    }

    public struct Statistics: Sendable {
        public var trainRows = 0, testRows = 0, labels = 0
        public var droppedTestRows = 0
        public var trainPairs = 0, testPairs = 0
        public var tailLabels = 0  // <= 5 training rows
        public var testFilterPairs = 0

        public var description: String {
            let pct = labels > 0 ? 100 * Double(tailLabels) / Double(labels) : 0
            return """
            train rows            \(trainRows)
            test rows             \(testRows) (\(droppedTestRows) dropped: no label seen in training)
            labels                \(labels)
            labels <= 5 train rows \(tailLabels) (\(NumberFormat.fixed(pct, 1))%)
            avg labels/train row  \(NumberFormat.fixed(Double(trainPairs) / Double(max(trainRows, 1)), 2))
            avg labels/test row   \(NumberFormat.fixed(Double(testPairs) / Double(max(testRows, 1)), 2))
            test filter pairs     \(testFilterPairs)
            """
        }
    }

    struct Synset {
        var offset: Int
        var lemmas: String
        var gloss: String
        var parents: [Int]  // offsets
    }

    /// Parses data.noun. Errors name the file and line.
    static func parseNouns(_ path: String) throws(LeverError) -> [Synset] {
        guard FileIO.exists(path) else {
            throw .io("\(path): file not found (install Debian's wordnet-base, or pass the WordNet folder)")
        }
        let lines = try LineReader.readLines(path)
        var out: [Synset] = []
        for (i, line) in lines.enumerated() {
            if line.isEmpty || line.hasPrefix("  ") { continue }  // licence header
            let lineNo = i + 1
            let parts = line.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            let f = parts[0].split(separator: " ")
            func bad(_ why: String) -> LeverError { .data("\(path):\(lineNo): \(why)") }
            guard f.count >= 4, let offset = Int(f[0]), let wcnt = Int(f[3], radix: 16) else { throw bad("malformed synset line") }
            var j = 4
            var lemmas: [String] = []
            for _ in 0..<wcnt {
                guard j + 1 < f.count else { throw bad("truncated lemma list") }
                lemmas.append(String(f[j]).replacingUnderscores())
                j += 2
            }
            guard j < f.count, let pcnt = Int(f[j]) else { throw bad("missing pointer count") }
            j += 1
            var parents: [Int] = []
            for _ in 0..<pcnt {
                guard j + 3 < f.count else { throw bad("truncated pointer list") }
                if (f[j] == "@" || f[j] == "@i") && f[j + 2] == "n", let p = Int(f[j + 1]) { parents.append(p) }
                j += 4
            }
            let gloss = parts.count > 1 ? String(parts[1]).trimmingSpaces() : ""
            out.append(Synset(offset: offset, lemmas: lemmas.joined(separator: ", "), gloss: gloss, parents: parents))
        }
        if out.isEmpty { throw .data("\(path): no synsets found") }
        return out
    }

    /// Builds the dataset and writes it to `outDir` in the XC repository layout.
    public static func build(options: Options, outDir: String) throws(LeverError) -> Statistics {
        let synsets = try parseNouns(Path.join(options.wordnetDir, "data.noun"))
        var byOffset: [Int: Int] = [:]
        for (i, s) in synsets.enumerated() { byOffset[s.offset] = i }
        // Ancestors within `hops` steps, per synset (BFS over both pointer kinds).
        func ancestors(_ i: Int) -> [Int] {
            var seen = Set<Int>([i])
            var frontier = [i]
            var out: [Int] = []
            for _ in 0..<options.hops {
                var next: [Int] = []
                for n in frontier {
                    for p in synsets[n].parents {
                        if let pi = byOffset[p], seen.insert(pi).inserted { next.append(pi); out.append(pi) }
                    }
                }
                frontier = next
            }
            return out.sorted()
        }
        var rows = (0..<synsets.count).filter { !synsets[$0].parents.isEmpty }
        var rng = SeededRandom(seed: options.seed)
        rng.shuffle(&rows)
        let nTrain = Int((Double(rows.count) * options.trainFraction).rounded())
        let trainRows = rows[..<nTrain].sorted()
        var testRows = rows[nTrain...].sorted()
        let trainAnc = trainRows.map(ancestors)
        // Labels: synsets that are an ancestor of some training row, ordered by synset offset.
        let labelSynsets = Set(trainAnc.joined()).sorted { synsets[$0].offset < synsets[$1].offset }
        var labelId: [Int: Int32] = [:]
        for (l, s) in labelSynsets.enumerated() { labelId[s] = Int32(l) }
        var testAnc = testRows.map { ancestors($0).compactMap { labelId[$0] } }
        var dropped = 0
        var keptTest: [Int] = [], keptAnc: [[Int32]] = []
        for (r, a) in zip(testRows, testAnc) {
            if a.isEmpty { dropped += 1 } else { keptTest.append(r); keptAnc.append(a) }
        }
        testRows = keptTest
        testAnc = keptAnc
        let trainLabels = trainAnc.map { $0.map { labelId[$0]! } }

        var labelsByText: [String: [Int32]] = [:]
        for (l, s) in labelSynsets.enumerated() { labelsByText[synsets[s].lemmas, default: []].append(Int32(l)) }
        func filterPairs(_ rowsList: [Int], _ labels: [[Int32]]) -> [(Int, Int)] {
            var pairs: [(Int, Int)] = []
            for (r, s) in rowsList.enumerated() {
                var f = Set<Int32>()
                if let own = labelId[s] { f.insert(own) }
                let truth = Set(labels[r])
                for l in labelsByText[synsets[s].lemmas] ?? [] where !truth.contains(l) { f.insert(l) }
                for l in f.sorted() { pairs.append((r, Int(l))) }
            }
            return pairs
        }
        func text(_ s: Int) -> String {
            let syn = synsets[s]
            return options.gloss && !syn.gloss.isEmpty ? "\(syn.lemmas); \(syn.gloss)" : syn.lemmas
        }
        func matrix(_ labels: [[Int32]]) -> [[(Int32, Float)]] { labels.map { $0.sorted().map { ($0, 1) } } }

        try FileIO.makeDirectories(outDir)
        try FileIO.writeText(Path.join(outDir, "trn_X.txt"), trainRows.map(text).joined(separator: "\n") + "\n")
        try FileIO.writeText(Path.join(outDir, "tst_X.txt"), testRows.map(text).joined(separator: "\n") + "\n")
        try FileIO.writeText(Path.join(outDir, "Y.txt"), labelSynsets.map { synsets[$0].lemmas }.joined(separator: "\n") + "\n")
        try SparseFile.write(Path.join(outDir, "trn_X_Y.txt"), cols: labelSynsets.count, rows: matrix(trainLabels))
        try SparseFile.write(Path.join(outDir, "tst_X_Y.txt"), cols: labelSynsets.count, rows: matrix(testAnc))
        try FilterFile.write(Path.join(outDir, "trn_filter_labels.txt"), pairs: filterPairs(trainRows, trainLabels))
        let testFilter = filterPairs(testRows, testAnc)
        try FilterFile.write(Path.join(outDir, "tst_filter_labels.txt"), pairs: testFilter)

        var counts = [Int](repeating: 0, count: labelSynsets.count)
        for ls in trainLabels { for l in ls { counts[Int(l)] += 1 } }
        var st = Statistics()
        st.trainRows = trainRows.count
        st.testRows = testRows.count
        st.droppedTestRows = dropped
        st.labels = labelSynsets.count
        st.trainPairs = trainLabels.reduce(0) { $0 + $1.count }
        st.testPairs = testAnc.reduce(0) { $0 + $1.count }
        st.tailLabels = counts.filter { $0 <= 5 }.count
        st.testFilterPairs = testFilter.count
        return st
    }
}

extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
