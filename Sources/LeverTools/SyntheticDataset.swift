import LeverEngine
#if canImport(Glibc)
import Glibc
#endif

/// A deterministic synthetic XC dataset of any size, for scale measurements (not a quality benchmark).
///
/// Built from real words: the vocabulary is the single-word lemmas of WordNet's nouns (Debian's
/// wordnet-base). Each label's text is 2-3 vocabulary words; each label also owns 4 topic words, so
/// texts of a label share words that its name lacks. Label popularity follows a Zipf law (weight
/// 1 / (rank + 1)^`zipf`, ranks a seeded permutation of the labels), which gives the long tail of real
/// XC sets: most labels have at most 5 training rows. A row has 1-4 labels (mean 2): the first
/// `labels` training rows carry label i as their first label, so every label has a training row when
/// there are at least as many training rows as labels; the others are drawn by popularity. A row's
/// text is, per label, 1-2 of its name words and 1-2 of its topic words, plus 2-4 noise words drawn
/// from a Zipf law over the whole vocabulary (ranks a seeded permutation), shuffled. Test rows are
/// drawn the same way. No filter files. The same options and seed give byte-identical files.
public struct SyntheticDataset {
    public struct Options: Sendable {
        public var labels = 131_072
        public var trainRows = 262_144
        /// 0: a quarter of the training rows.
        public var testRows = 0
        public var seed: UInt64 = 1
        public var zipf = 1.0
        public var wordnetDir = "/usr/share/wordnet"
        public init() {}
    }

    public struct Statistics: Sendable {
        public var trainRows = 0, testRows = 0, labels = 0, vocabulary = 0
        public var trainPairs = 0, testPairs = 0
        public var tailLabels = 0  // <= 5 training rows
        public var labelsWithoutTrainRows = 0

        public var description: String {
            let pct = labels > 0 ? 100 * Double(tailLabels) / Double(labels) : 0
            return """
            train rows             \(trainRows)
            test rows              \(testRows)
            labels                 \(labels) (\(labelsWithoutTrainRows) without a training row)
            labels <= 5 train rows \(tailLabels) (\(NumberFormat.fixed(pct, 1))%)
            avg labels/train row   \(NumberFormat.fixed(Double(trainPairs) / Double(max(trainRows, 1)), 2))
            avg labels/test row    \(NumberFormat.fixed(Double(testPairs) / Double(max(testRows, 1)), 2))
            vocabulary             \(vocabulary) WordNet noun words
            """
        }
    }

    /// Largest sizes accepted (a million-label, ten-million-row set takes a few GB to build).
    public static let maxLabels = 10_000_000
    public static let maxRows = 50_000_000

