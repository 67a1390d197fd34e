#if canImport(Glibc)
import Glibc
#endif

/// The single-file container for models (described in docs/model-format.md).
///
/// Layout, all integers little-endian:
///   0   magic "LEVERMDL"
///   8   u16 format major, u16 format minor
///   12  u32 byte-order mark 0x01020304
///   16  u32 header length (through the header checksum)
///   20  u32 section count
///   24  u64 file length
///   32  section table: per section tag[8], u64 offset, u64 length, u32 checksum, u32 flags (0)
///   ..  u32 checksum of the header bytes before it
/// Sections follow, each starting on a 64-byte boundary. Checksums are CRC-32C in formats 2 and 3,
/// CRC-32 (as zlib) in format 1, which still loads.
enum ModelFile {
    static let magic: [UInt8] = Array("LEVERMDL".utf8)
    /// 2.0: checksums are CRC-32C (hardware-accelerated), so a mapped model validates quickly. 3.0:
    /// int8 encoder tables, compact vocabularies and posting lists, the HNSW shortlist graph
    /// (docs/model-format.md); a new major because sections changed layout, so a 2.x reader says
    /// "written by a newer Lever" instead of finding the new layouts corrupt. 4.0: 16-bit row ids and
    /// 32-bit offsets in posting lists, flagged in the KNN layout (a new major for the same reason: a
    /// 3.x reader would find the flags invalid). 4.1 added the LINEAR section (a 4.0 reader skips
    /// it). 5.0: LINEAR may hold per-label shares and the ROWS section may follow (a new major, so a
    /// 4.x reader says "written by a newer Lever" rather than finding LINEAR's flag corrupt). 6.0: the
    /// compact LINEAR layout (LEB128 feature gaps, int8 weights with per-label scales) and the IDF
    /// table as a palette (a new major for the same reason).
    static let formatMajor: UInt16 = 6
    static let formatMinor: UInt16 = 0
    /// The majors this library reads: 1 (CRC-32; minors 0 and 1), 2, 3, 4, 5 and 6.
    static let readableMajors: ClosedRange<UInt16> = 1...6
    static let byteOrderMark: UInt32 = 0x0102_0304
    static let fixedHeader = 32
    static let entrySize = 32

    /// The checksum a file of format `major` uses.
    static func checksum(_ bytes: UnsafeRawBufferPointer, major: UInt16) -> UInt32 {
        major == 1 ? CRC32.checksum(bytes) : CRC32C.checksum(bytes)
    }

    /// Section payloads by tag (at most 8 ASCII characters).
    struct Sections {
        private(set) var order: [String] = []
        private var payloads: [String: [UInt8]] = [:]

        mutating func add(_ tag: String, _ bytes: [UInt8]) {
            assert(tag.utf8.count <= 8 && payloads[tag] == nil, "bad or duplicate section tag")
            order.append(tag)
            payloads[tag] = bytes
        }

        subscript(tag: String) -> [UInt8]? { payloads[tag] }
    }

    static func encode(_ sections: Sections) -> [UInt8] {
        var w = ByteWriter()
        let headerLength = fixedHeader + entrySize * sections.order.count + 4
        var offsets: [Int] = []
        var cursor = headerLength
        for tag in sections.order {
            cursor = (cursor + 63) / 64 * 64
            offsets.append(cursor)
            cursor += sections[tag]!.count
        }
        let fileLength = cursor
        magic.forEach { w.u8($0) }
        w.u16(formatMajor)
        w.u16(formatMinor)
        w.u32(byteOrderMark)
        w.u32(UInt32(headerLength))
        w.u32(UInt32(sections.order.count))
        w.u64(UInt64(fileLength))
        for (i, tag) in sections.order.enumerated() {
            var t = Array(tag.utf8)
            while t.count < 8 { t.append(32) }
            t.forEach { w.u8($0) }
            w.u64(UInt64(offsets[i]))
            w.u64(UInt64(sections[tag]!.count))
            w.u32(CRC32C.checksum(sections[tag]!))
            w.u32(0)
        }
        w.u32(CRC32C.checksum(w.bytes))
        var out = w.bytes
        out.reserveCapacity(fileLength)
        for (i, tag) in sections.order.enumerated() {
            out.append(contentsOf: [UInt8](repeating: 0, count: offsets[i] - out.count))
            out.append(contentsOf: sections[tag]!)
        }
        return out
    }

