#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// The clear header of a message, read the way `conet inspect` reads a file nobody can open:
/// armor detection, the header, the size breakdown (text and JSON) and the annotated hex dump.
/// Relays parse the same header from every anonymous deposit.
enum EnvelopeHeaderTarget {
    static let target = FuzzTarget(
        name: "envelope-header",
        summary: "a message file (binary or armored) as `conet inspect` and `inspect --hex` read it",
        run: run)

    static func run(_ input: [UInt8]) {
        // Once as `inspect` reads it: the header, then everything after it counted.
        if let (header, source, armored) = open(input) {
            var after = 0
            while let block = try? source.read(upTo: 1 << 16), !block.isEmpty { after += block.count }
            if let inspection = try? EnvelopeInspection(header: header, afterHeader: after, inputByteCount: input.count, armored: armored) {
                _ = try? JSONEncoder().encode(inspection)
            }
            _ = header.stampWork()
            _ = header.stanzaByteCount
            if !armored {
                FuzzInvariant.require(header.bytes[...] == input.prefix(header.byteCount), "the header's bytes are not the input's first bytes")
            }
        }
        // Once as `inspect --hex` reads it: the dump walks the chunks itself.
        if let (header, source, _) = open(input), let dump = try? AnnotatedHex.envelope(header: header, rest: source) {
            _ = dump.text
        }
    }

    /// The input opened as `conet inspect` opens a file: armored or binary, header parsed.
    static func open(_ input: [UInt8]) -> (EnvelopeHeader, ByteSource, armored: Bool)? {
        let (source, armored) = source(input)
        guard let header = try? EnvelopeHeader.read(from: source) else { return nil }
        return (header, source, armored)
    }

    /// The input as a source of binary message bytes, through the armor reader when it is armored,
    /// as the command-line tools open a file (`Armor.open`).
    static func source(_ input: [UInt8]) -> (ByteSource, armored: Bool) {
        guard let (source, armored) = try? Armor.open(MemorySource(input)) else { return (MemorySource([]), false) }
        return (source, armored)
    }
}
#endif
