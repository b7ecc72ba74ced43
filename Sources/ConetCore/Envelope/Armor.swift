import Foundation

/// The text form of a message: standard base64 of the binary envelope in lines of exactly 64
/// characters (the last one shorter), LF line endings, between BEGIN and END lines. Strict like
/// age's armor: one canonical encoding per message, so armored bytes cannot be malleated.
public enum Armor {
    public static let beginLine = "-----BEGIN CONET MESSAGE-----"
    public static let endLine = "-----END CONET MESSAGE-----"
    static let columns = 64

    /// Whether `prefix` (the first bytes of an input) starts an armored message, after optional
    /// leading whitespace.
    public static func isArmored(prefix: [UInt8]) -> Bool {
        let trimmed = prefix.drop { isWhitespace($0) }
        return trimmed.starts(with: Array(beginLine.utf8))
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d
    }
}

/// Armors a stream: feed it binary with `write`, then `finish`. Calls `output` in order from
/// whichever thread calls it (the envelope writer's worker), one caller at a time.
public final class ArmorWriter: @unchecked Sendable {
    private let output: @Sendable ([UInt8]) throws -> Void
    private var pending: [UInt8] = []
    private var started = false
    /// Input bytes per batch: a multiple of 48, so each batch is whole 64-column lines.
    private static let batch = 48 * 1024

    public init(output: @escaping @Sendable ([UInt8]) throws -> Void) {
        self.output = output
    }

    public func write(_ bytes: [UInt8]) throws {
        if !started {
            started = true
            try output(Array((Armor.beginLine + "\n").utf8))
        }
        pending += bytes
        if pending.count >= Self.batch {
            let whole = pending.count / 48 * 48
            try output(Self.lines(pending[..<whole]))
            pending.removeFirst(whole)
        }
    }

    public func finish() throws {
        if !started { try write([]) }
        if !pending.isEmpty { try output(Self.lines(pending[...])) }
        pending = []
        try output(Array((Armor.endLine + "\n").utf8))
    }

    private static func lines(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        [UInt8](Data(bytes).base64EncodedData(options: [.lineLength64Characters, .endLineWithLineFeed])) + [0x0a]
    }
}

/// Reads an armored message back to binary, refusing anything but the strict form.
public final class ArmorReader: ByteSource {
    private let base: ByteSource
    private var text: [UInt8] = []
    private var textOffset = 0
    private var decoded: [UInt8] = []
    private var decodedOffset = 0
    private var line = 0
    private var state = State.beforeBegin
    private var baseEnded = false

    private enum State { case beforeBegin, body, afterShortLine, ended }

    public init(_ base: ByteSource) { self.base = base }

    public func read(upTo count: Int) throws -> [UInt8] {
        while decodedOffset == decoded.count && state != .ended {
            decoded = try decodeMore()
            decodedOffset = 0
        }
        let end = min(decoded.count, decodedOffset + count)
        defer { decodedOffset = end }
        return Array(decoded[decodedOffset..<end])
    }

    /// Decodes the next batch of full lines (or the last short one) into binary.
    private func decodeMore() throws -> [UInt8] {
        var batch: [UInt8] = []
        while batch.count < 64 * 1024 {
            guard let current = try nextLine() else {
                throw EnvelopeError.badArmor(state == .beforeBegin ? "no BEGIN line" : "no END line (the text is cut)")
            }
            switch state {
            case .beforeBegin:
                let trimmed = Array(current.drop(while: Armor.isWhitespace))
                if trimmed.isEmpty { continue }
                guard trimmed == Array(Armor.beginLine.utf8) else { throw EnvelopeError.badArmor("line \(line) is not '\(Armor.beginLine)'") }
                state = .body
            case .body, .afterShortLine:
                if current == Array(Armor.endLine.utf8) {
                    guard line > 2 else { throw EnvelopeError.badArmor("the armor holds no data") }
                    try checkOnlyWhitespaceFollows()
                    state = .ended
                    return try decode(batch)
                }
                guard state == .body else { throw EnvelopeError.badArmor("line \(line) follows a short line; only the last line may be short") }
                guard current.count <= Armor.columns, !current.isEmpty else {
                    throw EnvelopeError.badArmor("line \(line) has \(current.count) characters; lines have exactly \(Armor.columns)")
                }
                // The last data line may be short or end in padding; nothing but END may follow it.
                if current.count < Armor.columns || current.last == UInt8(ascii: "=") {
                    guard current.count % 4 == 0 else { throw EnvelopeError.badArmor("line \(line) is not whole base64 groups") }
                    let bytes = try decode(batch)
                    let last = try decode(current)
                    // Canonical: re-encoding must give the same characters (no stray padding bits).
                    guard Array(Data(last).base64EncodedData()) == current else {
                        throw EnvelopeError.badArmor("line \(line) is not canonical base64")
                    }
                    state = .afterShortLine
                    return bytes + last
                }
                batch += current
            case .ended:
                return try decode(batch)
            }
        }
        return try decode(batch)
    }

    private func decode(_ text: [UInt8]) throws -> [UInt8] {
        guard !text.isEmpty else { return [] }
        // Foundation refuses padding anywhere but at the end of what it is given.
        guard let data = Data(base64Encoded: Data(text)), text.count % 4 == 0 else {
            throw EnvelopeError.badArmor("invalid base64 before line \(line)")
        }
        return [UInt8](data)
    }

    /// The next LF-terminated line without its LF; nil at the end of input.
    private func nextLine() throws -> [UInt8]? {
        while true {
            if let newline = text[textOffset...].firstIndex(of: 0x0a) {
                let current = Array(text[textOffset..<newline])
                textOffset = newline + 1
                line += 1
                guard !current.contains(0x0d) else { throw EnvelopeError.badArmor("line \(line) ends with CR; armor uses LF line endings") }
                return current
            }
            guard text.count - textOffset <= 4096 else { throw EnvelopeError.badArmor("line \(line + 1) is too long") }
            if baseEnded {
                guard textOffset == text.count else { throw EnvelopeError.badArmor("the last line has no newline") }
                return nil
            }
            text.removeFirst(textOffset)
            textOffset = 0
            let more = try base.read(upTo: 64 * 1024)
            if more.isEmpty { baseEnded = true } else { text += more }
        }
    }

    /// After END only whitespace may follow (at most 1 KiB of it).
    private func checkOnlyWhitespaceFollows() throws {
        var rest = Array(text[textOffset...])
        while !baseEnded && rest.count <= 1024 {
            let more = try base.read(upTo: 1024)
            if more.isEmpty { baseEnded = true } else { rest += more }
        }
        guard rest.count <= 1024, rest.allSatisfy(Armor.isWhitespace) else {
            throw EnvelopeError.badArmor("data after the END line")
        }
    }
}
