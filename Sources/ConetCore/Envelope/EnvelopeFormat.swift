import Foundation

/// The fixed numbers and labels of the v1 sealed-message format (docs/PROTOCOL.md §4).
public enum EnvelopeFormat {
    /// "CONET": the first five bytes of every binary envelope.
    public static let magic: [UInt8] = Array("CONET".utf8)
    public static let version: UInt8 = 1

    /// Payload chunks carry 2^16 = 64 KiB of plaintext; readers accept 2^10 ... 2^20.
    public static let defaultChunkSizeLog: UInt8 = 16
    public static let chunkSizeLogRange: ClosedRange<UInt8> = 10...20

    /// Recipients per message: enough for a group, few enough that trial decryption stays cheap.
    public static let maxRecipients = 64
    /// Default time to live: 7 days; at most ~136 years (u32 seconds).
    public static let defaultTTL: UInt32 = 7 * 24 * 3600

    public static let messageIDByteCount = 16
    /// Where the message id starts: after magic, version, flags and chunk size.
    public static let messageIDOffset = magic.count + 3
    public static let fileKeyByteCount = 32
    public static let macByteCount = 32
    /// A wrapped file key: the 32-byte key sealed with XChaCha20-Poly1305 (16-byte tag).
    public static let wrappedKeyByteCount = fileKeyByteCount + XChaCha20Poly1305.tagByteCount
    public static let stampByteCount = 9

    /// Payload plaintext formats (the first plaintext byte of the payload).
    public enum ContentFormat: UInt8, Sendable {
        case raw = 0
        case zstd = 1
    }

    // Domain-separation labels: each derivation hashes its own label first.
    static let stanzaLabel = Array("conet/v1 stanza key".utf8)
    static let headerMACLabel = Array("conet/v1 header mac key".utf8)
    static let payloadLabel = Array("conet/v1 payload key".utf8)
    static let transcriptLabel = Array("conet/v1 transcript".utf8)
    static let stampLabel = Array("conet/v1 stamp".utf8)

    /// Header flag bits; every other bit must be zero.
    struct Flags: OptionSet {
        let rawValue: UInt8
        static let hiddenRecipients = Flags(rawValue: 1 << 0)
        static let routing = Flags(rawValue: 1 << 1)
        static let stamp = Flags(rawValue: 1 << 2)
        static let known: Flags = [.hiddenRecipients, .routing, .stamp]
    }
}

/// The key schedule: every key below comes from one secret and one label, through keyed BLAKE2b.
enum EnvelopeKeys {
    /// The key that wraps the file key for one recipient: BLAKE2b-256 keyed with the ECDH secret,
    /// over the label and both public keys, so the key is bound to this pair and this message.
    static func stanzaKey(sharedSecret: SecretBytes, ephemeral: PublicKey, recipient: PublicKey) -> SecretBytes {
        derive(key: sharedSecret, parts: [EnvelopeFormat.stanzaLabel, ephemeral.compressed, recipient.compressed])
    }

    /// The header MAC key, separate from the payload key so neither can stand in for the other.
    static func headerMACKey(fileKey: SecretBytes) -> SecretBytes {
        derive(key: fileKey, parts: [EnvelopeFormat.headerMACLabel])
    }

    /// The secret-stream key, bound to the message id.
    static func payloadKey(fileKey: SecretBytes, messageID: [UInt8]) -> SecretBytes {
        derive(key: fileKey, parts: [EnvelopeFormat.payloadLabel, messageID])
    }

    /// Each stanza key is fresh (new ephemeral key per message), so a fixed nonce is safe, as in age.
    static let stanzaNonce = [UInt8](repeating: 0, count: XChaCha20Poly1305.nonceByteCount)

    static func headerMAC(key: SecretBytes, header: [UInt8]) -> [UInt8] {
        try! BLAKE2b.hash(header, outputByteCount: EnvelopeFormat.macByteCount, key: key)
    }

    private static func derive(key: SecretBytes, parts: [[UInt8]]) -> SecretBytes {
        // 32-byte keys are always valid BLAKE2b keys, so `try!` cannot fire.
        let hasher = try! BLAKE2b(outputByteCount: 32, key: key)
        for part in parts { hasher.update(part) }
        var digest = hasher.finalize()
        defer { Memory.wipe(&digest) }
        return SecretBytes(digest)
    }
}

/// Big-endian integer encoding for header and trailer fields.
enum BigEndian {
    static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    static func value<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as: T.Type) -> T {
        precondition(bytes.count == MemoryLayout<T>.size)
        return bytes.reduce(T(0)) { ($0 << 8) | T($1) }
    }
}
