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
        var lines: [String] = []
        for field in fields {
            var rows = stride(from: 0, to: max(field.bytes.count, 1), by: 16).map { Array(field.bytes[min($0, field.bytes.count)..<min($0 + 16, field.bytes.count)]) }
            if rows.isEmpty { rows = [[]] }
            for (row, chunk) in rows.enumerated() {
                let hex = chunk.map { String(format: "%02x", $0) }.joined(separator: " ").padding(toLength: 48, withPad: " ", startingAt: 0)
                var label = row == 0 ? field.name : ""
                if row == rows.count - 1 && field.byteCount > field.bytes.count {
                    label += (label.isEmpty ? "" : " ") + "… \(field.byteCount - field.bytes.count) more bytes (\(field.byteCount) in all)"
                }
                lines.append(String(format: "%08x  ", field.offset + row * 16) + hex + "  " + label)
            }
        }
        return lines.joined(separator: "\n")
    }
}
