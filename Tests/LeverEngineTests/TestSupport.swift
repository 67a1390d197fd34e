import Foundation
import XCTest
@testable import LeverEngine

/// A fresh temporary folder per test, removed afterwards.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "lever-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let p = path + "/" + name
        FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let p = path + "/" + name
        FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    func read(_ name: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: path + "/" + name) ?? Data())
    }
}

/// Asserts that `body` throws a LeverError with `status` whose message contains every fragment.
func assertLeverError<T>(_ status: LeverStatus, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected \(status) error containing \(fragments)", file: file, line: line)
    } catch let e as LeverError {
        XCTAssertEqual(e.status, status, "message: \(e.message)", file: file, line: line)
        for f in fragments {
            XCTAssertTrue(e.message.contains(f), "message \"\(e.message)\" lacks \"\(f)\"", file: file, line: line)
        }
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

/// A tiny but complete XC dataset: 3 labels, 4 training rows, 2 test rows.
func writeTinyDataset(_ dir: TempDir) {
    dir.write("Y.txt", "cat\ndog\nbird\n")
    dir.write("trn_X.txt", "small cat\nbig dog\nsmall bird\ncat and dog\n")
    dir.write("trn_X_Y.txt", "4 3\n0:1\n1:1\n2:1\n0:1 1:1\n")
    dir.write("tst_X.txt", "a cat\na dog\n")
    dir.write("tst_X_Y.txt", "2 3\n0:1\n1:1\n")
}