    /// Writes the sections as one file, atomically (`FileIO.writeAtomically`).
    static func write(_ sections: Sections, to path: String) throws(LeverError) {
        let bytes = encode(sections)
        try FileIO.writeAtomically(path) { (sink) throws(LeverError) in
            try typed { try bytes.withUnsafeBytes { (raw) throws in try sink.write(bytes: raw) } }
        }
    }

    /// Opens and verifies a file of this container that is not a model (the work and shard files of
    /// a label-sharded run): its first section must be `tag`, else it is not `kind`. Messages of
    /// `body`, which decodes it, are prefixed with the path.
    static func readOther<T>(path: String, kind: String, tag: String,
                             _ body: (ModelSectionReader) throws(LeverError) -> T) throws(LeverError) -> T {
        try Messages.requireFile(path)
        let contents = try decode(try read(path: path), path: path)
        guard contents.order.first == tag else {
            throw LeverError(.invalidArgument, "\(path): not \(kind) (its first section is not \(tag))")
        }
        do throws(LeverError) {
            return try body(ModelSectionReader(sections: contents, path: path, numLabels: 0, featureDimension: 0))
        } catch {
            if error.message.hasPrefix(path) { throw error }
            throw LeverError(error.status, "\(path): \(error.message)")
        }
    }

    /// Opens a model file: the magic and the fixed header are checked against the file's real
    /// size (fstat) before the rest is touched, so a large file that is not a model costs 32 bytes.
    /// The bytes are mapped, not copied (see `MappedFile`).
    static func read(path: String) throws(LeverError) -> MappedFile {
        let (fd, size) = try FileIO.openRegular(path)
        defer { close(fd) }
        let head = try FileIO.read(fd, at: 0, count: min(size, fixedHeader), path: path)
        _ = try typed { try head.withUnsafeBytes { (raw) throws in
            try checkFixedHeader(raw, fileSize: size, path: path)
        } }
        return try MappedFile.open(fd, size: size, path: path)
    }

    /// Checks the magic, version, byte order, header length and file length of the first 32 bytes
    /// against a file of `fileSize` bytes; returns (major, header length, section count).
    static func checkFixedHeader(_ raw: UnsafeRawBufferPointer, fileSize: Int,
                                 path: String) throws(LeverError) -> (major: UInt16, headerLength: Int, count: Int) {
        guard raw.count >= 8, Array(raw[0..<8]) == magic else {
            throw LeverError(.notAModel, "\(path): not a Lever model file (no LEVERMDL magic)")
        }
        guard raw.count >= fixedHeader else {
            throw LeverError.corrupt("\(path): truncated header (\(raw.count) bytes)")
        }
        return try typed { () throws -> (major: UInt16, headerLength: Int, count: Int) in
            var r = ByteReader(raw, section: "header")
            _ = try r.u64()
            let major = try r.u16(), minor = try r.u16()
            guard readableMajors.contains(major) else {
                let remedy = major > readableMajors.upperBound
                    ? "it was written by a newer Lever: load it with that version or later, "
                        + "or retrain the model with this one"
                    : "it was written by an older Lever: retrain the model with this version"
                throw LeverError(.version, "\(path): model format \(major).\(minor) is not supported by this library "
                                 + "(it reads formats \(readableMajors.lowerBound).x to "
                                 + "\(readableMajors.upperBound).x); \(remedy)")
            }
            guard try r.u32() == byteOrderMark else { throw LeverError.corrupt("\(path): bad byte-order mark") }
            let headerLength = Int(try r.u32())
            let count = Int(try r.u32())
            let fileLength = try r.u64()
            guard count <= 4096, headerLength == fixedHeader + entrySize * count + 4, headerLength <= fileSize else {
                throw LeverError.corrupt("\(path): truncated or malformed header")
            }
            guard fileLength == UInt64(fileSize) else {
                throw LeverError.corrupt("\(path): file is \(fileSize) bytes but its header says \(fileLength) (truncated or padded)")
            }
            return (major, headerLength, count)
        }
    }

