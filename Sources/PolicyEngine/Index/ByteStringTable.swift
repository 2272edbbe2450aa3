#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open-addressing hash table that gives each distinct byte string a dense ordinal.
///
/// Lookups take the needle as raw UTF-8 so that matching and indexing compare bytes exactly, as Go does
/// (Swift's `String ==` would treat canonically equivalent Unicode as equal).
struct ByteStringTable: Sendable {
    private struct Slot: Sendable {
        var hash: UInt64 = 0
        var start: Int32 = 0
        var count: Int32 = 0
        var ordinal: Int32 = -1
    }

    private var storage: [UInt8] = []
    private var slots: [Slot] = Array(repeating: Slot(), count: 8)
    private(set) var count = 0

    init() {}

    init(_ keys: some Sequence<[UInt8]>) {
        for key in keys { _ = intern(key) }
    }

    /// The ordinal of `key`, adding it when new. Ordinals count up from 0 in insertion order.
    mutating func intern(_ key: [UInt8]) -> Int {
        if let existing = key.withUnsafeBufferPointer({ find($0) }) { return existing }
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let hash = key.withUnsafeBufferPointer { ByteStringTable.hash($0) }
        let slot = Slot(hash: hash, start: Int32(storage.count), count: Int32(key.count), ordinal: Int32(count))
        storage.append(contentsOf: key)
        place(slot)
        count += 1
        return count - 1
    }

    /// The ordinal of `key`, or nil.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = ByteStringTable.hash(key)
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            storage.withUnsafeBufferPointer { storage in
                while true {
                    let slot = slots[index]
                    if slot.ordinal < 0 { return nil }
                    if slot.hash == hash, Int(slot.count) == key.count,
                       key.count == 0 || memoryEqual(storage.baseAddress! + Int(slot.start), key.baseAddress!, key.count) {
                        return Int(slot.ordinal)
                    }
                    index = (index + 1) & mask
                }
            }
        }
    }

    private mutating func place(_ slot: Slot) {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: slot.hash) & mask
        while slots[index].ordinal >= 0 { index = (index + 1) & mask }
        slots[index] = slot
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: old.count * 2)
        for slot in old where slot.ordinal >= 0 { place(slot) }
    }

    /// FNV-1a, 64 bit.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash ^ (hash >> 29)
    }
}

/// Byte-wise equality of two memory ranges: 8 bytes at a time, the tail as one overlapping load.
@inline(__always)
func memoryEqual(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    let left = UnsafeRawPointer(lhs)
    let right = UnsafeRawPointer(rhs)
    if count >= 8 {
        var index = 0
        while index + 8 <= count {
            if left.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                != right.loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
            index += 8
        }
        return index == count
            || left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                == right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
    if count >= 4 {
        return left.loadUnaligned(as: UInt32.self) == right.loadUnaligned(as: UInt32.self)
            && left.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                == right.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
    }
    var index = 0
    while index < count {
        if lhs[index] != rhs[index] { return false }
        index += 1
    }
    return true
}

/// True when `text[from...]` minus its last `droppingLast` bytes holds a newline (libc's vectorised `memchr`).
@inline(__always)
func containsNewline(_ text: UnsafeBufferPointer<UInt8>, from start: Int = 0, droppingLast: Int = 0) -> Bool {
    let count = text.count - start - droppingLast
    guard count > 0, let base = text.baseAddress else { return false }
    return memchr(base + start, 0x0A, count) != nil
}

extension UnsafeBufferPointer<UInt8> {
    @inline(__always)
    func equals(_ other: [UInt8]) -> Bool {
        guard count == other.count else { return false }
        guard count > 0 else { return true }
        return other.withUnsafeBufferPointer { memoryEqual(baseAddress!, $0.baseAddress!, count) }
    }

    @inline(__always)
    func hasPrefix(_ prefix: [UInt8]) -> Bool {
        guard count >= prefix.count else { return false }
        guard !prefix.isEmpty else { return true }
        return prefix.withUnsafeBufferPointer { memoryEqual(baseAddress!, $0.baseAddress!, prefix.count) }
    }

    @inline(__always)
    func hasSuffix(_ suffix: [UInt8]) -> Bool {
        guard count >= suffix.count else { return false }
        guard !suffix.isEmpty else { return true }
        return suffix.withUnsafeBufferPointer {
            memoryEqual(baseAddress! + (count - suffix.count), $0.baseAddress!, suffix.count)
        }
    }

    /// True when `needle` occurs anywhere in the buffer.
    func contains(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        guard let first = needle.first else { return true }
        return needle.withUnsafeBufferPointer { needleBytes in
            var start = 0
            while start + needleBytes.count <= count {
                if self[start] == first,
                   memoryEqual(baseAddress! + start, needleBytes.baseAddress!, needleBytes.count) {
                    return true
                }
                start += 1
            }
            return false
        }
    }
}
