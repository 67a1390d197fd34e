/// A read-mostly array of a model part: either an owned Swift array (a trained model) or a view of
/// little-endian elements inside a loaded model file (`MappedFile`), used in place. The view keeps
/// the file alive, so the mapping lasts as long as any scorer using it. Mutation (training, adding
/// labels) first turns a view into an owned copy.
struct ArrayStorage<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
    private var owned: [Element]
    /// The file the view lies in, and the view's first element (nil: the elements are `owned`).
    private let file: MappedFile?
    private let base: UnsafePointer<Element>?
    private let viewCount: Int

    init(_ array: [Element]) {
        owned = array
        file = nil
        base = nil
        viewCount = 0
    }

    /// A view of `count` elements at `offset` of `file`; the caller has checked the bounds and that
    /// the offset is aligned for `Element`.
    init(viewing file: MappedFile, at offset: Int, count: Int) {
        owned = []
        self.file = file
        base = (file.bytes.baseAddress! + offset).assumingMemoryBound(to: Element.self)
        viewCount = count
    }

    /// True when the elements are read from a model file in place.
    var isView: Bool { file != nil }

    var count: Int { base == nil ? owned.count : viewCount }
    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "ArrayStorage index out of range")
        if let base { return withExtendedLifetime(file) { base[i] } }
        return owned[i]
    }

    func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<Element>) throws(E) -> R) throws(E) -> R {
        if let base {
            return try withExtendedLifetime(file) { () throws(E) -> R in
                try body(UnsafeBufferPointer(start: base, count: count))
            }
        }
        return try owned.withUnsafeBufferPointer { (b) throws(E) -> R in try body(b) }
    }

    /// The elements as a Swift array (a copy for a view).
    var array: [Element] { base == nil ? owned : withUnsafeBufferPointer { Array($0) } }

    /// Runs `body` on the elements as an owned, mutable array; a view is copied first.
    mutating func withOwnedArray<R>(_ body: (inout [Element]) throws -> R) rethrows -> R {
        if base != nil { self = ArrayStorage(array) }
        return try body(&owned)
    }
}

extension ArrayStorage: Equatable where Element: Equatable {
    static func == (a: ArrayStorage, b: ArrayStorage) -> Bool { a.elementsEqual(b) }
}

extension ArrayStorage: ExpressibleByArrayLiteral {
    init(arrayLiteral elements: Element...) { self.init(elements) }
}
