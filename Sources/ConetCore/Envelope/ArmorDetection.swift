/// Telling an armored message from a binary one at the start of an input, however much whitespace
/// comes first. A fixed-size peek cannot: after 64 bytes of blank lines (a mail client's, an
/// editor's) it saw only whitespace and took the text for binary. So the whitespace is read and
/// dropped one block at a time, and only what follows it is held.
extension Armor {
    /// How many leading whitespace bytes are kept for a binary reader when the input turns out not
    /// to be armored. A binary envelope starts with "CONET", so whitespace can only precede armor:
    /// beyond this the rest is dropped, and the binary reader still refuses the input at its first byte.
    static let keptWhitespace = 4096

    /// Reads whitespace at the start of `base` until the first other byte, then decides: an input
    /// whose first non-whitespace bytes are the BEGIN line is decoded through an `ArmorReader`;
    /// any other is returned as binary, byte for byte (up to `keptWhitespace` leading whitespace).
    /// Memory stays bounded by one read whatever the length of the whitespace.
    public static func open(_ base: ByteSource) throws -> (source: ByteSource, armored: Bool) {
        let begin = Array(beginLine.utf8)
        var kept: [UInt8] = []
        var newlines = 0
        var rest: [UInt8] = []
        while rest.isEmpty {
            let block = try base.read(upTo: 64 * 1024)
            if block.isEmpty { return (ReplayedSource(kept, then: base), false) }
            let (first, lines) = leadingWhitespace(of: block[...])
            newlines += lines
            kept += block[..<first].prefix(keptWhitespace - kept.count)
            rest = Array(block[first...])
        }
        if rest.count < begin.count { rest += try base.read(exactly: begin.count - rest.count) }
        if rest.starts(with: begin) {
            return (ArmorReader(ReplayedSource(rest, then: base), linesBefore: newlines), true)
        }
        return (ReplayedSource(kept + rest, then: base), false)
    }

    /// Where the leading whitespace of `bytes` ends (an index of `bytes`, its end index when all
    /// of it is whitespace), and how many LFs it holds. One plain pass over the bytes, so a long
    /// run is read at memory speed.
    static func leadingWhitespace(of bytes: ArraySlice<UInt8>) -> (end: Int, newlines: Int) {
        bytes.withUnsafeBufferPointer { buffer in
            var newlines = 0
            for offset in buffer.indices {
                switch buffer[offset] {
                case 0x20, 0x09, 0x0d: continue
                case 0x0a: newlines += 1
                default: return (bytes.startIndex + offset, newlines)
                }
            }
            return (bytes.endIndex, newlines)
        }
    }
}

/// Bytes already read from a source, handed out again before the rest of that source.
final class ReplayedSource: ByteSource {
    private var held: [UInt8]
    private var offset = 0
    private let base: ByteSource

    init(_ held: [UInt8], then base: ByteSource) {
        self.held = held
        self.base = base
    }

    func read(upTo count: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        guard offset < held.count else {
            if !held.isEmpty { held = [] }
            return try base.read(upTo: count)
        }
        let end = offset + min(count, held.count - offset)
        defer { offset = end }
        return Array(held[offset..<end])
    }
}