    /// The sections of a model file being read: ranges of its bytes, used in place.
    struct Contents {
        let file: MappedFile
        private(set) var order: [String] = []
        private var ranges: [String: Range<Int>] = [:]

        init(file: MappedFile) { self.file = file }

        fileprivate mutating func add(_ tag: String, _ range: Range<Int>) {
            order.append(tag)
            ranges[tag] = range
        }

        /// The bytes of section `tag` and their offset in the file (valid while `file` lives).
        func section(_ tag: String) -> (bytes: UnsafeRawBufferPointer, offset: Int)? {
            guard let r = ranges[tag] else { return nil }
            return (UnsafeRawBufferPointer(rebasing: file.bytes[r]), r.lowerBound)
        }

        /// A copy of section `tag`'s bytes.
        subscript(tag: String) -> [UInt8]? { section(tag).map { Array($0.bytes) } }
    }

    /// Parses and verifies model file bytes; `path` is for messages.
    static func decode(_ bytes: [UInt8], path: String) throws(LeverError) -> Contents {
        try decode(MappedFile.copy(of: bytes), path: path)
    }

    /// Parses and verifies a model file: header, section table, bounds, checksums and padding.
    static func decode(_ file: MappedFile, path: String) throws(LeverError) -> Contents {
        let raw = file.bytes
        return try typed { () throws -> Contents in
            let (major, headerLength, count) = try checkFixedHeader(raw, fileSize: raw.count, path: path)
            let fileLength = UInt64(raw.count)
            var r = ByteReader(raw, section: "header")
            for _ in 0..<fixedHeader { _ = try r.u8() }
            let stored = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: headerLength - 4, as: UInt32.self))
            let header = UnsafeRawBufferPointer(rebasing: raw[0..<(headerLength - 4)])
            guard checksum(header, major: major) == stored else {
                throw LeverError.corrupt("\(path): header checksum mismatch")
            }
            var contents = Contents(file: file)
            var covered: [(Int, Int)] = []
            var crcs: [UInt32] = []
            for _ in 0..<count {
                var tagBytes: [UInt8] = []
                for _ in 0..<8 { tagBytes.append(try r.u8()) }
                let tag = String(decoding: tagBytes, as: UTF8.self).trimmingTrailingSpaces()
                let offset = try r.u64(), length = try r.u64(), crc = try r.u32()
                _ = try r.u32()
                guard offset <= fileLength, length <= fileLength - offset else {
                    throw LeverError.corrupt("\(path): section \(tag) lies outside the file")
                }
                if contents.section(tag) != nil { throw LeverError.corrupt("\(path): section \(tag) appears twice") }
                contents.add(tag, Int(offset)..<Int(offset + length))
                covered.append((Int(offset), Int(offset + length)))
                crcs.append(crc)
            }
            // The sections' checksums, one task per section on the available cores.
            let base = SendableConstPointer(raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
            let ranges = covered
            let sums = Parallel.mapChunks(ranges.count, threads: ranges.count) { chunk in
                chunk.map { i in
                    checksum(UnsafeRawBufferPointer(start: base.pointer + ranges[i].0,
                                                    count: ranges[i].1 - ranges[i].0), major: major)
                }
            }.flatMap { $0 }
            if let bad = sums.indices.first(where: { sums[$0] != crcs[$0] }) {
                throw LeverError.corrupt("\(path): section \(contents.order[bad]) checksum mismatch")
            }
            // Alignment padding is not covered by a checksum, so it must be zero.
            var cursor = headerLength
            for (start, end) in covered.sorted(by: { $0.0 < $1.0 }) {
                if start > cursor, raw[cursor..<start].contains(where: { $0 != 0 }) {
                    throw LeverError.corrupt("\(path): non-zero padding before byte \(start)")
                }
                cursor = max(cursor, end)
            }
            if cursor < raw.count { throw LeverError.corrupt("\(path): \(raw.count - cursor) stray bytes after the last section") }
            return contents
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
