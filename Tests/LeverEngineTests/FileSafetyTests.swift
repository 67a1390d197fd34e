import Foundation
import XCTest
@testable import LeverEngine
import LeverTools

/// Issue 12: saves (atomic, concurrent, special files, leftovers) and reads (special files, sizes
/// checked before allocating, bounded work per text).
final class FileSafetyTests: XCTestCase {
    func tinyModel(_ d: TempDir) throws -> LeverModel {
        writeTinyDataset(d)
        let cfg = try RunConfig.parse(#"""
            {"data": {"dir": "\#(d.path)"}, "method": "knn", "knn": {"neighbours": 2}, "features": {"hash_bits": 12}}
            """#)
        return try Trainer.train(cfg).model
    }

    func temporaries(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.contains(".lever-tmp-") }
    }

    // Item 3: threads of one process saving to one path used to share `<path>.tmp-<pid>`.
    func testConcurrentSavesToOnePathAlwaysLeaveALoadableModel() throws {
        let d = TempDir()
        let m = try tinyModel(d)
        let path = d.path + "/shared.lever"
        let failures = SaveFailures()
        for _ in 0..<5 {
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                for _ in 0..<4 {
                    do { try m.save(to: path) } catch { failures.add() }
                }
            }
            XCTAssertNoThrow(try LeverModel.load(from: path))
        }
        XCTAssertEqual(failures.count, 0)
        XCTAssertEqual(temporaries(d.path), [])
    }

    func testNewFileModeFollowsTheUmask() throws {
        let d = TempDir()
        let m = try tinyModel(d)
        try m.save(to: d.path + "/m.lever")
        let mode = (try FileManager.default.attributesOfItem(atPath: d.path + "/m.lever"))[.posixPermissions] as! Int
        XCTAssertEqual(mode, 0o644 & ~Int(FileIO.currentUmask()))
    }

    // Item 8: only a regular file or a missing path is replaced.
    func testSaveRefusesSpecialFilesAndFollowsSymlinks() throws {
        let d = TempDir()
        let m = try tinyModel(d)
        let fifo = d.path + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        assertLeverError(.io, [fifo, "FIFO"]) { try m.save(to: fifo) }
        var st = stat()
        XCTAssertEqual(lstat(fifo, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO, "the FIFO was replaced")
        assertLeverError(.io, ["/dev/null", "character device"]) { try m.save(to: "/dev/null") }
        let folder = d.path + "/folder"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        assertLeverError(.io, [folder, "folder"]) { try m.save(to: folder) }
        XCTAssertTrue(FileIO.isDirectory(folder))
        // A symlink to a regular file: the target is replaced, the link stays.
        let target = d.write("target.lever", "old")
        let link = d.path + "/link.lever"
        XCTAssertEqual(symlink(target, link), 0)
        try m.save(to: link)
        XCTAssertEqual(lstat(link, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFLNK, "the link was replaced by a file")
        XCTAssertNoThrow(try LeverModel.load(from: target))
        // A dangling link is refused.
        let dangling = d.path + "/dangling.lever"
        XCTAssertEqual(symlink(d.path + "/missing/x.lever", dangling), 0)
        assertLeverError(.io, [dangling, "symbolic link"]) { try m.save(to: dangling) }
        XCTAssertEqual(temporaries(d.path), [])
    }

    // Item 15: a failed save removes the folders it created.
    func testFailedSaveRemovesTheFoldersItCreated() throws {
        let d = TempDir()
        let m = try tinyModel(d)
        let long = String(repeating: "n", count: 300)  // longer than NAME_MAX: the rename fails
        assertLeverError(.io, [long]) { try m.save(to: d.path + "/a/b/c/" + long) }
        XCTAssertFalse(FileIO.exists(d.path + "/a"), "left the folders it created")
        assertLeverError(.io, ["simulated"]) {
            try FileIO.writeAtomically(d.path + "/x/y/z.txt") { (sink) throws(LeverError) in
                try sink.write("partial")
                throw LeverError(.io, "simulated failure")
            }
        }
        XCTAssertFalse(FileIO.exists(d.path + "/x"))
    }

    // Item 15: temporaries of a process killed during a save are removed by the next save.
    func testNextSaveRemovesTemporariesOfDeadProcesses() throws {
        let d = TempDir()
        let m = try tinyModel(d)
        let dead = d.write(".m.lever.lever-tmp-4194305-Ab12Cd", "left by a killed save")  // above pid_max
        let live = d.write(".m.lever.lever-tmp-1-Ef34Gh", "a save in progress in process 1")
        let other = d.write(".other.lever.lever-tmp-4194305-Ij56Kl", "another path's")
        try m.save(to: d.path + "/m.lever")
        XCTAssertFalse(FileIO.exists(dead))
        XCTAssertTrue(FileIO.exists(live))
        XCTAssertTrue(FileIO.exists(other))
    }

    // Item 15: `lever train` saves the model before writing predictions of it.
    func testRunWritesNoPredictionsWhenTheModelCannotBeSaved() throws {
        let d = TempDir()
        writeTinyDataset(d)
        try FileManager.default.createDirectory(atPath: d.path + "/model.lever", withIntermediateDirectories: false)
        let cfg = try RunConfig.parse(#"""
            {"data": {"dir": "\#(d.path)"}, "method": "knn", "features": {"hash_bits": 12},
             "output": {"dir": "\#(d.path)", "model": "model.lever", "predictions": "pred.txt",
                        "report": "report.json"}}
            """#)
        assertLeverError(.io, ["model.lever"]) { try Run.execute(cfg) }
        XCTAssertFalse(FileIO.exists(d.path + "/pred.txt"), "predictions written for a model that was not saved")
        XCTAssertFalse(FileIO.exists(d.path + "/report.json"))
    }

    // Items 18 and 2: a FIFO or a device where a regular file is expected is refused at once.
    func testReadsRefuseFIFOsAndDevicesWithoutBlocking() throws {
        let d = TempDir()
        let fifo = d.path + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        assertLeverError(.io, [fifo, "FIFO"]) { try RunConfig.load(path: fifo) }
        assertLeverError(.io, [fifo, "FIFO"]) { try LeverModel.load(from: fifo) }
        assertLeverError(.io, [fifo, "FIFO"]) { try XCDataset.readTexts(fifo) }
        for path in ["/dev/zero", "/dev/null"] {
            assertLeverError(.io, [path, "character device"]) { try RunConfig.load(path: path) }
            assertLeverError(.io, [path, "character device"]) { try LeverModel.load(from: path) }
            assertLeverError(.io, [path, "character device"]) { try XCDataset.readTexts(path) }
            assertLeverError(.io, [path, "character device"]) { try SparseFile.read(path) }
        }
        writeTinyDataset(d)
        let cfg = try RunConfig.parse(#"""
            {"data": {"dir": "\#(d.path)"}, "method": "lever", "teacher": {"load": "/dev/zero"}}
            """#)
        assertLeverError(.io, ["/dev/zero", "character device"]) { try Trainer.train(cfg) }
    }

    // Item 11: the magic is checked before a non-model file is read (a 1 TB sparse file would
    // otherwise be read whole). A model is mapped, not read: a 1 TB file with a valid fixed header
    // costs no memory and fails at its header checksum without its body being touched.
    func testModelHeaderIsCheckedBeforeTheFileIsRead() throws {
        let d = TempDir()
        let big = d.write("big.bin", "NOTMODEL")
        XCTAssertEqual(truncate(big, 1 << 40), 0)
        assertLeverError(.notAModel, [big, "LEVERMDL"]) { try LeverModel.load(from: big) }
        var w = ByteWriter()
        ModelFile.magic.forEach { w.u8($0) }
        w.u16(1); w.u16(0); w.u32(ModelFile.byteOrderMark); w.u32(36); w.u32(0); w.u64(1 << 40)
        let huge = d.write("huge.lever", bytes: w.bytes)
        XCTAssertEqual(truncate(huge, 1 << 40), 0)
        assertLeverError(.corrupt, [huge, "header checksum"]) { try LeverModel.load(from: huge) }
        // A header whose file length disagrees with the real size is refused before reading.
        let short = d.write("short.lever", bytes: w.bytes)
        assertLeverError(.corrupt, [short, "header"]) { try LeverModel.load(from: short) }
    }

    // Item 11: a config is at most 1 MiB (a 100 MB array of integers took 5.7 GB).
    func testConfigSizeIsBounded() throws {
        let d = TempDir()
        let items = [String](repeating: "1", count: 600_000).joined(separator: ",")
        let path = d.write("big.json", #"{"evaluation": {"k": ["# + items + "]}}")
        assertLeverError(.config, [path, "1 MiB"]) { try RunConfig.load(path: path) }
        assertLeverError(.config, ["1 MiB"]) { try RunConfig.parse(#"{"evaluation": {"k": ["# + items + "]}}") }
    }

    // Items 2 and 11: only the first 64 KiB of a text are featurised, cut at a character boundary.
    func testOnlyTheFirst64KiBOfATextAreFeaturised() throws {
        let f = try TfidfFeaturizer.fit(["a b c", "b c d"], config: FeatureConfig(hashBits: 12), threads: 1)
        let head = String(repeating: "ab cd ", count: 10_922) + "xyz"  // 65,535 bytes
        let tail = "é" + String(repeating: " zebra", count: 200_000)   // é straddles the cap
        XCTAssertEqual(head.utf8.count, 65_535)
        XCTAssertEqual(f.transform(head + tail), f.transform(head))
        XCTAssertEqual(Tokenizer.tokens(head + tail).count, Tokenizer.tokens(head).count)
        XCTAssertEqual(Tokenizer.featurised("short é").count, 7)
    }
}

/// A failure count shared by concurrent test closures.
private final class SaveFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    var count: Int { lock.lock(); defer { lock.unlock() }; return n }
    func add() { lock.lock(); n += 1; lock.unlock() }
}
