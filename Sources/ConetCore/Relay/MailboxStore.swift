import Foundation

/// A message accepted by a relay, waiting in its owner's mailbox.
public struct Deposit: Sendable {
    public enum Body: Sendable {
        /// Small envelopes live in the index row itself (one fsync per commit group).
        case inline([UInt8])
        /// Large ones were streamed to a staged file, already fsynced; the store moves it in place.
        case file(URL)
        /// Nothing to keep: the relay passed the message on (an onion layer) and only remembers
        /// its id, to refuse a replay until it expires.
        case forwarded
    }

    public let id: [UInt8]
    public let mailbox: Address
    public let size: Int
    public let received: Date
    public let expires: Date
    public let body: Body

    public init(id: [UInt8], mailbox: Address, size: Int, received: Date, expires: Date, body: Body) {
        self.id = id
        self.mailbox = mailbox
        self.size = size
        self.received = received
        self.expires = expires
        self.body = body
    }
}

/// Where a stored envelope's bytes are.
public enum StoredBody: Sendable {
    case inline([UInt8])
    case file(URL, size: Int)
}

/// Limits a store enforces atomically with each deposit.
public struct MailboxQuota: Sendable {
    public var maxBytes: Int
    public var maxCount: Int
    /// Bytes of waiting messages the whole store may hold, over every mailbox: per-mailbox quotas
    /// alone let anyone fill the disk by depositing into many random addresses.
    public var storeMaxBytes: Int

    public init(maxBytes: Int, maxCount: Int, storeMaxBytes: Int = .max) {
        self.maxBytes = maxBytes
        self.maxCount = maxCount
        self.storeMaxBytes = storeMaxBytes
    }
}

/// Why a store refused a deposit.
public enum MailboxStoreError: Error, Equatable, Sendable, LocalizedError {
    case quotaExceeded(String)
    /// The store-wide byte cap: no mailbox may take more until messages are fetched or expire.
    case storeFull(String)
    case duplicate
    case storage(String)

    public var errorDescription: String? {
        switch self {
        case .quotaExceeded(let why): "mailbox quota exceeded: \(why)"
        case .storeFull(let why): "relay storage full: \(why)"
        case .duplicate: "a message with this id was already received here"
        case .storage(let why): "relay storage: \(why)"
        }
    }
}

/// The relay's durable state: mailboxes of envelopes, published cards, and message ids seen.
/// `commit` returns only once the deposit would survive a crash or power loss; nothing
/// acknowledged is ever lost. SQLite is the embedded implementation; a PostgreSQL one can follow.
public protocol MailboxStore: Sendable {
    /// Makes a deposit durable, checking the quota and duplicate ids in the same transaction. A
    /// mailbox refuses an id it has seen before, even once that message was acknowledged, until
    /// its expiry: a replayed copy is never stored twice.
    func commit(_ deposit: Deposit, quota: MailboxQuota) async throws
    /// Remembers the ids of layers passed on (bodies `.forwarded`), all in one transaction, as
    /// `commit` does for one; an id already remembered is kept, not an error.
    func commit(forwarded layers: [Deposit]) async throws
    /// Waiting messages in the order they were stored, at most `limit`; with `after`, only those
    /// stored after that message (none if it is not waiting here).
    func list(mailbox: Address, limit: Int, after: [UInt8]?) async throws -> [MailboxEntry]
    /// Whether `commit` already took this id for this mailbox (and it has not expired).
    func hasSeen(id: [UInt8], mailbox: Address) async throws -> Bool
    func body(id: [UInt8], mailbox: Address) async throws -> StoredBody?
    /// Deletes an acknowledged message; false if it was not there.
    func delete(id: [UInt8], mailbox: Address) async throws -> Bool
    /// Drops expired messages; returns how many.
    func purgeExpired(now: Date) async throws -> Int
    func putCard(address: Address, json: [UInt8]) async throws
    func card(address: Address) async throws -> [UInt8]?
    /// Called once by each relay starting on this store: ids the store holds from before the
    /// answer were taken by someone else, so that relay's memory of recent ids lacks them. The
    /// first relay since the store was opened gets the opening time (`.distantPast` if the store
    /// was created empty then); a later one, in the same process, the current time, since the
    /// memory of the one before it ended with it. A store that other relay processes write to
    /// while this one runs must always answer `.distantFuture`: memory never stands in for a
    /// store read then.
    func startReplayMemory() -> Date
}

extension MailboxStore {
    /// The first page of a mailbox's listing.
    public func list(mailbox: Address, limit: Int) async throws -> [MailboxEntry] {
        try await list(mailbox: mailbox, limit: limit, after: nil)
    }
}
