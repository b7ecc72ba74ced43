#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// ASCII armor, read as `recv` and `inspect` read a text message. The armor is strict so that one
/// message has one text form: whatever the reader accepts must be exactly what the writer makes
/// of the decoded bytes, apart from the whitespace allowed before and after.
enum ArmorTarget {
    static let target = FuzzTarget(
        name: "armor",
        summary: "armored text (BEGIN line, 64-column base64, END line)",
        run: run)

    static func run(_ input: [UInt8]) {
        _ = Armor.isArmored(prefix: Array(input.prefix(64)))
        // As the command-line tools open a file: whitespace skipped, then armor or binary.
        guard let (reader, armored) = try? Armor.open(MemorySource(input)), armored else { return }
        var decoded: [UInt8] = []
        do {
            // Small reads, as the header parser makes, mixed with large ones.
            var size = 1
            while true {
                let piece = try reader.read(upTo: size)
                if piece.isEmpty { break }
                decoded += piece
                size = size >= 1 << 16 ? 1 : size * 7
            }
        } catch {
            return
        }
        let canonical = armor(decoded)
        let trimmed = input.drop(while: Armor.isWhitespace).reversed().drop(while: Armor.isWhitespace).reversed()
        FuzzInvariant.require(
            Array(trimmed) == canonical.dropLast(),
            "the armor reader accepted a text that is not the canonical armor of the \(decoded.count) bytes it decoded")
    }

    /// The armor `ArmorWriter` makes of `bytes` (ending in a line feed).
    static func armor(_ bytes: [UInt8]) -> [UInt8] {
        let collected = Collected()
        let writer = ArmorWriter { collected.bytes += $0 }
        try! writer.write(bytes)
        try! writer.finish()
        return collected.bytes
    }

    /// The writer's output, gathered on the calling thread.
    private final class Collected: @unchecked Sendable {
        var bytes: [UInt8] = []
    }
}
#endif
