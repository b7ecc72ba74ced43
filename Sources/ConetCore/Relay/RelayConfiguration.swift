import Foundation

/// A relay's limits, each on by default and each a `conet relay` flag.
public struct RelayConfiguration: Sendable {
    /// Largest envelope accepted (bytes).
    public var maxMessageBytes = 256 << 20
    public var quota = MailboxQuota(maxBytes: 1 << 30, maxCount: 10_000)
    /// Longest a message is kept, whatever its own TTL says.
    public var maxTTL: TimeInterval = 30 * 24 * 3600
    public var maxConnections = 512
    /// Records per second per connection before the relay slows that connection down.
    public var recordsPerSecond = 20_000
    public var idleTimeout: TimeInterval = 300
    public var handshakeTimeout: TimeInterval = 10
    /// Hashcash bits a deposit from a session without a mailbox login must carry (0: none).
    public var stampBits = 0
    /// Envelopes up to this size are kept in the index row; larger ones in files.
    public var inlineLimit = 256 * 1024
    /// How often expired messages are purged.
    public var purgeInterval: TimeInterval = 60

    public init() {}

    /// The NIP-11-like description `status` returns (without the relay's card, added by the server).
    var limitsJSON: [String: Any] {
        [
            "maxMessageBytes": maxMessageBytes, "mailboxMaxBytes": quota.maxBytes, "mailboxMaxMessages": quota.maxCount,
            "maxTTLSeconds": Int(maxTTL), "maxConnections": maxConnections, "recordsPerSecond": recordsPerSecond,
            "idleTimeoutSeconds": Int(idleTimeout), "handshakeTimeoutSeconds": Int(handshakeTimeout), "stampBits": stampBits,
        ]
    }
}
