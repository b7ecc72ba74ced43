import Foundation

/// Hexadecimal text for byte strings: lower-case out, either case in, optional `0x` prefix.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes`, without a prefix.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex text (an optional `0x` prefix, surrounding white space ignored).
    /// - Throws: `HexError` naming the first bad character and its position in `text`, or an
    ///   odd number of digits.
    public static func decode(_ text: String) throws(HexError) -> [UInt8] {
        var body = Substring(text).drop(while: \.isWhitespace)
        while let last = body.last, last.isWhitespace { body = body.dropLast() }
        if body.hasPrefix("0x") || body.hasPrefix("0X") { body = body.dropFirst(2) }
        let utf8 = Array(body.utf8)
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(of: utf8[index]) else { throw invalidCharacter(in: text, body: body, at: index) }
            guard index + 1 < utf8.count else { throw .oddLength(utf8.count) }
            guard let low = value(of: utf8[index + 1]) else { throw invalidCharacter(in: text, body: body, at: index + 1) }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// The error for the non-hex byte at `offset` of `body`'s UTF-8: every byte before it is an
    /// ASCII digit, so it starts a Unicode scalar, and its 1-based position in `text` is the
    /// characters before `body` plus `offset`.
    private static func invalidCharacter(in text: String, body: Substring, at offset: Int) -> HexError {
        let start = body.utf8.index(body.startIndex, offsetBy: offset)
        return .invalidCharacter(Character(body.unicodeScalars[start]), position: text.distance(from: text.startIndex, to: body.startIndex) + offset + 1)
    }

    /// Parses hex text that must decode to exactly `count` bytes.
    public static func decode(_ text: String, count: Int) throws(HexError) -> [UInt8] {
        let bytes = try decode(text)
        guard bytes.count == count else { throw .wrongLength(expected: count, actual: bytes.count) }
        return bytes
    }

    private static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Why a hex string was refused.
public enum HexError: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    /// The number of digits (after any `0x`) is odd: hex takes two digits a byte.
    case oddLength(Int)
    /// A character that is not a hex digit, at a 1-based character position in the text given.
    case invalidCharacter(Character, position: Int)
    /// The digits decode to `actual` bytes where `expected` were needed.
    case wrongLength(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .oddLength(let count): "hex text has an odd number of digits (\(count)); each byte takes two"
        case .invalidCharacter(let character, let position):
            "hex text has a bad character \(Self.quoted(character)) at position \(position) (hex digits are 0-9, a-f, A-F)"
        case .wrongLength(let expected, let actual):
            "hex text has the wrong length: expected \(expected) bytes, got \(actual)"
        }
    }

    public var errorDescription: String? { description }

    /// A printable character in quotes; anything else (a control, a combining mark) as U+XXXX.
    private static func quoted(_ character: Character) -> String {
        let scalars = character.unicodeScalars
        if scalars.count == 1, let scalar = scalars.first, scalar.value >= 0x21, scalar.value < 0x7f { return "'\(character)'" }
        return scalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
    }
}
