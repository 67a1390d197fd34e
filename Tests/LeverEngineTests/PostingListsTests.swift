import XCTest
@testable import LeverEngine

/// Posting-list lookups through the slot directory, and the kNN query scratch kept between calls.
final class PostingListsTests: XCTestCase {
    func testSlotLookupFindsEveryListAndNothingElse() {
        var rng = SeededRandom(seed: 9)
        for featureCount in [1, 5, 4096, 4097, 1 << 20] {
            // Features with postings: a random sorted subset, including the first and last bucket.
            var used = Set((0..<min(3000, featureCount)).map { _ in Int(rng.index(featureCount)) })
            used.insert(0)
            used.insert(featureCount - 1)
            let features = used.sorted()
            var indptr = [0]
            for (i, _) in features.enumerated() { indptr.append(indptr.last! + 1 + i % 3) }
            let rows = (0..<indptr.last!).map { _ in Int32(rng.index(10)) }
            let lists = PostingLists(featureCount: featureCount, rowCount: 10,
                                     features: ArrayStorage(features.map { Int32($0) }),
                                     indptr: .wide(ArrayStorage(indptr.map { Int64($0) })), rows: .wide(ArrayStorage(rows)),
                                     weights: .float(ArrayStorage([Float](repeating: 1, count: rows.count))))
            XCTAssertLessThanOrEqual(lists.slots.count, features.count / 4 + 2)
            lists.withLists { view in
                for (i, f) in features.enumerated() {
                    XCTAssertEqual(view.entries(of: f), indptr[i]..<indptr[i + 1], "feature \(f) of \(featureCount)")
                }
                for f in [-1, featureCount, featureCount + 7] { XCTAssertTrue(view.entries(of: f).isEmpty) }
                for _ in 0..<2000 {
                    let f = Int(rng.index(featureCount))
                    if !used.contains(f) { XCTAssertTrue(view.entries(of: f).isEmpty, "feature \(f)") }
                }
            }
        }
    }

    func testScratchPoolReusesIdleBuffersUpToItsLimit() {
        let pool = ScratchPool<[Int]>(limit: 1)
        var made = 0
        pool.withScratch(make: { made += 1; return [0] }) { $0[0] = 7 }
        // The second call gets the first call's buffer back, as that call left it.
        let seen = pool.withScratch(make: { made += 1; return [0] }) { $0[0] }
        XCTAssertEqual(seen, 7)
        XCTAssertEqual(made, 1)
        // Two at once: the inner call makes a second buffer; only one is kept afterwards.
        pool.withScratch(make: { made += 1; return [1] }) { _ in
            pool.withScratch(make: { made += 1; return [2] }) { _ in }
        }
        XCTAssertEqual(made, 2)
        pool.withScratch(make: { made += 1; return [3] }) { _ in }
        XCTAssertEqual(made, 2)
    }

    func testKNNPredictionsRepeatExactlyWithReusedScratch() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let model = try Trainer.train(try studentTestConfig(d, method: "knn")).model
        let texts = ["a tabby kitten", "a young puppy", "trout and salmon", "nothing known"]
        let first = try model.predict(texts, k: 4, threads: 2)
        for text in texts.reversed() {
            let again = try model.predict([text], k: 4)
            let i = texts.firstIndex(of: text)!
            XCTAssertEqual(again[0].map { $0.0 }, first[i].map { $0.0 })
            XCTAssertEqual(again[0].map { $0.1 }, first[i].map { $0.1 })
        }
    }
}
