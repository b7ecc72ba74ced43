import Foundation

/// An annotated hex dump (`conet inspect --hex`): each field of a frame or message on its own
/// lines, with its offset, its bytes and its name. Long opaque fields (ciphertext) show their
/// first bytes and how many more there are, so a 1 GiB message still dumps in a page.
public struct AnnotatedHex: Sendable {
    public struct Field: Sendable {
        public let offset: Int
        public let bytes: [UInt8]
        public let byteCount: Int
        public let name: String
    }

    public private(set) var fields: [Field] = []
    /// Bytes shown per field before eliding the rest.
    public static let shownBytes = 32

    public init() {}

    /// Adds a field; only the first `shownBytes` of `bytes` are kept, `byteCount` is its full size.
    public mutating func add(_ name: String, at offset: Int, _ bytes: ArraySlice<UInt8>, byteCount: Int? = nil) {
        fields.append(Field(offset: offset, bytes: Array(bytes.prefix(Self.shownBytes)), byteCount: byteCount ?? bytes.count, name: name))
    }

    /// Adds consecutive fields of `bytes` starting at `base`, each a name and a length; a length
    /// of nil takes the rest. Stops quietly where the bytes run out (a cut frame shows as such).
    public mutating func layout(_ bytes: ArraySlice<UInt8>, base: Int, _ parts: [(String, Int?)]) {
        var index = bytes.startIndex
        for (name, length) in parts {
            guard index < bytes.endIndex || length == 0 else { break }
            let end = length.map { min(bytes.endIndex, index + $0) } ?? bytes.endIndex
            add(name + (length.map { end - index < $0 ? " (cut short: \(end - index) of \($0) bytes)" : "" } ?? ""), at: base + index - bytes.startIndex, bytes[index..<end])
            index = end
        }
    }

    /// The dump as text: 16 bytes per line, the field's name on its first line.
    public var text: String {
        fields.map(\.text).joined(separator: "\n")
    }
}

extension AnnotatedHex.Field {
    /// The field's lines (no final newline): its offset, up to 16 of its shown bytes per line,
    /// its name on the first line and, when bytes were left out, how many on the last.
    public var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(80 * max(1, (bytes.count + 15) / 16))
        let rows = max(1, (bytes.count + 15) / 16)
        for row in 0..<rows {
            if row > 0 { out.append(0x0A) }
            appendHex(UInt64(truncatingIfNeeded: offset + row * 16), digits: 8, to: &out)
            out += [0x20, 0x20]
            let chunk = bytes[min(row * 16, bytes.count)..<min(row * 16 + 16, bytes.count)]
            for (index, byte) in chunk.enumerated() {
                if index > 0 { out.append(0x20) }
                appendHex(UInt64(byte), digits: 2, to: &out)
            }
            // Bytes take 48 columns, so names line up.
            let used = chunk.isEmpty ? 0 : chunk.count * 3 - 1
            out += repeatElement(0x20, count: 48 - used)
            out += [0x20, 0x20]
            var label = row == 0 ? name : ""
            if row == rows - 1 && byteCount > bytes.count {
                label += (label.isEmpty ? "" : " ") + "… \(byteCount - bytes.count) more bytes (\(byteCount) in all)"
            }
            out += label.utf8
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lowercase hex of `value`, at least `digits` wide (an offset past 2^32 keeps its digits).
    private func appendHex(_ value: UInt64, digits: Int, to out: inout [UInt8]) {
        var width = digits
        while width < 16 && value >> (4 * UInt64(width)) != 0 { width += 1 }
        for shift in stride(from: width - 1, through: 0, by: -1) {
            out.append(Self.hexDigits[Int(value >> (4 * UInt64(shift)) & 0xF)])
        }
    }
}
