import XCTest
@testable import LeverEngine

final class RadixSortTests: XCTestCase {
    /// Every length class (short lists go to the standard sort) and id range (one to three passes),
    /// with repeats, sorted as the standard library sorts them.
    func testSortsLikeTheStandardLibrary() {
        var rng = SeededRandom(seed: 41)
        var sorter = RadixSorter()
        for count in [0, 1, 255, 256, 257, 5_000] {
            for largest in [1, 2_047, 2_048, 1 << 20, Int(Int32.max)] {
                var values = (0..<count).map { _ in Int32(truncatingIfNeeded: Int(rng.next() % UInt64(largest + 1))) }
                if count > 2 { values[count / 2] = values[0] }
                let expected = values.sorted()
                sorter.sort(&values)
                XCTAssertEqual(values, expected, "count \(count), ids up to \(largest)")
            }
        }
    }
}
