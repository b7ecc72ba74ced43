import Foundation

/// A relay's limits, each on by default and each a `conet relay` flag. Together they bound what
/// one stranger can hold: connections (in all and per address), time (handshake, each record,
/// silence), forwards in flight, and disk (per mailbox and for the whole store).
public struct RelayConfiguration: Sendable {
    /// Largest envelope accepted (bytes).
    public var maxMessageBytes = 256 << 20
    public var quota = MailboxQuota(maxBytes: 1 << 30, maxCount: 10_000, storeMaxBytes: 16 << 30)
    /// Bytes of waiting messages the whole store may hold, over every mailbox (part of `quota`,
    /// which the store checks in one transaction with each deposit).
    public var storeMaxBytes: Int {
        get { quota.storeMaxBytes }
        set { quota.storeMaxBytes = newValue }
    }
    /// Bytes of deposits being received at once, over every connection (staged in `tmp/`).
    public var uploadMaxBytes = 4 << 30
    /// Longest a message is kept, whatever its own TTL says.
    public var maxTTL: TimeInterval = 30 * 24 * 3600
    public var maxConnections = 4096
    /// Connections one remote address may hold (an IPv6 address counts by its /64 prefix).
    public var maxConnectionsPerAddress = 64
    /// Records per second per connection before the relay slows that connection down.
    public var recordsPerSecond = 20_000
    /// A connection with no complete record either way for this long is closed (bytes of a
    /// record still arriving do not count: a drip is not activity).
    public var idleTimeout: TimeInterval = 300
    public var handshakeTimeout: TimeInterval = 10
    /// A record whose first byte has arrived must be complete within this time (at most 64 KiB,
    /// so the default asks for about 2 KiB/s).
    public var recordTimeout: TimeInterval = 30
    /// Onion layers this relay is passing on at once, in all and to any one next relay; beyond
    /// them a layer is refused as busy (a layer bouncing between relays cannot pile up sessions).
    public var maxForwards = 256
    public var maxForwardsPerPeer = 32
    /// Onion layers from any one remote address being passed on at once (anyone may publish a
    /// relay card, so a limit per next relay alone does not stop one sender from taking them all).
    public var maxForwardsPerAddress = 16
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
            "storeMaxBytes": storeMaxBytes, "maxTTLSeconds": Self.seconds(maxTTL), "maxConnections": maxConnections,
            "maxConnectionsPerAddress": maxConnectionsPerAddress, "recordsPerSecond": recordsPerSecond,
            "idleTimeoutSeconds": Self.seconds(idleTimeout), "handshakeTimeoutSeconds": Self.seconds(handshakeTimeout),
            "recordTimeoutSeconds": Self.seconds(recordTimeout), "maxForwards": maxForwards, "maxForwardsPerPeer": maxForwardsPerPeer,
            "maxForwardsPerAddress": maxForwardsPerAddress, "uploadMaxBytes": uploadMaxBytes,
            "stampBits": stampBits,
        ]
    }

    /// Whole seconds of a limit, clamped (a limit set through the API may be any Double).
    static func seconds(_ interval: TimeInterval) -> Int {
        guard interval.isFinite else { return interval > 0 ? Int.max : 0 }
        return Int(max(0, min(interval.rounded(.down), Double(Int32.max))))
    }

    /// A limit in milliseconds for NIO, clamped (about 68 years at most).
    static func milliseconds(_ interval: TimeInterval) -> Int64 {
        guard interval.isFinite else { return interval > 0 ? Int64(Int32.max) * 1000 : 0 }
        return Int64(max(0, min(interval, Double(Int32.max))) * 1000)
    }
}
