#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// A `MailboxStore` in memory, for the relay-session target: the SQLite store fsyncs every
/// commit (milliseconds, where the fuzzer wants microseconds), and a store emptied before each
/// input makes each input's run depend on that input alone. It keeps the contract the relay
/// relies on: duplicates refused until expiry, quotas checked with the deposit, bodies returned.
final class InMemoryMailboxStore: MailboxStore, @unchecked Sendable {
    private struct Message {
        let entry: MailboxEntry
        let expires: Date
        /// nil for an onion layer passed on: only its id is remembered.
        let body: [UInt8]?
    }

    private let lock = NSLock()
    private var messages: [Address: [[UInt8]: Message]] = [:]
    private var cards: [Address: [UInt8]] = [:]

    /// Forgets every message and card.
    func reset() {
        lock.withLock {
            messages = [:]
            cards = [:]
        }
    }

    func commit(_ deposit: Deposit, quota: MailboxQuota) async throws {
        let body: [UInt8]?
        switch deposit.body {
        case .inline(let bytes): body = bytes
        case .file(let url):
            body = try [UInt8](Data(contentsOf: url))
            try? FileManager.default.removeItem(at: url)
        case .forwarded: body = nil
        }
        try lock.withLock {
            let mailbox = messages[deposit.mailbox, default: [:]]
            if let old = mailbox[deposit.id], old.expires > Date() { throw MailboxStoreError.duplicate }
            let waiting = mailbox.values.filter { $0.body != nil }
            if body != nil {
                guard waiting.count < quota.maxCount, waiting.reduce(0, { $0 + Int($1.entry.size) }) + deposit.size <= quota.maxBytes else {
                    throw MailboxStoreError.quotaExceeded("\(waiting.count) messages waiting")
                }
                let total = messages.values.joined().reduce(0) { $0 + ($1.value.body == nil ? 0 : Int($1.value.entry.size)) }
                guard total + deposit.size <= quota.storeMaxBytes else { throw MailboxStoreError.storeFull("\(total) bytes stored") }
            }
            messages[deposit.mailbox, default: [:]][deposit.id] = Message(
                entry: MailboxEntry(id: deposit.id, size: UInt64(deposit.size), received: UInt64(max(0, deposit.received.timeIntervalSince1970))),
                expires: deposit.expires, body: body)
        }
    }

    func commit(forwarded layers: [Deposit]) async throws {
        lock.withLock {
            for layer in layers where messages[layer.mailbox]?[layer.id] == nil {
                messages[layer.mailbox, default: [:]][layer.id] = Message(
                    entry: MailboxEntry(id: layer.id, size: 0, received: 0), expires: layer.expires, body: nil)
            }
        }
    }

    func list(mailbox: Address, limit: Int, after: [UInt8]?) async throws -> [MailboxEntry] {
        lock.withLock {
            let waiting = (messages[mailbox] ?? [:]).values.filter { $0.body != nil }.map(\.entry)
            var ordered = waiting.sorted { $0.received != $1.received ? $0.received < $1.received : $0.id.lexicographicallyPrecedes($1.id) }
            if let after {
                guard let position = ordered.firstIndex(where: { $0.id == after }) else { return [] }
                ordered = Array(ordered[(position + 1)...])
            }
            return Array(ordered.prefix(limit))
        }
    }

    func hasSeen(id: [UInt8], mailbox: Address) async throws -> Bool {
        lock.withLock { messages[mailbox]?[id] != nil }
    }

    func body(id: [UInt8], mailbox: Address) async throws -> StoredBody? {
        lock.withLock { messages[mailbox]?[id]?.body.map(StoredBody.inline) }
    }

    func delete(id: [UInt8], mailbox: Address) async throws -> Bool {
        lock.withLock {
            guard let message = messages[mailbox]?[id], message.body != nil else { return false }
            // The id stays remembered (without its body) until the message would have expired.
            messages[mailbox]?[id] = Message(entry: message.entry, expires: message.expires, body: nil)
            return true
        }
    }

    func purgeExpired(now: Date) async throws -> Int {
        lock.withLock {
            var purged = 0
            for (mailbox, held) in messages {
                let kept = held.filter { $0.value.expires > now }
                purged += held.count - kept.count
                messages[mailbox] = kept
            }
            return purged
        }
    }

    func putCard(address: Address, json: [UInt8]) async throws {
        lock.withLock { cards[address] = json }
    }

    func card(address: Address) async throws -> [UInt8]? {
        lock.withLock { cards[address] }
    }

    func startReplayMemory() -> Date { .distantPast }
}
#endif
