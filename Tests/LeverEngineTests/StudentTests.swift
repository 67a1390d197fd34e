import XCTest
@testable import LeverEngine

final class StudentTests: XCTestCase {
    func config(_ d: TempDir, method: String = "lever", _ extra: String = "") throws -> RunConfig {
        try studentTestConfig(d, method: method, extra)
    }

    func testLeverTrainsPredictsAndRoundTrips() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let m = try Trainer.train(try config(d)).model
        guard case .student = m.scorer else { return XCTFail("expected a student model") }
        let texts = ["a tabby kitten", "a young puppy", "salmon and trout"]
        let p = try m.predict(texts, k: 2)
        XCTAssertEqual(p.map { $0.first?.0 }, [0, 1, 3])
        try m.save(to: d.path + "/s.lever")
        let loaded = try LeverModel.load(from: d.path + "/s.lever")
        let q = try loaded.predict(texts, k: 2)
        XCTAssertEqual(p.map { $0.map { $0.0 } }, q.map { $0.map { $0.0 } })
        XCTAssertEqual(p.map { $0.map { $0.1.bitPattern } }, q.map { $0.map { $0.1.bitPattern } })
    }

    /// The fine-tuned encoder's Adam with a second moment per value learns as the default (per row) does.
    func testEncoderAdamSecondMomentPerValueOrPerRow() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let texts = ["a tabby kitten", "a young puppy", "salmon and trout"]
        var encoders: [EncoderTable] = []
        for moment in ["row", "value"] {
            let student = #""student": {"epochs": 5, "batch_size": 8, "shortlist": 3, "predict_shortlist": 4, "#
                + #""adam_second_moment": "\#(moment)"}"#
            let m = try Trainer.train(try config(d, ", " + student)).model
            guard case .student(let s) = m.scorer, let encoder = s.encoder else {
                return XCTFail("expected a student with a fine-tuned encoder")
            }
            XCTAssertEqual(try m.predict(texts, k: 2).map { $0.first?.0 }, [0, 1, 3], moment)
            encoders.append(encoder.table)
        }
        XCTAssertNotEqual(encoders[0], encoders[1])
    }

    func testFrozenEncoderExactScoringAndFusion() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let m = try Trainer.train(try config(d, #", "student": {"encoder": "frozen", "epochs": 3, "predict_shortlist": 0, "fusion": 0.5}"#)).model
        guard case .student(let s) = m.scorer else { return XCTFail("expected a student model") }
        XCTAssertNil(s.encoder)
        XCTAssertEqual(try m.predict(["a tabby kitten"], k: 4)[0].count, 4)  // exact: every label ranked
    }

    func testCompareTrainsTheThreeModels() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let cfg = try config(d).with(#"{"compare": true}"#)
        XCTAssertTrue(cfg.compare)
        let r = try Trainer.train(cfg)
        XCTAssertEqual(r.comparisons.map { $0.name }, ["teacher", "student without LEVER"])
        XCTAssertNotNil(r.details["student_ova"])
        XCTAssertNotNil(r.details["student_lever"])
    }

    func testDistilledTargetsKeepGroundTruthAndOnlyAddSoftTargets() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let (data, view) = try animalsTeacherView(d, shortlist: 3)
        var dc = DistillationConfig()
        dc.labelRows = true; dc.similarLabels = 2; dc.similarThreshold = -1; dc.minedRows = 12; dc.minedThreshold = -1
        dc.transform = .linear; dc.teacherWeight = 0.5
        let ex = try TrainingExamples.distilled(trainLabels: data.train.labels, view: view, config: dc,
                                                ann: ANNConfig(), seed: 1, threads: 1, progress: .silent)
        XCTAssertEqual(ex.labelRows, 4)
        XCTAssertEqual(ex.count, 40 + 4)
        var perLabel = [Int](repeating: 0, count: 4)
        for (i, src) in ex.sources.enumerated() where src < 40 {
            let truth = Int(data.train.labels.indices[data.train.labels.rowRange(src).lowerBound])
            let t = ex.targets[i]
            XCTAssertEqual(t.first { Int($0.label) == truth }?.value, 1)  // never overwritten
            XCTAssertEqual(t.first { Int($0.label) == truth }?.weight, 1)
            for x in t where Int(x.label) != truth {
                XCTAssertEqual(x.weight, 0.5)
                XCTAssertLessThanOrEqual(x.value, 1)
            }
            for x in t { perLabel[Int(x.label)] += 1 }
        }
        XCTAssertTrue(perLabel.allSatisfy { $0 == 12 }, "\(perLabel)")  // each label topped up to 12 rows
        XCTAssertEqual(ex.minedTargets, 4 * 2)
        for (i, src) in ex.sources.enumerated() where src >= 40 {
            XCTAssertEqual(ex.targets[i].first?.label, Int32(src - 40))
            XCTAssertEqual(ex.targets[i].first?.value, 1)
            XCTAssertLessThanOrEqual(ex.targets[i].count, 3)
        }
        let plain = TrainingExamples.plain(trainLabels: data.train.labels)
        XCTAssertEqual(plain.count, 40)
        XCTAssertEqual(plain.minedTargets + plain.labelRows, 0)
    }

    /// The calibrated transform's fit recovers the sigmoid that generated the shortlists' labels, is nil
    /// when every shortlisted label is (or none is) a training label, and sets the mined targets.
    func testCalibratedSoftTargetsFollowTheFittedSigmoid() throws {
        var rng = SeededRandom(seed: 21)
        let (a, b): (Double, Double) = (9, -6)
        var lists: [[(Int32, Float)]] = [], indptr = [0], indices: [Int32] = []
        for _ in 0..<4_000 {
            var list: [(Int32, Float)] = [], truth: [Int32] = []
            for l in 0..<10 {
                let s = Float(rng.unitFloat())
                list.append((Int32(l), s))
                if Double(rng.unitFloat()) < 1 / (1 + exp(-(a * Double(s) + b))) { truth.append(Int32(l)) }
            }
            lists.append(list)
            indices += truth
            indptr.append(indices.count)
        }
        let labels = SparseMatrix(rows: lists.count, cols: 10, indptr: indptr, indices: indices,
                                  values: [Float](repeating: 1, count: indices.count))
        let fit = try XCTUnwrap(SoftTargetCalibration.fit(shortlists: lists[...], trainLabels: labels))
        XCTAssertEqual(Double(fit.a), a, accuracy: 0.6)
        XCTAssertEqual(Double(fit.b), b, accuracy: 0.4)
        let none = SparseMatrix(rows: lists.count, cols: 10, indptr: [Int](repeating: 0, count: lists.count + 1),
                                indices: [], values: [])
        XCTAssertNil(SoftTargetCalibration.fit(shortlists: lists[...], trainLabels: none))
        // Separable pairs (every cosine above 0.5 a training label, none below): a finite, steep fit.
        var sepIndptr = [0], sepIndices: [Int32] = []
        for list in lists {
            sepIndices += list.filter { $0.1 > 0.5 }.map { $0.0 }
            sepIndptr.append(sepIndices.count)
        }
        let separable = SparseMatrix(rows: lists.count, cols: 10, indptr: sepIndptr, indices: sepIndices,
                                     values: [Float](repeating: 1, count: sepIndices.count))
        let steep = try XCTUnwrap(SoftTargetCalibration.fit(shortlists: lists[...], trainLabels: separable))
        XCTAssertTrue(steep.a.isFinite && steep.b.isFinite && steep.a > 20, "\(steep)")
        XCTAssertLessThan(abs(steep.b / steep.a + 0.5), 0.01, "the step sits at 0.5: \(steep)")
        // Non-finite cosines are skipped; a sigmoid falling with the cosine is refused (nil).
        var damaged = lists
        damaged[0][0].1 = .nan; damaged[1][0].1 = .infinity; damaged[2][0].1 = -.infinity
        let robust = try XCTUnwrap(SoftTargetCalibration.fit(shortlists: damaged[...], trainLabels: labels))
        XCTAssertEqual(Double(robust.a), a, accuracy: 0.6)
        let inverted = lists.map { $0.map { ($0.0, 1 - $0.1) } }
        XCTAssertNil(SoftTargetCalibration.fit(shortlists: inverted[...], trainLabels: labels))

        let d = TempDir()
        writeAnimalsDataset(d)
        let (data, view) = try animalsTeacherView(d, shortlist: 3)
        var dc = DistillationConfig()
        dc.minedRows = 12; dc.minedThreshold = -1; dc.transform = .calibrated
        let ex = try TrainingExamples.distilled(trainLabels: data.train.labels, view: view, config: dc,
                                                ann: ANNConfig(), seed: 1, threads: 1, progress: .silent)
        let fitted = try XCTUnwrap(ex.fittedSigmoid)
        XCTAssertGreaterThan(ex.minedTargets, 0)
        var soft = 0
        for (i, src) in ex.sources.enumerated() {
            let truth = Set(data.train.labels.rowRange(src).map { data.train.labels.indices[$0] })
            for t in ex.targets[i] where !truth.contains(t.label) {
                let s = minedScore(view, t.label, src)
                XCTAssertEqual(t.value, 1 / (1 + expf(-(fitted.a * s + fitted.b))), accuracy: 1e-4)
                soft += 1
            }
        }
        XCTAssertEqual(soft, ex.minedTargets)
    }

    /// The teacher cosine of label `label` and input `input`.
    private func minedScore(_ view: TeacherView, _ label: Int32, _ input: Int) -> Float {
        let d = view.dim
        return (0..<d).reduce(Float(0)) {
            $0 + view.teacher.labelEmbeddings[Int(label) * d + $1] * view.embeddings[input * d + $1]
        }
    }

    /// Mining answered from the teacher shortlist search's scores gives the examples a separate search
    /// over the training inputs gives (soft targets equal to rounding: OpenBLAS sums a product and its
    /// transpose in different orders).
    func testMiningDuringTheShortlistSearchGivesTheSameExamples() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        var dc = DistillationConfig()
        dc.minedRows = 12; dc.minedThreshold = -1
        let data = try XCDataset.load(try studentTestConfig(d).paths)
        let counts = TrainingExamples.positiveCounts(trainLabels: data.train.labels, numLabels: 4)
        let request = try XCTUnwrap(TrainingExamples.miningRequest(counts: counts, config: dc))
        XCTAssertEqual(request.k, 12 + 16)
        var examples: [TrainingExamples] = []
        for mining in [nil, request] {
            let (_, view) = try animalsTeacherView(d, shortlist: 3, mining: mining)
            XCTAssertEqual(view.mined?.request, mining)
            examples.append(try TrainingExamples.distilled(trainLabels: data.train.labels, view: view, config: dc,
                                                           ann: ANNConfig(), seed: 1, threads: 2, progress: .silent))
        }
        // Without label texts as rows, only the inputs are searched; their lists are the same.
        let (_, full) = try animalsTeacherView(d, shortlist: 3)
        let (_, inputsOnly) = try animalsTeacherView(d, shortlist: 3, labelTextLists: false)
        XCTAssertEqual(inputsOnly.shortlists.count, full.shortlists.count)
        for (i, (a, b)) in zip(full.shortlists, inputsOnly.shortlists).enumerated() {
            XCTAssertEqual(b.map { $0.0 }, i < full.numInputs ? a.map { $0.0 } : [], "text \(i)")
        }
        XCTAssertGreaterThan(examples[0].minedTargets, 0)
        XCTAssertEqual(examples[1].minedTargets, examples[0].minedTargets)
        XCTAssertEqual(examples[1].sources, examples[0].sources)
        for (a, b) in zip(examples[0].targets, examples[1].targets) {
            XCTAssertEqual(a.map { $0.label }, b.map { $0.label })
            for (x, y) in zip(a, b) { XCTAssertEqual(x.value, y.value, accuracy: 1e-5) }
        }
    }

    func testReusedTeacherMustMatchTheData() throws {
        let d = TempDir()
        writeAnimalsDataset(d)
        let knn = try Trainer.train(try config(d, method: "knn")).model
        try knn.save(to: d.path + "/knn.lever")
        assertLeverError(.config, ["teacher.load", "knn model"]) {
            try Trainer.train(try self.config(d, #", "teacher": {"load": "\#(d.path)/knn.lever"}"#))
        }
    }
}
