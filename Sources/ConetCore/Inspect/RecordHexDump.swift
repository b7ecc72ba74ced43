import Foundation

extension AnnotatedHex {
    /// The annotated dump of one captured record: its length prefix and clear fields (hellos) or
    /// sealed body; when decrypted, its plaintext fields follow, at offsets within the plaintext.
    public static func record(_ record: CapturedRelaySession.Record) -> (sealed: AnnotatedHex, plaintext: AnnotatedHex?) {
        var dump = AnnotatedHex()
        dump.add("record length \(record.size)", at: record.offset, BigEndian.bytes(UInt32(record.size))[...])
        let body = record.body[...]
        let base = record.offset + 4
        if record.kind == "hello" && record.from == "client" {
            dump.layout(body, base: base, [("magic \"CNRL\"", 4), ("protocol version", 1), ("client ephemeral key", 33)])
        } else if record.kind == "hello" {
            dump.layout(body, base: base, [
                ("magic \"CNRL\"", 4), ("protocol version", 1), ("relay wallet key", 33), ("relay ephemeral key", 33), ("challenge", 32),
            ])
        } else {
            dump.layout(body, base: base, [("ciphertext", max(0, body.count - XChaCha20Poly1305.tagByteCount)), ("Poly1305 tag", nil)])
        }
        guard let plaintext = record.plaintext, let type = plaintext.first else { return (dump, nil) }
        var fields = AnnotatedHex()
        fields.layout(plaintext[...], base: 0, [("type 0x" + String(format: "%02x", type) + " " + (record.command ?? "unknown"), 1)] + Self.messageFields(type))
        return (dump, fields)
    }

    /// The fields after the type byte of each relay message (docs/PROTOCOL.md §5).
    static func messageFields(_ type: UInt8) -> [(String, Int?)] {
        switch type {
        case 0x02: [("address", 20), ("EIP-191 signature", 65)]
        case 0x03, 0x0A: [("address", 20)]
        case 0x04: [("mailbox", 20), ("envelope", nil)]
        case 0x06, 0x07, 0x83: [("message id", 16)]
        case 0x09, 0x81, 0x89: [("JSON", nil)]
        case 0x10: [("data", nil)]
        case 0x85: [("entry count", 4), ("entries (id, size, received)", nil)]
        case 0x86: [("message id", 16), ("size", 8)]
        case 0x88: [("message id", 16), ("size", 8), ("received", 8)]
        case 0x8A: [("magic \"CNRC\"", 4), ("mailbox relay", 20), ("message id", 16), ("time", 8), ("EIP-191 signature", 65)]
        case 0xFF: [("error code", 1), ("message", nil)]
        default: []
        }
    }
}
