import CLever

/// CRC-32C (Castagnoli): the checksum of model files of format 2. The SSE4.2 instruction computes
/// it at several GB/s (CRC-32 in software was most of a mapped load's time); other CPUs use a
/// table (Sources/CLever/clever_crc32c.c).
enum CRC32C {
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        clever_crc32c(bytes.baseAddress, bytes.count)
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
