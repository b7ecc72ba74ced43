import Foundation

/// The clear header of a sealed message: what a relay may see and a recipient needs first.
/// `bytes` keeps the exact encoding, because the MAC, the stamp and the sender signature cover it.
public struct EnvelopeHeader: Sendable {
    /// One recipient's copy of the file key.
    public struct Stanza: Sendable, Equatable {
        /// The recipient's address, or nil when recipients are hidden.
        public let recipient: Address?
        /// The 32-byte file key sealed under the stanza key (48 bytes).
        public let wrappedKey: [UInt8]
    }

    public let chunkSizeLog: UInt8
    public let messageID: [UInt8]
    /// Creation time, whole seconds since 1970 (UTC).
    public let createdSeconds: UInt64
    /// Seconds after `created` when relays may drop the message.
    public let ttl: UInt32
    public let ephemeralKey: PublicKey
    /// The secret stream's 24-byte header (its nonce), covered by the MAC.
    public let streamHeader: [UInt8]
    public let hiddenRecipients: Bool
    /// The mailbox address a relay should deposit the message in, if the sender set one.
    public let routing: Address?
    public let stanzas: [Stanza]
    public let stamp: Stamp?
    public let mac: [UInt8]
    /// The header exactly as encoded, MAC included.
    public let bytes: [UInt8]
    /// Bytes before the first stanza; each wrapped key authenticates them as associated data.
    let preambleByteCount: Int
    /// Bytes before the stamp field (what the stamp's work covers).
    let stampedByteCount: Int

    public var chunkSize: Int { 1 << Int(chunkSizeLog) }
    public var created: Date { Date(timeIntervalSince1970: TimeInterval(createdSeconds)) }
    public var expires: Date { created.addingTimeInterval(TimeInterval(ttl)) }
    public var byteCount: Int { bytes.count }
    /// Bytes taken by the stanzas (and their count byte), for size reports.
    public var stanzaByteCount: Int { 1 + stanzas.count * Self.stanzaSize(hidden: hiddenRecipients) }

    static func stanzaSize(hidden: Bool) -> Int {
        (hidden ? 0 : 20) + EnvelopeFormat.wrappedKeyByteCount
    }

    /// Parses a header from the front of `source`, leaving the source at the first payload byte.
    /// Nothing is authenticated yet: the MAC needs the file key (`EnvelopeReader.open`).
    public static func read(from source: ByteSource) throws -> EnvelopeHeader {
        var reader = FieldReader(source: source)
        let magic = try reader.take(5, "magic")
        guard magic == EnvelopeFormat.magic else { throw EnvelopeError.notAnEnvelope }
        let version = try reader.take(1, "version")[0]
        guard version == EnvelopeFormat.version else { throw EnvelopeError.unsupportedVersion(version) }
        let flags = EnvelopeFormat.Flags(rawValue: try reader.take(1, "flags")[0])
        guard EnvelopeFormat.Flags.known.isSuperset(of: flags) else {
            throw EnvelopeError.malformedHeader(String(format: "unknown flag bits 0x%02x", flags.subtracting(.known).rawValue))
        }
        let chunkSizeLog = try reader.take(1, "chunk size")[0]
        guard EnvelopeFormat.chunkSizeLogRange.contains(chunkSizeLog) else {
            throw EnvelopeError.malformedHeader("chunk size 2^\(chunkSizeLog) is outside 2^10...2^20")
        }
        let messageID = try reader.take(EnvelopeFormat.messageIDByteCount, "message id")
        let created = BigEndian.value(try reader.take(8, "creation time")[...], as: UInt64.self)
        let ttl = BigEndian.value(try reader.take(4, "ttl")[...], as: UInt32.self)
        guard ttl > 0 else { throw EnvelopeError.malformedHeader("ttl is zero") }
        let ephemeralBytes = try reader.take(33, "ephemeral key")
        guard let ephemeral = try? PublicKey(bytes: ephemeralBytes), ephemeralBytes[0] == 2 || ephemeralBytes[0] == 3 else {
            throw EnvelopeError.malformedHeader("the ephemeral key is not a compressed secp256k1 point")
        }
        let streamHeader = try reader.take(SecretStreamEncryptor.headerByteCount, "stream header")
        var routing: Address?
        if flags.contains(.routing) {
            routing = try Address(bytes: try reader.take(20, "routing address"))
        }
        let count = Int(try reader.take(1, "stanza count")[0])
        guard (1...EnvelopeFormat.maxRecipients).contains(count) else {
            throw EnvelopeError.malformedHeader("\(count) recipient stanzas (1...\(EnvelopeFormat.maxRecipients) allowed)")
        }
        let preambleByteCount = reader.bytes.count
        let hidden = flags.contains(.hiddenRecipients)
        var stanzas: [Stanza] = []
        for index in 0..<count {
            let recipient = hidden ? nil : try Address(bytes: try reader.take(20, "stanza \(index)"))
            stanzas.append(Stanza(recipient: recipient, wrappedKey: try reader.take(EnvelopeFormat.wrappedKeyByteCount, "stanza \(index)")))
        }
        let stampedByteCount = reader.bytes.count
        var stamp: Stamp?
        if flags.contains(.stamp) {
            let field = try reader.take(EnvelopeFormat.stampByteCount, "stamp")
            stamp = Stamp(bits: Int(field[0]), nonce: Array(field[1...]))
        }
        let mac = try reader.take(EnvelopeFormat.macByteCount, "header MAC")
        return EnvelopeHeader(
            chunkSizeLog: chunkSizeLog, messageID: messageID, createdSeconds: created, ttl: ttl, ephemeralKey: ephemeral,
            streamHeader: streamHeader, hiddenRecipients: hidden, routing: routing, stanzas: stanzas, stamp: stamp, mac: mac,
            bytes: reader.bytes, preambleByteCount: preambleByteCount, stampedByteCount: stampedByteCount)
    }

