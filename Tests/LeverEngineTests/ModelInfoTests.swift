import XCTest
@testable import LeverEngine

/// The model's description, label lookup by text and the teacher embeddings.
final class ModelInfoTests: XCTestCase {
    func train(_ d: TempDir, method: String) throws -> LeverModel {
        writeAnimalsDataset(d)
        return try Trainer.train(try studentTestConfig(d, method: method)).model
    }

    func testInfoDescribesTheModelAndItsTraining() throws {
        let d = TempDir()
        let m = try train(d, method: "lever")
        let path = d.path + "/m.lever"
        try m.save(to: path)
        for model in [m, try LeverModel.load(from: path)] {
            // What the C API hands out: serialised, then parsed back.
            let info = try JSONValue.parse(model.info.serialized(pretty: true), source: "info")
            XCTAssertEqual(info["format_version"], .string("\(ModelFile.formatMajor).\(ModelFile.formatMinor)"))
            XCTAssertEqual(info["library_version"], .string(LeverModel.version))
            XCTAssertEqual(info["method"], .string("lever"))
            XCTAssertEqual(info["num_labels"], .int(4))
            XCTAssertEqual(info["feature_dimension"], .int(4096))
            XCTAssertEqual(info["embedding_dimension"], .int(16))
            XCTAssertEqual(info["parts"]?["features"]?["hash_bits"], .int(12))
            XCTAssertEqual(info["parts"]?["teacher"]?["dim"], .int(16))
            XCTAssertEqual(info["parts"]?["student"]?["predict_shortlist"], .int(4))
            XCTAssertNotNil(info["parts"]?["student"]?["lexical_source"])
            XCTAssertEqual(info["config"], m.config)
            XCTAssertEqual(info["config"]?["teacher"]?["epochs"], .int(20))
            XCTAssertEqual(info["training"]?["rows"], .int(40))
            XCTAssertEqual(info["training"]?["labels"], .int(4))
            guard case .double(let seconds)? = info["training"]?["train_seconds"] else {
                return XCTFail("no train_seconds in \(info)")
            }
            XCTAssertGreaterThan(seconds, 0)
            guard case .object(let stages)? = info["training"]?["stage_seconds"] else {
                return XCTFail("no stage_seconds")
            }
            XCTAssertEqual(stages.keys, ["features", "teacher", "teacher-view", "student"])
        }
    }

    func testKNNInfoAndFilesWithoutTrainingFigures() throws {
        let d = TempDir()
        let m = try train(d, method: "knn")
        XCTAssertEqual(m.info["embedding_dimension"], .null)
        XCTAssertEqual(m.info["parts"]?["knn"]?["training_rows"], .int(40))
        XCTAssertNil(m.info["parts"]?["teacher"])
        // A file written without training figures (as by older versions) loads with "training": null.
        let bare = LeverModel(config: m.config, labelTexts: m.labelTexts, featurizer: m.featurizer, scorer: m.scorer)
        try bare.save(to: d.path + "/bare.lever")
        XCTAssertEqual(try LeverModel.load(from: d.path + "/bare.lever").info["training"], .null)
    }

    func testLabelIDIsAnExactLookup() throws {
        let d = TempDir()
        writeTinyDataset(d)
        d.write("Y.txt", "cat\ndog\ncaf\u{E9}\ndog\n")
        d.write("trn_X_Y.txt", "4 4\n0:1\n1:1\n2:1\n0:1 1:1\n")
        let m = try Trainer.train(try RunConfig.parse(#"{"data": {"dir": "\#(d.path)"}, "method": "knn"}"#)).model
        XCTAssertEqual(m.labelID("cat"), 0)
        XCTAssertEqual(m.labelID("dog"), 1)  // the lowest of two ids with this text
        XCTAssertEqual(m.labelID("caf\u{E9}"), 2)
        XCTAssertNil(m.labelID("cafe\u{301}"))  // canonically equal in Swift, but other bytes
        XCTAssertNil(m.labelID("Cat"))
        XCTAssertNil(m.labelID(""))
    }

    func testEmbeddingsAreWhatTheTeacherScoresWith() throws {
        let d = TempDir()
        let texts = ["a tabby kitten", "a young puppy", "robin", ""]
        for method in ["teacher", "lever"] {
            let m = try train(d, method: method)
            let dim = try XCTUnwrap(m.embeddingDimension)
            let q = try m.embed(texts)
            let labels = try m.labelEmbeddings()
            XCTAssertEqual(q.count, texts.count * dim)
            XCTAssertEqual(labels.count, 4 * dim)
            XCTAssertEqual(try m.labelEmbeddings(first: 2, count: 1), Array(labels[2 * dim ..< 3 * dim]))
            // The teacher's ranking scores are the dot products of the two embeddings.
            let features = try m.featurizer.transform(texts, threads: 1)
            let teacher = try XCTUnwrap(m.encoderScorer)
            let ranked = try teacher.predict(features, k: 4, exclude: nil, threads: 1, progress: .silent)
            for (i, row) in ranked.enumerated() {
                for (l, score) in row {
                    var dot: Float = 0
                    for c in 0..<dim { dot += q[i * dim + c] * labels[Int(l) * dim + c] }
                    XCTAssertEqual(dot, score, accuracy: 1e-5, "\(method) text \(i) label \(l)")
                }
            }
            var norm: Float = 0
            for c in 0..<dim { norm += labels[c] * labels[c] }
            XCTAssertEqual(norm, 1, accuracy: 1e-3)  // a unit vector rounded to half precision
            XCTAssertEqual(Array(q[3 * dim ..< 4 * dim]), [Float](repeating: 0, count: dim))  // no features
            assertLeverError(.invalidArgument, ["outside the model's 0..<4"]) {
                try m.labelEmbeddings(first: 3, count: 2)
            }
        }
        let knn = try train(d, method: "knn")
        XCTAssertNil(knn.embeddingDimension)
        assertLeverError(.invalidArgument, ["no text encoder"]) { try knn.embed(texts) }
        assertLeverError(.invalidArgument, ["no text encoder"]) { try knn.labelEmbeddings() }
    }
}
