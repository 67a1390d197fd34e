import ArgumentParser
import LeverEngine
#if canImport(Glibc)
import Glibc
#endif

/// `lever labels add`: new labels by text, no retraining (LeverModel.addingLabels).
struct LabelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "labels", abstract: "Change a saved model's labels.",
                                                    subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Write a new model with labels appended, scored from their texts (zero-shot, no retraining).",
            discussion: """
                The new labels get the ids after the model's own, in the order of the file. Each is scored \
                through the teacher's encoder; a student's vector for it starts as student training starts \
                every label. Texts must be non-empty; a text may repeat a label's text. kNN models are refused.
                """)

        @Option(name: .long, help: "A model file written by `lever train` (teacher or lever method).")
        var model: String
        @Option(name: .long, help: "The new labels' texts, one per line.")
        var labels: String
        @Option(name: .long, help: "Where to write the new model (the input model is left as it is).")
        var out: String
        @Option(name: .long, help: "Worker threads (0 = all cores).")
        var threads: Int = 0

        func validate() throws {
            guard threads >= 0 else { throw ValidationError("--threads must be >= 0 (got \(threads))") }
        }

        func run() throws {
            try runEngine { () throws(LeverError) in
                let m = try LeverModel.load(from: model)
                let texts = try XCDataset.readTexts(labels)
                if let i = texts.firstIndex(where: \.isEmpty) {
                    throw .invalidArgument("\(labels):\(i + 1): the label text is empty")
                }
                let t0 = Clock.now()
                let widened = try m.addingLabels(texts, threads: threads == 0 ? sysconfCores() : threads)
                try widened.save(to: out)
                print("added \(texts.count) labels (ids \(m.numLabels)...\(widened.numLabels - 1)) in"
                      + " \(NumberFormat.fixed(Clock.now() - t0, 2)) s; wrote \(out)")
            }
        }
    }
}