    /// The header bytes the MAC covers (everything before it).
    var authenticatedBytes: ArraySlice<UInt8> { bytes.dropLast(EnvelopeFormat.macByteCount) }

    /// The work the stamp proves over this header, in bits (0 without a stamp).
    public func stampWork() -> Int {
        guard let stamp else { return 0 }
        return stamp.work(over: bytes[..<stampedByteCount])
    }
}

/// Reads header fields one after another, keeping every byte for the MAC.
private struct FieldReader {
    let source: ByteSource
    var bytes: [UInt8] = []

    mutating func take(_ count: Int, _ field: String) throws -> [UInt8] {
        let field = try source.read(exactly: count)
        guard field.count == count else {
            if bytes.isEmpty && field.isEmpty { throw EnvelopeError.notAnEnvelope }
            throw EnvelopeError.truncated("header")
        }
        bytes += field
        return field
    }
}

extension EnvelopeHeader {
    /// Encodes a new header. The stanzas are sealed by the caller over `preamble` (returned
    /// first through `sealStanzas`) so that each wrapped key authenticates the fields before it.
    static func encode(
        chunkSizeLog: UInt8, messageID: [UInt8], createdSeconds: UInt64, ttl: UInt32, ephemeralKey: PublicKey,
        streamHeader: [UInt8], routing: Address?, hiddenRecipients: Bool, recipientCount: Int, stampBits: Int,
        macKey: SecretBytes, sealStanzas: (_ preamble: [UInt8]) throws -> [Stanza]
    ) throws -> EnvelopeHeader {
        var flags: EnvelopeFormat.Flags = []
        if hiddenRecipients { flags.insert(.hiddenRecipients) }
        if routing != nil { flags.insert(.routing) }
        if stampBits > 0 { flags.insert(.stamp) }
        var bytes = EnvelopeFormat.magic + [EnvelopeFormat.version, flags.rawValue, chunkSizeLog]
        bytes += messageID + BigEndian.bytes(createdSeconds) + BigEndian.bytes(ttl)
        bytes += ephemeralKey.compressed + streamHeader
        if let routing { bytes += routing.bytes }
        bytes.append(UInt8(recipientCount))
        let preambleByteCount = bytes.count
        let stanzas = try sealStanzas(bytes)
        for stanza in stanzas {
            if let recipient = stanza.recipient, !hiddenRecipients { bytes += recipient.bytes }
            bytes += stanza.wrappedKey
        }
        let stampedByteCount = bytes.count
        var stamp: Stamp?
        if stampBits > 0 {
            let minted = Stamp.mint(bits: stampBits, over: bytes[...])
            bytes += [UInt8(stampBits)] + minted.nonce
            stamp = minted
        }
        let mac = EnvelopeKeys.headerMAC(key: macKey, header: bytes)
        bytes += mac
        return EnvelopeHeader(
            chunkSizeLog: chunkSizeLog, messageID: messageID, createdSeconds: createdSeconds, ttl: ttl,
            ephemeralKey: ephemeralKey, streamHeader: streamHeader, hiddenRecipients: hiddenRecipients, routing: routing,
            stanzas: stanzas, stamp: stamp, mac: mac, bytes: bytes, preambleByteCount: preambleByteCount,
            stampedByteCount: stampedByteCount)
    }
}
