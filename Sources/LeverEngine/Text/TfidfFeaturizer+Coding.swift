/// The FEATURES section of a model file (docs/model-format.md).
extension TfidfFeaturizer {
    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(config.hashBits))
        w.u32(UInt32(config.wordNgramMax))
        w.u32(UInt32(config.charNgramMin))
        w.u32(UInt32(config.charNgramMax))
        w.f32(config.charWeight)
        w.u8(config.sublinearTf ? 1 : 0)
        w.array(idfStorage)
        return w.bytes
    }

    static func decode(_ r: inout ByteReader) throws(LeverError) -> TfidfFeaturizer {
        let bits = Int(try r.u32()), wmax = Int(try r.u32()), cmin = Int(try r.u32()), cmax = Int(try r.u32())
        let cw = try r.f32()
        let sub = try r.u8()
        guard sub <= 1 else { throw LeverError.corrupt("model section FEATURES: invalid featuriser settings") }
        let config = FeatureConfig(hashBits: bits, wordNgramMax: wmax, charNgramMin: cmin, charNgramMax: cmax,
                                   charWeight: cw, sublinearTf: sub == 1)
        try config.checkStored(in: "model section FEATURES")
        let idf = try r.floatStorage()
        guard idf.count == 1 << bits else {
            throw LeverError.corrupt("model section FEATURES: IDF table has \(idf.count) entries, "
                                     + "expected \(1 << bits)")
        }
        return TfidfFeaturizer(config: config, idf: idf)
    }
}
