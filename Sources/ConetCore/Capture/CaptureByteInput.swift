import Foundation

/// A capture file read front to back through a window: the reader asks for the next `count`
/// bytes, looks at them in the file's byte order, and moves on. Only the window is in memory
/// (one block at most, which the reader caps), so a capture of any size streams through.
final class CaptureByteInput {
    private let source: ByteSource
    private var buffer: [UInt8] = []
    /// Index in `buffer` of the cursor.
    private var start = 0
    private var ended = false
    /// File offset of the cursor.
    private(set) var offset = 0
    /// The byte order of the current section (pcap: the file; pcapng: the section header's).
    var littleEndian = true

    /// How much one read from the source asks for.
    static let readSize = 1 << 20

    init(_ source: ByteSource) { self.source = source }

    /// Bytes buffered at the cursor.
    var available: Int { buffer.count - start }

    /// Makes `count` bytes available at the cursor, reading as needed.
    /// - Returns: false when the file ends first (`available` then says how many there are).
    func fill(_ count: Int) throws -> Bool {
        if available >= count { return true }
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        while buffer.count < count && !ended {
            let more = try source.read(upTo: max(Self.readSize, count - buffer.count))
            if more.isEmpty { ended = true } else { buffer += more }
        }
        return buffer.count >= count
    }

    /// Whether the file has no byte left at the cursor.
    func atEnd() throws -> Bool { try !fill(1) }

    /// The byte at `index` past the cursor (which `fill` made available).
    func byte(_ index: Int) -> UInt8 { buffer[start + index] }

    func u16(_ index: Int) -> UInt16 {
        let a = UInt16(byte(index)), b = UInt16(byte(index + 1))
        return littleEndian ? a | b << 8 : a << 8 | b
    }

    func u32(_ index: Int) -> UInt32 {
        let a = UInt32(u16(index)), b = UInt32(u16(index + 2))
        return littleEndian ? a | b << 16 : a << 16 | b
    }

    /// Bytes `range` past the cursor (which `fill` made available).
    func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> { buffer[(start + range.lowerBound)..<(start + range.upperBound)] }

    /// Moves the cursor over `count` available bytes.
    func advance(_ count: Int) {
        start += count
        offset += count
    }

    /// Moves the cursor `count` bytes on without keeping them (a block too large or of no use).
    /// - Returns: the bytes actually skipped, fewer than `count` when the file ends first.
    func skip(_ count: Int) throws -> Int {
        var skipped = 0
        while skipped < count {
            if available == 0, try !fill(1) { break }
            let step = min(available, count - skipped)
            advance(step)
            skipped += step
        }
        return skipped
    }

    /// The `if_tsresol` option among pcapng options at `range` past the cursor: 10^-n or 2^-n
    /// seconds; microseconds by default. The exponent is 7 bits, so the result is finite.
    func timestampResolution(options range: Range<Int>) -> Double {
        var index = range.lowerBound
        while index + 4 <= range.upperBound {
            let code = u16(index), length = Int(u16(index + 2))
            if code == 0 { break }
            if code == 9, length >= 1, index + 4 < range.upperBound {
                let value = byte(index + 4)
                let exponent = Double(value & 0x7F)
                return value & 0x80 == 0 ? pow(10, exponent) : pow(2, exponent)
            }
            index += 4 + (length + 3) / 4 * 4
        }
        return 1e6
    }
}
