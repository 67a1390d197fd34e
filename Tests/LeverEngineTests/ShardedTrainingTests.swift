import Foundation
import XCTest
@testable import LeverEngine

/// Label-sharded training (`ShardedTraining`, `LinearRanker+Shards`): phase 1's model and work file,
/// phase 2's shards, phase 3's merge, against single-process training of the same config.
final class ShardedTrainingTests: XCTestCase {
    private func ranker(_ m: LeverModel) throws -> LinearRanker {
        guard case .student(let s) = m.scorer else { throw LeverError(.internal, "not a student model") }
        return try XCTUnwrap(s.linear)
    }

    func testMergedShardsEqualSingleProcessTraining() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let config = try studentTestConfig(d)
        let single = try Trainer.train(config).model
        let work = d.path + "/work.bin"
        let (base, labels) = try ShardedTraining.prepare(config, workPath: work)
        XCTAssertEqual(labels, 4)
        guard case .student(let baseStudent) = base.scorer else { return XCTFail("not a student") }
        XCTAssertNil(baseStudent.linear)
        // Uneven shards, solved with different thread counts, handed to the merge out of order.
        for (i, (first, end, threads)) in [(0, 1, 1), (1, 3, 2), (3, 4, 0)].enumerated() {
            try ShardedTraining.solve(workPath: work, first: first, end: end, threads: threads,
                                      shardPath: d.path + "/s\(i)")
        }
        let merged = try base.mergingLinearShards([d.path + "/s2", d.path + "/s0", d.path + "/s1"])
        let a = try ranker(single), b = try ranker(merged)
        XCTAssertGreaterThan(a.entries, 0)
        XCTAssertEqual(a.term.support.offsets, b.term.support.offsets)
        XCTAssertEqual(a.term.support.features, b.term.support.features)
        XCTAssertEqual(a.term.weights.map { $0.bitPattern }, b.term.weights.map { $0.bitPattern })
        XCTAssertEqual(a.biases.map { $0.bitPattern }, b.biases.map { $0.bitPattern })
        XCTAssertEqual(a.labelWeights, b.labelWeights)
        XCTAssertEqual(a.trainedLabels, b.trainedLabels)
        let texts = ["a tabby kitten", "a young puppy", "robin and trout", "number 7 hound"]
        let p = try single.predict(texts, k: 4), q = try merged.predict(texts, k: 4)
        XCTAssertEqual(p.map { $0.map { $0.0 } }, q.map { $0.map { $0.0 } })
        XCTAssertEqual(p.map { $0.map { $0.1.bitPattern } }, q.map { $0.map { $0.1.bitPattern } })
        // Without the ranker the scores differ: the merge is what restores them.
        let r = try base.predict(texts, k: 4)
        XCTAssertNotEqual(p.map { $0.map { $0.1.bitPattern } }, r.map { $0.map { $0.1.bitPattern } })
        try assertRoundTripPredictsIdentically(merged, in: d, texts: texts, k: 4)
    }

    func testMergeRefusesGapsOverlapsAndOtherRunsShards() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let config = try studentTestConfig(d)
        let work = d.path + "/work.bin"
        let (base, _) = try ShardedTraining.prepare(config, workPath: work)
        func shard(_ name: String, _ first: Int, _ end: Int, work w: String = work) throws -> String {
            try ShardedTraining.solve(workPath: w, first: first, end: end, threads: 1, shardPath: d.path + "/" + name)
            return d.path + "/" + name
        }
        let a = try shard("a", 0, 1), b = try shard("b", 1, 4), c = try shard("c", 3, 4), e = try shard("e", 0, 2)
        assertLeverError(.invalidArgument, ["labels 1..<3 are in no shard", "c"]) {
            try base.mergingLinearShards([a, c])
        }
        assertLeverError(.invalidArgument, ["labels 1..<4 are in no shard"]) { try base.mergingLinearShards([a]) }
        assertLeverError(.invalidArgument, ["overlaps"]) { try base.mergingLinearShards([e, b]) }
        let merged = try base.mergingLinearShards([a, b])
        assertLeverError(.invalidArgument, ["already has a linear ranker"]) { try merged.mergingLinearShards([a, b]) }
        // A shard of another phase 1 (another seed: another student) is refused by this model.
        let other = try ShardedTraining.prepare(try studentTestConfig(d, #", "seed": 9"#), workPath: d.path + "/w2")
        XCTAssertEqual(other.labels, 4)
        let foreign = try shard("f", 1, 4, work: d.path + "/w2")
        assertLeverError(.invalidArgument, [foreign, "another model"]) { try base.mergingLinearShards([a, foreign]) }
        // Another linear_c gives the same dense student but other classifiers: refused too.
        let c2 = try studentTestConfig(d, #", "student": {"epochs": 5, "batch_size": 8, "shortlist": 3,"#
                                       + #" "predict_shortlist": 4, "linear_c": 2}"#)
        let (base2, _) = try ShardedTraining.prepare(c2, workPath: d.path + "/w3")
        guard case .student(let s1) = base.scorer, case .student(let s2) = base2.scorer else { return XCTFail() }
        XCTAssertEqual(s1.encoded(), s2.encoded())
        let otherC = try shard("g", 1, 4, work: d.path + "/w3")
        assertLeverError(.invalidArgument, [otherC, "student.linear"]) { try base.mergingLinearShards([a, otherC]) }
        // Ranges outside the work file's labels, files of the wrong kind, damaged bytes.
        assertLeverError(.invalidArgument, ["3..<5", "4 labels"]) { try shard("x", 3, 5) }
        assertLeverError(.invalidArgument, [a, "not a linear-ranker work file"]) {
            try ShardedTraining.solve(workPath: a, first: 0, end: 1, threads: 1, shardPath: d.path + "/y")
        }
        assertLeverError(.invalidArgument, [work, "not a linear-ranker shard file"]) {
            try base.mergingLinearShards([work])
        }
        assertLeverError(.notAModel, [work, "work file"]) { try LeverModel.load(from: work) }
        var bytes = d.read("work.bin")
        bytes[bytes.count - 3] ^= 0x40
        let damaged = d.write("damaged.bin", bytes: bytes)
        assertLeverError(.corrupt, [damaged, "checksum"]) {
            try ShardedTraining.solve(workPath: damaged, first: 0, end: 1, threads: 1, shardPath: d.path + "/z")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: d.path + "/z"))
    }

    /// Per-range predictions merged by score (lower label first among ties) are the full prediction,
    /// for every kind of model; a range's rows hold only its labels.
    func testLabelRangesMergeToTheFullPrediction() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let texts = ["a tabby kitten", "a young puppy", "robin and trout", "number 7 hound", ""]
        for method in ["knn", "teacher", "lever"] {
            let model = try Trainer.train(try studentTestConfig(d, method: method)).model
            let full = try model.predict(texts, k: 3, options: PredictOptions())
            var parts: [[[(Int32, Float)]]] = []
            for r in [0..<1, 1..<3, 3..<4] {
                let part = try model.predict(texts, k: 3, options: PredictOptions(labels: r))
                XCTAssertTrue(part.allSatisfy { $0.allSatisfy { r.contains(Int($0.0)) } }, method)
                parts.append(part)
            }
            for i in texts.indices {
                let merged = parts.flatMap { $0[i] }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(3)
                XCTAssertEqual(merged.map { $0.0 }, full[i].map { $0.0 }, "\(method) text \(i)")
                XCTAssertEqual(merged.map { $0.1.bitPattern }, full[i].map { $0.1.bitPattern }, "\(method) text \(i)")
            }
            for bad in [0..<0, 2..<5, 4..<4] {
                assertLeverError(.invalidArgument, ["label range", "4 labels"]) {
                    try model.predict(texts, k: 3, options: PredictOptions(labels: bad))
                }
            }
        }
    }

    func testWithoutLinearRankerThereIsNothingToShard() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let config = try studentTestConfig(d, #", "student": {"epochs": 2, "batch_size": 8, "linear": false}"#)
        let (model, labels) = try ShardedTraining.prepare(config, workPath: d.path + "/work.bin")
        XCTAssertEqual(labels, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: d.path + "/work.bin"))
        XCTAssertEqual(model.numLabels, 4)
        // The section the driver reads is part of the config's schema and ignored by training.
        let withSection = try studentTestConfig(d, #", "distributed": {"shards": 3, "scheduler": "tcp://h:8786"}"#)
        XCTAssertEqual(withSection.distributed.shards, 3)
        XCTAssertEqual(withSection.distributed.scheduler, "tcp://h:8786")
    }
}
