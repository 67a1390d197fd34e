/// The FEATURES section of a model file (docs/model-format.md).
extension TfidfFeaturizer {
    /// Bit 1 of the sublinear-TF byte (since format 6.0): the IDF table is a palette — an f32 array
    /// of its distinct values and a u16 array of one palette index per bucket. IDF depends only on
    /// a bucket's document frequency, so a table has few distinct values: half the bytes, exact.
    static let paletteFlag: UInt8 = 2

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(config.hashBits))
        w.u32(UInt32(config.wordNgramMax))
        w.u32(UInt32(config.charNgramMin))
        w.u32(UInt32(config.charNgramMax))
        w.f32(config.charWeight)
        let palette = idfPalette()
        w.u8((config.sublinearTf ? 1 : 0) | (palette == nil ? 0 : Self.paletteFlag))
        if let palette {
            w.array(palette.values)
            w.array(palette.indices)
        } else {
            w.array(idfStorage)
        }
        return w.bytes
    }

    /// The IDF table's distinct values (by bit pattern, in first-seen order) and each bucket's index
    /// among them; nil when there are more than 65,536.
    private func idfPalette() -> (values: ArrayStorage<Float>, indices: ArrayStorage<UInt16>)? {
        if let idfIndices { return (idfStorage, idfIndices) }
        var slot: [UInt32: UInt16] = [:]
        var values: [Float] = []
        var indices = [UInt16](repeating: 0, count: idfStorage.count)
        for b in 0..<idfStorage.count {
            let v = idfStorage[b]
            if let s = slot[v.bitPattern] { indices[b] = s; continue }
            guard values.count < 1 << 16 else { return nil }
            slot[v.bitPattern] = UInt16(values.count)
            indices[b] = UInt16(values.count)
            values.append(v)
        }
        return (ArrayStorage(values), ArrayStorage(indices))
    }

    static func decode(_ r: inout ByteReader) throws(LeverError) -> TfidfFeaturizer {
        let bits = Int(try r.u32()), wmax = Int(try r.u32()), cmin = Int(try r.u32()), cmax = Int(try r.u32())
        let cw = try r.f32()
        let sub = try r.u8()
        guard sub & ~paletteFlag <= 1 else {
            throw LeverError.corrupt("model section FEATURES: invalid featuriser settings")
        }
        let config = FeatureConfig(hashBits: bits, wordNgramMax: wmax, charNgramMin: cmin, charNgramMax: cmax,
                                   charWeight: cw, sublinearTf: sub & 1 == 1)
        try config.checkStored(in: "model section FEATURES")
        let idf = try r.floatStorage()
        let indices = sub & paletteFlag != 0 ? try r.storage(UInt16.self) : nil
        let buckets = indices?.count ?? idf.count
        guard buckets == 1 << bits else {
            throw LeverError.corrupt("model section FEATURES: IDF table has \(buckets) entries, "
                                     + "expected \(1 << bits)")
        }
        if let indices { try checkPalette(idf, indices) }
        return TfidfFeaturizer(config: config, idf: idf, indices: indices)
    }

    /// A palette IDF table: at most 65,536 values, every index inside the palette (finiteness is
    /// checked with the model's other values).
    private static func checkPalette(_ values: ArrayStorage<Float>,
                                     _ indices: ArrayStorage<UInt16>) throws(LeverError) {
        guard values.count <= 1 << 16 else {
            throw LeverError.corrupt("model section FEATURES: the IDF palette has \(values.count) values")
        }
        let size = values.count
        let outside = indices.withUnsafeBufferPointer { b in b.firstIndex { Int($0) >= size } }
        if let b = outside {
            throw LeverError.corrupt("model section FEATURES: bucket \(b)'s IDF index \(indices[b]) is outside"
                                     + " the palette of \(size)")
        }
    }
}
