/// What one sealed message came to: as the writer produced it, or as a reader opened and verified it.
public struct EnvelopeDescription: Sendable {
    public let header: EnvelopeHeader
    /// The signing wallet (verified, when read).
    public let sender: Address
    /// Which stanza the reader's key opened; nil for the writer.
    public let stanzaIndex: Int?
    public let format: EnvelopeFormat.ContentFormat
    public let contentByteCount: Int
    /// Payload plaintext: the format byte, the (compressed) content and the padding.
    public let payloadByteCount: Int
    public let paddingByteCount: Int
    /// Data chunks, not counting the trailer chunk.
    public let dataChunkCount: Int
    /// Every byte: header, chunks and trailer.
    public let envelopeByteCount: Int

    /// The content as sealed (compressed or not), without the format byte and padding.
    public var sealedContentByteCount: Int { payloadByteCount - paddingByteCount - 1 }

    /// Sealed size over content size (below 1 when compression helped); nil for empty content.
    public var compressionRatio: Double? {
        contentByteCount > 0 ? Double(sealedContentByteCount) / Double(contentByteCount) : nil
    }
}
