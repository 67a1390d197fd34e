import CLever

/// Saving and loading a LeverModel through the ModelFile container. Each part of the model is one
/// section; loading validates every structure so a damaged file cannot make prediction index out
/// of bounds. The scorer's sections are written and read by the parts themselves, through the
/// `ScorerKind` registry.
extension LeverModel {
    public func save(to path: String) throws(LeverError) {
        var sections = ModelFile.Sections()
        var meta = JSONObject()
        meta["lever_version"] = .string(LeverModel.version)
        meta["method"] = .string(method)
        meta["num_labels"] = .int(Int64(numLabels))
        meta["feature_dimension"] = .int(Int64(featurizer.dimension))
        if !training.keys.isEmpty { meta["training"] = .object(training) }
        sections.add("META", Array(JSONValue.object(meta).serialized(pretty: false).utf8))
        sections.add("CONFIG", Array(config.serialized().utf8))
        var labels = ByteWriter()
        labels.u64(UInt64(labelTexts.count))
        for t in labelTexts { labels.string(t) }
        sections.add("LABELS", labels.bytes)
        sections.add("FEATURES", featurizer.encoded())
        try ScorerKind.write(scorer, into: &sections)
        try ModelFile.write(sections, to: path)
    }

    /// Loads a model: the file is mapped and its large arrays are used in place (docs/model-format.md,
    /// "Reading"). Validating touches every page; they are then dropped from this process's resident
    /// set (they stay in the page cache, shared with other processes) until prediction needs them.
    public static func load(from path: String) throws(LeverError) -> LeverModel {
        try Messages.requireFile(path)
        let file = try ModelFile.read(path: path)
        let sections = try ModelFile.decode(file, path: path)
        do throws(LeverError) {
            let model = try decodeModel(sections, path: path)
            file.releasePages(0..<file.bytes.count)
            return model
        } catch {
            // Section decoders do not know the file: name it in every message.
            if error.message.hasPrefix(path) { throw error }
            throw LeverError(error.status, "\(path): \(error.message)")
        }
    }

    static func decodeModel(_ sections: ModelFile.Contents, path: String) throws(LeverError) -> LeverModel {
        if let other = ["LINWORK": "a linear-ranker work file", "LINSHARD": "a linear-ranker shard file"][
            sections.order.first ?? ""] {
            throw LeverError(.notAModel, "\(path): not a Lever model but \(other) of a label-sharded training run")
        }
        func section(_ tag: String) throws(LeverError) -> [UInt8] {
            guard let s = sections[tag] else { throw LeverError.corrupt("\(path): missing section \(tag)") }
            return s
        }
        let metaBytes = try section("META")
        guard let metaText = String(validating: metaBytes, as: UTF8.self) else {
            throw LeverError.corrupt("\(path): META is not UTF-8")
        }
        let meta: JSONValue
        do throws(LeverError) { meta = try JSONValue.parse(metaText, source: "\(path) META") } catch {
            throw LeverError.corrupt(error.message)
        }
        guard case .string(let method)? = meta["method"] else {
            throw LeverError.corrupt("\(path): META has no method")
        }
        // Files written before training figures were recorded have no "training" key; other extra
        // keys are ignored.
        var training = JSONObject()
        if case .object(let t)? = meta["training"] { training = t }
        let configBytes = try section("CONFIG")
        guard let configText = String(validating: configBytes, as: UTF8.self) else {
            throw LeverError.corrupt("\(path): CONFIG is not UTF-8")
        }
        let config: JSONValue
        do throws(LeverError) { config = try JSONValue.parse(configText, source: "\(path) CONFIG") } catch {
            throw LeverError.corrupt(error.message)
        }

        let labelTexts = try typed { try section("LABELS").withUnsafeBytes { (raw) throws -> [String] in
            var r = ByteReader(raw, section: "LABELS")
            let n = try r.count(max: raw.count)
            var out: [String] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(try r.string()) }
            return out
        } }
        for (i, t) in labelTexts.enumerated() where t.utf8.contains(0) {
            throw LeverError.corrupt("\(path): label \(i) text contains a NUL byte")
        }
        let features = ModelSectionReader(sections: sections, path: path, numLabels: labelTexts.count,
                                          featureDimension: 0)
        let featurizer = try features.decode("FEATURES") { (r) throws(LeverError) in try TfidfFeaturizer.decode(&r) }
        let file = ModelSectionReader(sections: sections, path: path, numLabels: labelTexts.count,
                                      featureDimension: featurizer.dimension)
        let kind = ScorerKind(rawValue: method)
        try kind?.checkSections(file)
        try requireFinite(featurizer.idfStorage, "model section FEATURES: IDF table")
        guard let kind else {
            let known = ScorerKind.allCases.map { $0.rawValue }.joined(separator: ", ")
            throw LeverError(.version, "\(path): model method \"\(method)\" is not supported by this library version"
                             + " (it reads \(known)); load it with the newer Lever that wrote it,"
                             + " or retrain it with this one")
        }
        let scorer = try kind.read(file)
        return LeverModel(config: config, labelTexts: labelTexts, featurizer: featurizer, scorer: scorer,
                          training: training)
    }
}

/// Throws LEVER_ERR_CORRUPT naming `what` when `values` holds a NaN or an infinity: checksum-valid
/// bytes can, and would give NaN scores. One vectorised pass (it reads every page of a mapped
/// section once).
func requireFinite(_ values: ArrayStorage<Float>, _ what: String) throws(LeverError) {
    let i = values.withUnsafeBufferPointer { clever_first_nonfinite_f32($0.baseAddress, $0.count) }
    if i < values.count { throw .corrupt("\(what) holds a non-finite value (\(values[i])) at index \(i)") }
}

/// The same for IEEE half floats given as bit patterns.
func requireFinite(_ bits: ArrayStorage<UInt16>, _ what: String) throws(LeverError) {
    let i = bits.withUnsafeBufferPointer { clever_first_nonfinite_f16($0.baseAddress, $0.count) }
    if i < bits.count {
        throw .corrupt("\(what) holds a non-finite value (\(Float(Float16(bitPattern: bits[i])))) at index \(i)")
    }
}

/// Half floats (bit patterns) widened to floats, by F16C where the CPU has it (converting one value at
/// a time was most of a model's load).
func widened(_ bits: ArrayStorage<UInt16>) -> [Float] {
    bits.withUnsafeBufferPointer { b in
        [Float](unsafeUninitializedCapacity: b.count) { out, initialized in
            if let src = b.baseAddress, let dst = out.baseAddress { clever_widen_half(dst, src, b.count) }
            initialized = b.count
        }
    }
}
