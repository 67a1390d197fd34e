#if canImport(Glibc)
import Glibc
#endif
import CLever

/// The bytes of a model file, read-only for the life of this object: a shared read-only mapping of
/// the file (its pages are the page cache's, so processes that load one model share them), or a
/// heap copy when the file is on a network or FUSE filesystem (where another host may truncate a
/// mapped file under us) or cannot be mapped, and for bytes already in memory. Arrays of a loaded
/// model point into it (`ArrayStorage`); it is unmapped or freed when the last of them goes.
///
/// Contract for mapped files: Lever replaces a model by rename, so a mapped old inode stays valid;
/// a file truncated in place by another program while mapped makes the next access to a lost page
/// raise SIGBUS in this process, as with any mapped file.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    /// True when the bytes are a mapping of the file (false: a heap copy).
    let isMapped: Bool

    private init(bytes: UnsafeRawBufferPointer, isMapped: Bool) {
        self.bytes = bytes
        self.isMapped = isMapped
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            base.deallocate()
        }
    }

    /// A heap copy of `source`.
    static func copy(of source: UnsafeRawBufferPointer) -> MappedFile {
        let heap = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 64)
        if let base = source.baseAddress { heap.baseAddress!.copyMemory(from: base, byteCount: source.count) }
        return MappedFile(bytes: UnsafeRawBufferPointer(rebasing: heap[0..<source.count]), isMapped: false)
    }

    static func copy(of source: [UInt8]) -> MappedFile {
        source.withUnsafeBytes { copy(of: $0) }
    }

    /// Maps `size` bytes of the open regular file `fd` (or reads them, see the type's comment).
    static func open(_ fd: Int32, size: Int, path: String) throws(LeverError) -> MappedFile {
        if size > 0, isLocalFilesystem(fd), let base = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0),
           base != MAP_FAILED {
            return MappedFile(bytes: UnsafeRawBufferPointer(start: base, count: size), isMapped: true)
        }
        try Memory.check(size, "\(path): loading a \(size)-byte model")
        let heap = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 64)
        var done = 0
        while done < size {
            let n = pread(fd, heap.baseAddress! + done, size - done, off_t(done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let error: LeverError = n == 0 ? .corrupt("\(path): file shrank while it was read")
                    : .io("\(path): read failed: \(FileIO.errnoText())")
                heap.deallocate()
                throw error
            }
            done += n
        }
        return MappedFile(bytes: UnsafeRawBufferPointer(rebasing: heap[0..<size]), isMapped: false)
    }

    /// Filesystems whose files another host can change or truncate under a mapping.
    private static let remoteFilesystems: Set<Int> = [
        0x6969,        // NFS
        0x6573_5546,   // FUSE
        0xFF53_4D42,   // CIFS
        0xFE53_4D42,   // SMB2
        0x517B,        // SMB
        0x0102_1997,   // 9P
        0x0BD0_0BD0,   // Lustre
        0x4750_4653,   // GPFS
    ]

    private static func isLocalFilesystem(_ fd: Int32) -> Bool {
        let type = clever_filesystem_type(fd)
        return type >= 0 && !remoteFilesystems.contains(Int(UInt32(truncatingIfNeeded: type)))
    }

    /// Drops the mapped pages of `range` from this process's resident set. They are clean pages of
    /// the file, so they stay in the page cache and come back on the next access without I/O.
    func releasePages(_ range: Range<Int>) {
        guard isMapped, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound == bytes.count ? bytes.count : range.upperBound / page * page
        guard start < end else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }
}
