import Foundation

/// The text form of a message: standard base64 of the binary envelope in lines of exactly 64
/// characters (the last one shorter), LF line endings, between BEGIN and END lines. Strict like
/// age's armor: one canonical encoding per message, so armored bytes cannot be malleated.
public enum Armor {
    public static let beginLine = "-----BEGIN CONET MESSAGE-----"
    public static let endLine = "-----END CONET MESSAGE-----"
    static let columns = 64

    /// Whether `prefix` (the first bytes of an input) starts an armored message, after optional
    /// leading whitespace. A prefix of whitespace alone cannot tell: `open(_:)` reads as far as it takes.
    public static func isArmored(prefix: [UInt8]) -> Bool {
        let trimmed = prefix.drop { isWhitespace($0) }
        return trimmed.starts(with: Array(beginLine.utf8))
    }

    /// Space, tab, LF and CR: what may come before BEGIN and after END.
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

/// Reads an armored message back to binary, refusing anything but the strict form. Any amount of
/// whitespace may precede the BEGIN line (as mail and editors add it); it is skipped as it is read,
/// never held, so memory stays bounded.
public final class ArmorReader: ByteSource {
    private let base: ByteSource
    private var text: [UInt8] = []
    private var textOffset = 0
    private var decoded: [UInt8] = []
    private var decodedOffset = 0
    private var line: Int
    /// The BEGIN line's number, once read.
    private var beginLineNumber = 0
    private var state = State.beforeBegin
    private var baseEnded = false

    private enum State { case beforeBegin, body, afterShortLine, ended }

    /// - Parameter linesBefore: lines already consumed before `base` begins (by `Armor.open`,
    ///   which skipped leading whitespace), so errors still name the input's own line numbers.
    public init(_ base: ByteSource, linesBefore: Int = 0) {
        self.base = base
        line = max(0, linesBefore)
    }

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
        if state == .beforeBegin { try skipLeadingWhitespace() }
        while batch.count < 64 * 1024 {
            guard let current = try nextLine() else {
                throw EnvelopeError.badArmor(state == .beforeBegin ? "no BEGIN line" : "no END line (the text is cut)")
            }
            switch state {
            case .beforeBegin:
                guard current == Array(Armor.beginLine.utf8) else { throw EnvelopeError.badArmor("line \(line) is not '\(Armor.beginLine)'") }
                beginLineNumber = line
                state = .body
            case .body, .afterShortLine:
                if current == Array(Armor.endLine.utf8) {
                    guard line > beginLineNumber + 1 else { throw EnvelopeError.badArmor("the armor holds no data") }
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
                // Padding belongs at the end of the last line only: Foundation's decoder lets an
                // '=' inside a batch pass, which would give one message two text forms.
                guard !current.contains(UInt8(ascii: "=")) else {
                    throw EnvelopeError.badArmor("line \(line) has padding ('=') before its end; only the last line may be padded")
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
            try readMore()
        }
    }

    /// Skips whitespace before BEGIN, counting its lines, one read at a time: a run of any length
    /// costs no more memory than one read.
    private func skipLeadingWhitespace() throws {
        while true {
            let (end, newlines) = Armor.leadingWhitespace(of: text[textOffset...])
            line += newlines
            textOffset = end
            if textOffset < text.count || baseEnded { return }
            try readMore()
        }
    }

    /// Drops what has been consumed and appends the next read of the base (or notes its end).
    private func readMore() throws {
        text.removeFirst(textOffset)
        textOffset = 0
        let more = try base.read(upTo: 64 * 1024)
        if more.isEmpty { baseEnded = true } else { text += more }
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
