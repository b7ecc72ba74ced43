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
    /// - Throws: `HexError` naming the first bad character or an odd length.
    public static func decode(_ text: String) throws(HexError) -> [UInt8] {
        var body = Substring(text).drop(while: \.isWhitespace)
        while let last = body.last, last.isWhitespace { body = body.dropLast() }
        if body.hasPrefix("0x") || body.hasPrefix("0X") { body = body.dropFirst(2) }
        let utf8 = Array(body.utf8)
        guard utf8.count % 2 == 0 else { throw .oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(of: utf8[index]) else { throw .invalidCharacter(offset: index) }
            guard let low = value(of: utf8[index + 1]) else { throw .invalidCharacter(offset: index + 1) }
            out.append(high << 4 | low)
            index += 2
        }
        return out
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
public enum HexError: Error, Equatable, Sendable, CustomStringConvertible {
    case oddLength(Int)
    case invalidCharacter(offset: Int)
    case wrongLength(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .oddLength(let count): "hex text has an odd number of digits (\(count))"
        case .invalidCharacter(let offset): "hex text has a non-hex character at position \(offset)"
        case .wrongLength(let expected, let actual): "hex text is \(actual) bytes long, expected \(expected)"
        }
    }
}
