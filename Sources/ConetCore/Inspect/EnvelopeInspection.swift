import Foundation

/// Everything `conet inspect` can say about a message: the clear header, the chunk structure and
/// a size breakdown whose parts add up to the input size; with a recipient's key, also what only
/// a recipient can check and see (sender, format, padding).
public struct EnvelopeInspection: Encodable, Sendable {
    public struct Recipient: Encodable, Sendable {
        /// nil when recipients are hidden.
        public let address: String?
    }

    public struct StampInfo: Encodable, Sendable {
        public let bits: Int
        /// Leading zero bits actually found (at most `bits`); less than `bits` means a bad stamp.
        public let work: Int
    }

    /// Bytes by role; `input` is their sum.
    public struct Sizes: Encodable, Sendable {
        public var armor: Int
        public var header: Int
        public var stanzas: Int
        /// Payload plaintext carried by the data chunks (format byte and content), padding excluded when known.
        public var payload: Int
        /// 17 bytes (tag and MAC) per chunk, the trailer's included.
        public var chunkOverhead: Int
        /// Known only with a recipient's key; null otherwise (then counted in payload).
        public var padding: Int?
        /// The trailer's plaintext: padding and content lengths, sender address, signature.
        public var trailer: Int
        public var input: Int
    }

    /// What a recipient learns after every check passed.
    public struct Opened: Encodable, Sendable {
        public let wallet: String
        public let recipient: String
        public let sender: String
        public let verified: Bool
        public let format: String
        public let contentBytes: Int
        public let compressionRatio: Double?
    }

    public let armored: Bool
    public let version: Int
    public let messageId: String
    public let created: String
    public let expires: String
    public let ttl: Int
    public let chunkSize: Int
    public let ephemeralKey: String
    public let hiddenRecipients: Bool
    public let recipients: [Recipient]
    public let routing: String?
    public let stamp: StampInfo?
    public let headerMac: String
    /// Data chunks plus the trailer chunk.
    public let chunks: Int
    public var sizes: Sizes
    public var opened: Opened?

    /// Describes a message from its header and the byte counts read after it.
    /// - Parameters:
    ///   - afterHeader: binary bytes that followed the header.
    ///   - inputByteCount: bytes read from the input (armored bytes when armored).
    public init(header: EnvelopeHeader, afterHeader: Int, inputByteCount: Int, armored: Bool) throws(EnvelopeError) {
        let full = header.chunkSize + SecretStreamEncryptor.chunkOverhead
        let trailerChunk = EnvelopeTrailer.byteCount + SecretStreamEncryptor.chunkOverhead
        let data = afterHeader - trailerChunk
        guard data >= SecretStreamEncryptor.chunkOverhead + 1 else { throw .truncated("payload") }
        let dataChunks = (data + full - 1) / full
        self.armored = armored
        version = Int(EnvelopeFormat.version)
        messageId = Hex.encode(header.messageID)
        created = TimeText.format(header.created)
        expires = TimeText.format(header.expires)
        ttl = Int(header.ttl)
        chunkSize = header.chunkSize
        ephemeralKey = "0x" + Hex.encode(header.ephemeralKey.compressed)
        hiddenRecipients = header.hiddenRecipients
        recipients = header.stanzas.map { Recipient(address: $0.recipient?.checksummed) }
        routing = header.routing?.checksummed
        stamp = header.stamp.map { StampInfo(bits: $0.bits, work: header.stampWork()) }
        headerMac = Hex.encode(header.mac)
        chunks = dataChunks + 1
        let binary = header.byteCount + afterHeader
        sizes = Sizes(
            armor: inputByteCount - binary, header: header.byteCount - header.stanzaByteCount, stanzas: header.stanzaByteCount,
            payload: data - dataChunks * SecretStreamEncryptor.chunkOverhead,
            chunkOverhead: (dataChunks + 1) * SecretStreamEncryptor.chunkOverhead, padding: nil,
            trailer: EnvelopeTrailer.byteCount, input: inputByteCount)
    }

    /// Adds what opening the message showed, moving the padding out of the payload figure.
    public mutating func record(_ result: EnvelopeReader.Opened, wallet: String, recipient: Address) {
        opened = Opened(
            wallet: wallet, recipient: recipient.checksummed, sender: result.sender.checksummed, verified: true,
            format: result.format == .zstd ? "zstd" : "raw", contentBytes: result.contentByteCount,
            compressionRatio: result.compressionRatio)
        sizes.padding = result.paddingByteCount
        sizes.payload -= result.paddingByteCount
    }
}
