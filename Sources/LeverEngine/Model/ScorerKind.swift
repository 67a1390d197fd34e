/// The registry of what a model file can hold, by the method its META records: the sections each
/// kind's scorer owns, how the scorer is written and how it is read back. `LeverModel.save` and
/// `load` consult it, and `Method.scorerKind` maps a training method to it.
///
/// Each part codes itself beside its type (`+Coding.swift`: `sectionTags`, `write(into:)`,
/// `read(_:)`). A new part of the student adds its section to `StudentScorer+Coding.swift` and its
/// tag to `StudentScorer.sectionTags`; a new kind of scorer is a case here and in `Scorer`.
enum ScorerKind: String, CaseIterable, Sendable {
    case knn, teacher, lever

    init(_ scorer: Scorer) {
        switch scorer {
        case .knn: self = .knn
        case .teacher: self = .teacher
        case .student: self = .lever
        }
    }

    /// The sections a model of this kind may have besides META, CONFIG, LABELS and FEATURES.
    var sections: Set<String> {
        switch self {
        case .knn: return KNNIndex.sectionTags
        case .teacher: return TeacherScorer.sectionTags
        case .lever: return TeacherScorer.sectionTags.union(StudentScorer.sectionTags)
        }
    }

    /// Adds the scorer's sections, in file order.
    static func write(_ scorer: Scorer, into sections: inout ModelFile.Sections) throws(LeverError) {
        switch scorer {
        case .knn(let index): index.write(into: &sections)
        case .teacher(let teacher): teacher.write(into: &sections)
        case .student(let student):
            student.teacher.write(into: &sections)
            try student.write(into: &sections)
        }
    }

    /// Reads back the scorer of a model of this kind.
    func read(_ file: ModelSectionReader) throws(LeverError) -> Scorer {
        switch self {
        case .knn: return .knn(try KNNIndex.read(file))
        case .teacher: return .teacher(try TeacherScorer.read(file))
        case .lever:
            let teacher = try TeacherScorer.read(file)
            return .student(try StudentScorer.read(file, teacher: teacher))
        }
    }

    /// Throws when the file has a section that only other kinds own: META and the sections disagree.
    /// The first such section in file order is named.
    func checkSections(_ file: ModelSectionReader) throws(LeverError) {
        let owned = sections
        for tag in file.sections.order where !owned.contains(tag) {
            if ScorerKind.allCases.contains(where: { $0.sections.contains(tag) }) {
                throw LeverError.corrupt("\(file.path): META says method \"\(rawValue)\" but the file has a \(tag)"
                                         + " section")
            }
        }
    }
}

/// The sections of a model file being loaded, with what a scorer's sections are checked against.
/// Decoders do not know the file; `LeverModel.load` prefixes their messages with the path.
struct ModelSectionReader {
    let sections: ModelFile.Contents
    let path: String
    /// The LABELS section's label count.
    let numLabels: Int
    /// The featuriser's dimension (2^hash bits).
    let featureDimension: Int

    /// Decodes the section `tag`; its absence is LEVER_ERR_CORRUPT.
    func decode<T>(_ tag: String, _ body: (inout ByteReader) throws(LeverError) -> T) throws(LeverError) -> T {
        guard let value = try decodeIfPresent(tag, body) else {
            throw LeverError.corrupt("\(path): missing section \(tag)")
        }
        return value
    }

    /// Decodes the section `tag` when the file has it. Its large arrays are views into the file.
    func decodeIfPresent<T>(_ tag: String,
                            _ body: (inout ByteReader) throws(LeverError) -> T) throws(LeverError) -> T? {
        guard let (bytes, offset) = sections.section(tag) else { return nil }
        var r = ByteReader(sections.file, at: offset, count: bytes.count, section: tag)
        return try body(&r)
    }
}
