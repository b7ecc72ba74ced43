import Foundation

/// How `EnvelopeWriter` seals a message.
public struct EnvelopeOptions: Sendable {
    /// How the payload is compressed.
    public enum Compression: Sendable, Equatable {
        /// No compression.
        case none
        /// zstd at this level.
        case zstd(level: Int)
        /// zstd at this level unless the first 128 KiB do not shrink by 2% at level 1.
        case automatic(level: Int)
    }

    public var compression: Compression = .automatic(level: 3)
    /// zstd background threads (0: compress on the calling thread).
    public var compressionWorkers = 0
    /// Pad the payload to a `PaddingBuckets` size.
    public var pad = false
    /// Leave recipient addresses out of the stanzas (readers then try every stanza).
    public var hideRecipients = false
    public var ttl: UInt32 = EnvelopeFormat.defaultTTL
    /// The mailbox a relay should deposit the message in.
    public var routing: Address?
    /// Hashcash bits to mint into the header (0: no stamp).
    public var stampBits = 0
    public var created = Date()
    public var chunkSizeLog = EnvelopeFormat.defaultChunkSizeLog

    public init() {}
}