    /// Builds the dataset and writes it to `outDir` in the XC repository layout.
    public static func build(options o: Options, outDir: String) throws(LeverError) -> Statistics {
        guard (1...maxLabels).contains(o.labels) else {
            throw .invalidArgument("labels is \(o.labels); expected 1...\(maxLabels)")
        }
        guard (1...maxRows).contains(o.trainRows) else {
            throw .invalidArgument("rows is \(o.trainRows); expected 1...\(maxRows)")
        }
        guard (0...maxRows).contains(o.testRows) else {
            throw .invalidArgument("test rows is \(o.testRows); expected 0...\(maxRows)")
        }
        guard o.zipf.isFinite, (0.1...3).contains(o.zipf) else {
            throw .invalidArgument("zipf is \(o.zipf); expected 0.1...3")
        }
        let words = try vocabulary(wordnetDir: o.wordnetDir)
        var rng = SeededRandom(seed: o.seed)
        let names = labelNames(count: o.labels, words: words, rng: &rng)
        let topics = (0..<o.labels).map { _ in (0..<4).map { _ in Int32(rng.index(words.count)) } }
        var order = Array(0..<o.labels)
        rng.shuffle(&order)
        let popularity = Sampler(weights: (0..<o.labels).map { 1 / pow(Double($0 + 1), o.zipf) }, items: order)
        var wordOrder = Array(0..<words.count)
        rng.shuffle(&wordOrder)
        let noise = Sampler(weights: (0..<words.count).map { 1 / Double($0 + 1) }, items: wordOrder)

        func row(first: Int?, rng: inout SeededRandom) -> (text: String, labels: [Int32]) {
            var labels: [Int] = first.map { [$0] } ?? []
            let count = 1 + [0, 0, 0, 1, 1, 2, 3][rng.index(7)]
            while labels.count < count {
                let l = popularity.draw(&rng)
                if !labels.contains(l) { labels.append(l) }
            }
            var tokens: [String] = []
            for l in labels {
                let name = names[l]
                for _ in 0..<(1 + rng.index(2)) { tokens.append(name[rng.index(name.count)]) }
                for _ in 0..<(1 + rng.index(2)) { tokens.append(words[Int(topics[l][rng.index(4)])]) }
            }
            for _ in 0..<(2 + rng.index(3)) { tokens.append(words[noise.draw(&rng)]) }
            rng.shuffle(&tokens)
            return (tokens.joined(separator: " "), labels.map(Int32.init).sorted())
        }
        let testCount = o.testRows > 0 ? o.testRows : max(1, o.trainRows / 4)
        var train: [(text: String, labels: [Int32])] = []
        train.reserveCapacity(o.trainRows)
        for i in 0..<o.trainRows { train.append(row(first: i < o.labels ? i : nil, rng: &rng)) }
        var test: [(text: String, labels: [Int32])] = []
        test.reserveCapacity(testCount)
        for _ in 0..<testCount { test.append(row(first: nil, rng: &rng)) }

        func matrix(_ rows: [(text: String, labels: [Int32])]) -> [[(Int32, Float)]] {
            rows.map { $0.labels.map { ($0, 1) } }
        }
        try FileIO.makeDirectories(outDir)
        let labelLines = names.map { $0.joined(separator: " ") }
        try FileIO.writeText(Path.join(outDir, "Y.txt"), labelLines.joined(separator: "\n") + "\n")
        try FileIO.writeText(Path.join(outDir, "trn_X.txt"), train.map(\.text).joined(separator: "\n") + "\n")
        try FileIO.writeText(Path.join(outDir, "tst_X.txt"), test.map(\.text).joined(separator: "\n") + "\n")
        try SparseFile.write(Path.join(outDir, "trn_X_Y.txt"), cols: o.labels, rows: matrix(train))
        try SparseFile.write(Path.join(outDir, "tst_X_Y.txt"), cols: o.labels, rows: matrix(test))

        var counts = [Int](repeating: 0, count: o.labels)
        for r in train { for l in r.labels { counts[Int(l)] += 1 } }
        var st = Statistics()
        st.trainRows = train.count
        st.testRows = test.count
        st.labels = o.labels
        st.vocabulary = words.count
        st.trainPairs = train.reduce(0) { $0 + $1.labels.count }
        st.testPairs = test.reduce(0) { $0 + $1.labels.count }
        st.tailLabels = counts.filter { $0 <= 5 }.count
        st.labelsWithoutTrainRows = counts.filter { $0 == 0 }.count
        return st
    }

    /// The distinct lower-case single-word lemmas of WordNet's nouns (letters only), sorted.
    static func vocabulary(wordnetDir: String) throws(LeverError) -> [String] {
        var seen = Set<String>()
        for synset in try WordNetDataset.parseNouns(Path.join(wordnetDir, "data.noun")) {
            for lemma in synset.lemmas.split(separator: ",") {
                let word = String(lemma).trimmingSpaces().lowercased()
                if word.count >= 3, word.allSatisfy({ $0 >= "a" && $0 <= "z" }) { seen.insert(word) }
            }
        }
        if seen.count < 100 { throw .data("\(wordnetDir)/data.noun: too few single-word lemmas (\(seen.count))") }
        return seen.sorted()
    }

    /// `count` distinct names of 2-3 words (after 10 tries per name a repeat is kept: only a tiny
    /// vocabulary runs out of names).
    static func labelNames(count: Int, words: [String], rng: inout SeededRandom) -> [[String]] {
        var seen = Set<String>()
        var names: [[String]] = []
        names.reserveCapacity(count)
        var tries = 0
        while names.count < count {
            let name = (0..<(2 + rng.index(2))).map { _ in words[rng.index(words.count)] }
            tries += 1
            if seen.insert(name.joined(separator: " ")).inserted || tries >= 10 {
                names.append(name)
                tries = 0
            }
        }
        return names
    }

    /// Draws items by weight (inverse CDF over cumulative weights).
    struct Sampler {
        let cumulative: [Double]
        let items: [Int]

        init(weights: [Double], items: [Int]) {
            var sum = 0.0
            cumulative = weights.map { sum += $0; return sum }
            self.items = items
        }

        func draw(_ rng: inout SeededRandom) -> Int {
            let u = Double(rng.next() >> 11) * (1.0 / Double(1 << 53)) * cumulative[cumulative.count - 1]
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] <= u { lo = mid + 1 } else { hi = mid }
            }
            return items[lo]
        }
    }
}
