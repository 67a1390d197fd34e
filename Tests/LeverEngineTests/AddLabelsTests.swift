import XCTest
@testable import LeverEngine

/// New labels by text (LeverModel+Labels.swift) on the small animals dataset.
final class AddLabelsTests: XCTestCase {
    /// Training input texts of three different classes, added as label texts.
    let inputTexts = ["cat number 0 kitten", "puppy number 1 hound", "fish number 3 trout"]

    func train(_ method: String, _ d: TempDir, sparse: Bool = false) throws -> LeverModel {
        let student = #", "student": {"epochs": 5, "batch_size": 8, "shortlist": 3, "predict_shortlist": 5, "#
            + #""sparse": \#(sparse)}"#
        return try Trainer.train(try studentTestConfig(d, method: method, student)).model
    }

    func testAddedLabelsGetNextIdsTheirTextsAndRankForTheirInputs() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        for method in ["teacher", "lever", "ova"] {
            let model = try train(method, d)
            let trainTexts = try XCDataset.readTexts(d.path + "/trn_X.txt")
            for t in inputTexts { XCTAssertTrue(trainTexts.contains(t), t) }
            let before = try model.predict(inputTexts, k: 4)
            let wider = try model.addingLabels(inputTexts)
            XCTAssertEqual(wider.numLabels, 7, method)
            XCTAssertEqual(Array(wider.labelTexts[4...]), inputTexts, method)
            XCTAssertEqual(Array(wider.labelTexts[..<4]), model.labelTexts, method)
            let after = try wider.predict(inputTexts, k: 2)
            for (i, row) in after.enumerated() {
                let id = Int32(4 + i)
                if method == "teacher" {
                    XCTAssertEqual(row.first?.0, id, "\(method): \(inputTexts[i]) ranks \(row)")
                } else {
                    XCTAssertTrue(row.contains { $0.0 == id }, "\(method): \(inputTexts[i]) ranks \(row)")
                }
            }
            // The original model is untouched.
            XCTAssertEqual(model.numLabels, 4)
            let again = try model.predict(inputTexts, k: 4)
            XCTAssertEqual(before.map { $0.map { $0.0 } }, again.map { $0.map { $0.0 } })
            XCTAssertEqual(before.map { $0.map { $0.1.bitPattern } }, again.map { $0.map { $0.1.bitPattern } })
        }
    }

    func testNewLabelsAreInitialisedAsTrainingInitialisesThem() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let model = try train("lever", d, sparse: true)
        guard case .student(let old) = model.scorer else { return XCTFail("not a student") }
        let wider = try model.addingLabels(["reptile snake", "feline cat"])
        guard case .student(let s) = wider.scorer else { return XCTFail("not a student") }
        let dim = s.dim, scale = StudentConfig().initScale
        // Teacher: the embedding of the text as training embeds a label text (rounded to half precision).
        let expected = try model.embed(["reptile snake", "feline cat"]).map { Float(Float16($0)) }
        let embeddings = s.teacher.labelEmbeddings.array, weights = s.weights.floats
        XCTAssertEqual(Array(embeddings[(4 * dim)...]), expected)
        XCTAssertEqual(Array(embeddings[..<(4 * dim)]), old.teacher.labelEmbeddings.array)
        // "feline cat" is also label 0's text: the same embedding.
        XCTAssertEqual(Array(embeddings[(5 * dim)..<(6 * dim)]), Array(embeddings[0..<dim]))
        // Student: init_scale x embedding, bias -init_scale / 2, stored as a trained classifier is (int8
        // vectors with a scale each); the trained labels keep theirs.
        XCTAssertEqual(Array(weights[..<(4 * (dim + 1))]), old.weights.floats)
        var initial: [Float] = []
        for l in 0..<2 {
            for c in 0..<dim { initial.append(scale * expected[l * dim + c]) }
            initial.append(-scale / 2)
        }
        XCTAssertEqual(Array(weights[(4 * (dim + 1))...]),
                       ClassifierWeights.quantized(dim: dim, floats: initial).floats)
        for (a, b) in zip(weights[(4 * (dim + 1))...], initial) { XCTAssertEqual(a, b, accuracy: scale / 127) }
        // Sparse term and lexical source: no entries for the new labels.
        let sparse = try XCTUnwrap(s.sparse)
        XCTAssertEqual(sparse.numLabels, 6)
        XCTAssertEqual(sparse.support.offsets[4], sparse.support.offsets[6])
        XCTAssertEqual(sparse.entries, old.sparse?.entries)
        XCTAssertEqual(s.lexical?.numLabels, 6)
        XCTAssertEqual(s.lexical?.trainLabels.indices, old.lexical?.trainLabels.indices)
        // Linear ranker: no classifier for the new labels, which rank by the dense term alone.
        let linear = try XCTUnwrap(s.linear)
        XCTAssertEqual(linear.numLabels, 6)
        XCTAssertEqual(linear.trainedLabels, 4)
        XCTAssertEqual(linear.term.support.offsets[4], linear.term.support.offsets[6])
        XCTAssertEqual(linear.entries, old.linear?.entries)
    }

    func testSavedAndReloadedModelWithAddedLabelsIsEqual() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        for method in ["teacher", "lever"] {
            let wider = try train(method, d, sparse: method == "lever").addingLabels(inputTexts)
            try wider.save(to: d.path + "/wider.lever")
            let loaded = try LeverModel.load(from: d.path + "/wider.lever")
            XCTAssertEqual(loaded.labelTexts, wider.labelTexts)
            let texts = inputTexts + ["a tabby kitten", "snake"]
            let a = try wider.predict(texts, k: 7), b = try loaded.predict(texts, k: 7)
            XCTAssertEqual(a.map { $0.map { $0.0 } }, b.map { $0.map { $0.0 } }, method)
            XCTAssertEqual(a.map { $0.map { $0.1.bitPattern } }, b.map { $0.map { $0.1.bitPattern } }, method)
            // Labels can be added again to a model that has added labels.
            XCTAssertEqual(try loaded.addingLabels(["reptile snake"]).numLabels, 8)
        }
    }

    func testKNNModelsEmptyListsAndEmptyTextsAreRefused() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let knn = try Trainer.train(try studentTestConfig(d, method: "knn")).model
        assertLeverError(.invalidArgument, ["\"knn\"", "teacher or lever"]) { try knn.addingLabels(["snake"]) }
        let teacher = try train("teacher", d)
        assertLeverError(.invalidArgument, ["no label texts"]) { try teacher.addingLabels([]) }
        assertLeverError(.invalidArgument, ["texts[1] is empty"]) { try teacher.addingLabels(["snake", ""]) }
        assertLeverError(.invalidArgument, ["texts[0]", "NUL"]) { try teacher.addingLabels(["a\u{0}b"]) }
        XCTAssertEqual(teacher.numLabels, 4)
    }
}
