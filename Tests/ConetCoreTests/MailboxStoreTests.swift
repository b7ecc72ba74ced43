import Foundation
import GRDB
import Testing
@testable import ConetCore

@Suite struct MailboxStoreTests {
    /// GRDB's pool picks synchronous=NORMAL for WAL mode; the store must end with FULL on the
    /// connection that commits, or an answered deposit could be lost to a power cut.
    /// Ids stay seen after the message is gone (acknowledged), until they expire, so a relay
    /// restarted on the same data still refuses replays.
    @Test func seenIdsOutliveTheirMessagesUntilExpiry() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conet-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let mailbox = PrivateKey.generate().publicKey.address
        let quota = MailboxQuota(maxBytes: 1 << 20, maxCount: 100)
        let (stored, forwarded, stale) = (SecureRandom.bytes(16), SecureRandom.bytes(16), SecureRandom.bytes(16))
        do {
            let store = try SQLiteMailboxStore(folder: folder)
            let later = Date().addingTimeInterval(3600)
            try await store.commit(Deposit(id: stored, mailbox: mailbox, size: 3, received: Date(), expires: later, body: .inline([1, 2, 3])), quota: quota)
            try await store.commit(Deposit(id: forwarded, mailbox: mailbox, size: 0, received: Date(), expires: later, body: .forwarded), quota: quota)
            try await store.commit(Deposit(id: stale, mailbox: mailbox, size: 0, received: Date(), expires: Date().addingTimeInterval(-1), body: .forwarded), quota: quota)
            #expect(try await store.delete(id: stored, mailbox: mailbox))
            await #expect(throws: MailboxStoreError.duplicate) {
                try await store.commit(Deposit(id: forwarded, mailbox: mailbox, size: 0, received: Date(), expires: later, body: .forwarded), quota: quota)
            }
        }
        let reopened = try SQLiteMailboxStore(folder: folder)
        #expect(try await reopened.hasSeen(id: stored, mailbox: mailbox))
        #expect(try await reopened.hasSeen(id: forwarded, mailbox: mailbox))
        #expect(try await !reopened.hasSeen(id: stale, mailbox: mailbox))
        #expect(try await !reopened.hasSeen(id: stored, mailbox: PrivateKey.generate().publicKey.address))
        #expect(try await reopened.list(mailbox: mailbox, limit: 10).isEmpty)
    }

    /// Forwarded layers are remembered many to a transaction; an id remembered twice is kept once.
    @Test func forwardedIdsAreRememberedInBatches() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conet-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let relay = PrivateKey.generate().publicKey.address
        let later = Date().addingTimeInterval(3600)
        let ids = (0..<5).map { _ in SecureRandom.bytes(16) }
        let stale = SecureRandom.bytes(16)
        let layer = { (id: [UInt8], expires: Date) in Deposit(id: id, mailbox: relay, size: 0, received: Date(), expires: expires, body: .forwarded) }
        do {
            let store = try SQLiteMailboxStore(folder: folder)
            try await store.commit(forwarded: ids.prefix(3).map { layer($0, later) })
            try await store.commit(forwarded: ids.suffix(3).map { layer($0, later) } + [layer(stale, Date().addingTimeInterval(-1))])
            await #expect(throws: MailboxStoreError.duplicate) {
                try await store.commit(layer(ids[0], later), quota: MailboxQuota(maxBytes: 1 << 20, maxCount: 100))
            }
        }
        let reopened = try SQLiteMailboxStore(folder: folder)
        for id in ids { #expect(try await reopened.hasSeen(id: id, mailbox: relay)) }
        #expect(try await !reopened.hasSeen(id: stale, mailbox: relay))
    }

    @Test func commitsSyncTheWriteAheadLog() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conet-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try SQLiteMailboxStore(folder: folder).synchronousSetting() == 2)
    }

    func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("conet-store-\(UUID().uuidString)")
    }

    func deposit(_ mailbox: Address, size: Int, expires: Date = Date().addingTimeInterval(3600), file: URL? = nil) -> Deposit {
        Deposit(
            id: SecureRandom.bytes(16), mailbox: mailbox, size: size, received: Date(), expires: expires,
            body: file.map { .file($0) } ?? .inline([UInt8](repeating: 7, count: size)))
    }

    @Test func quotasAreCountedOnCommitDeleteAndPurge() async throws {
        let folder = folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteMailboxStore(folder: folder)
        let bob = PrivateKey.generate().publicKey.address
        let quota = MailboxQuota(maxBytes: 3000, maxCount: 3)
        let first = deposit(bob, size: 1000)
        try await store.commit(first, quota: quota)
        try await store.commit(deposit(bob, size: 1000), quota: quota)
        await #expect(throws: MailboxStoreError.self) { try await store.commit(deposit(bob, size: 1001), quota: quota) }
        await #expect(throws: MailboxStoreError.duplicate) { try await store.commit(first, quota: quota) }
        #expect(try await store.delete(id: first.id, mailbox: bob))
        #expect(try await !store.delete(id: first.id, mailbox: bob))
        try await store.commit(deposit(bob, size: 1000), quota: quota)
        try await store.commit(deposit(bob, size: 500, expires: Date().addingTimeInterval(-1)), quota: quota)
        await #expect(throws: MailboxStoreError.self) { try await store.commit(deposit(bob, size: 1), quota: quota) }
        #expect(try await store.purgeExpired(now: Date()) == 1)
        try await store.commit(deposit(bob, size: 1000), quota: quota)
        #expect(try await store.list(mailbox: bob, limit: 100).count == 3)
        // Another mailbox has its own quota.
        let carol = PrivateKey.generate().publicKey.address
        try await store.commit(deposit(carol, size: 3000), quota: quota)
    }

    /// Deposits committed in one group are counted against the quota one by one, and the
    /// running tally they leave is right for the next group.
    @Test func aGroupOfDepositsIsHeldToTheQuotaTogether() async throws {
        let folder = folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteMailboxStore(folder: folder)
        let bob = PrivateKey.generate().publicKey.address
        let quota = MailboxQuota(maxBytes: 1 << 20, maxCount: 5)
        let deposits = (0..<20).map { _ in deposit(bob, size: 100) }
        let stored = await withTaskGroup(of: Bool.self) { group in
            for made in deposits {
                group.addTask { (try? await store.commit(made, quota: quota)) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(stored == 5)
        let listed = try await store.list(mailbox: bob, limit: 100)
        #expect(listed.count == 5)
        await #expect(throws: MailboxStoreError.self) { try await store.commit(deposit(bob, size: 100), quota: quota) }
        #expect(try await store.delete(id: listed[0].id, mailbox: bob))
        try await store.commit(deposit(bob, size: 100), quota: quota)
        // Bytes are counted too: 5 x 100 are stored, so 524 more would make 1024, 523 fits.
        let byBytes = MailboxQuota(maxBytes: 1023, maxCount: 100)
        await #expect(throws: MailboxStoreError.self) { try await store.commit(deposit(bob, size: 524), quota: byBytes) }
        try await store.commit(deposit(bob, size: 523), quota: byBytes)
    }

    /// A relay's data from before the single message table (schema v2: messages and seen ids in
    /// tables of their own) opens with nothing lost: waiting messages in their order, with their
    /// bodies and quota, and acknowledged ids still refused.
    @Test func aStoreInTheOlderSchemaOpensWithNothingLost() async throws {
        let folder = folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("bodies"), withIntermediateDirectories: true)
        let bob = PrivateKey.generate().publicKey.address, relay = PrivateKey.generate().publicKey.address
        let (first, second, acknowledged, forwarded) = (SecureRandom.bytes(16), SecureRandom.bytes(16), SecureRandom.bytes(16), SecureRandom.bytes(16))
        let later = Int64(Date().timeIntervalSince1970) + 3600, now = Int64(Date().timeIntervalSince1970)
        let fileName = "\(Hex.encode(bob.bytes))-\(Hex.encode(second))"
        try Data(repeating: 5, count: 300_000).write(to: folder.appendingPathComponent("bodies/\(fileName)"))
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("relay.sqlite").path)
        try await queue.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1'), ('v2 seen');
                CREATE TABLE message (id BLOB NOT NULL, mailbox BLOB NOT NULL, size INTEGER NOT NULL, received INTEGER NOT NULL,
                  expires INTEGER NOT NULL, body BLOB, file TEXT, PRIMARY KEY (mailbox, id));
                CREATE INDEX message_mailbox ON message(mailbox, received);
                CREATE INDEX message_expires ON message(expires);
                CREATE TABLE card (address BLOB PRIMARY KEY NOT NULL, json BLOB NOT NULL, updated INTEGER NOT NULL);
                CREATE TABLE mailbox (address BLOB PRIMARY KEY NOT NULL, count INTEGER NOT NULL, bytes INTEGER NOT NULL);
                CREATE TABLE seen (mailbox BLOB NOT NULL, id BLOB NOT NULL, expires INTEGER NOT NULL, PRIMARY KEY (mailbox, id)) WITHOUT ROWID;
                CREATE INDEX seen_expires ON seen(expires);
                """)
            try db.execute(
                sql: "INSERT INTO message VALUES (?, ?, 3, ?, ?, ?, NULL), (?, ?, 300000, ?, ?, NULL, ?)",
                arguments: [Data(first), Data(bob.bytes), now, later, Data([1, 2, 3]), Data(second), Data(bob.bytes), now, later, fileName])
            try db.execute(
                sql: "INSERT INTO seen VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?)",
                arguments: [Data(bob.bytes), Data(first), later, Data(bob.bytes), Data(second), later,
                            Data(bob.bytes), Data(acknowledged), later, Data(relay.bytes), Data(forwarded), later])
            try db.execute(sql: "INSERT INTO mailbox VALUES (?, 2, 300003)", arguments: [Data(bob.bytes)])
        }
        try queue.close()

        let store = try SQLiteMailboxStore(folder: folder)
        #expect(try await store.list(mailbox: bob, limit: 10).map(\.id) == [first, second])
        guard case .inline(let bytes) = try await store.body(id: first, mailbox: bob), case .file(_, let size) = try await store.body(id: second, mailbox: bob) else {
            Issue.record("a migrated message lost its body")
            return
        }
        #expect(bytes == [1, 2, 3] && size == 300_000)
        #expect(try await store.body(id: acknowledged, mailbox: bob) == nil)
        #expect(try await store.hasSeen(id: acknowledged, mailbox: bob))
        #expect(try await store.hasSeen(id: forwarded, mailbox: relay))
        let quota = MailboxQuota(maxBytes: 1 << 30, maxCount: 3)
        for id in [first, acknowledged] {
            await #expect(throws: MailboxStoreError.duplicate) {
                try await store.commit(Deposit(id: id, mailbox: bob, size: 1, received: Date(), expires: Date().addingTimeInterval(60), body: .inline([0])), quota: quota)
            }
        }
        // The tally came along: a third message fits the count of 3, a fourth does not.
        try await store.commit(deposit(bob, size: 10), quota: quota)
        await #expect(throws: MailboxStoreError.self) { try await store.commit(deposit(bob, size: 10), quota: quota) }
        #expect(try await store.delete(id: second, mailbox: bob))
        #expect(try await store.list(mailbox: bob, limit: 10).count == 2)
    }

    @Test func fileBodiesSurviveReopeningAndOrphansAreRemoved() async throws {
        let folder = folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bob = PrivateKey.generate().publicKey.address
        var id: [UInt8] = []
        do {
            let store = try SQLiteMailboxStore(folder: folder)
            let staged = store.stagingFolder.appendingPathComponent("upload")
            try Data(repeating: 9, count: 300_000).write(to: staged)
            let made = deposit(bob, size: 300_000, file: staged)
            id = made.id
            try await store.commit(made, quota: MailboxQuota(maxBytes: 1 << 30, maxCount: 10))
            // A crash between staging and commit leaves these behind.
            try Data([1]).write(to: store.stagingFolder.appendingPathComponent("stale"))
            try Data([1]).write(to: store.bodiesFolder.appendingPathComponent("orphan"))
        }
        let reopened = try SQLiteMailboxStore(folder: folder)
        guard case .file(let url, let size) = try await reopened.body(id: id, mailbox: bob) else {
            Issue.record("the file body was not found after reopening")
            return
        }
        #expect(size == 300_000)
        #expect(try Data(contentsOf: url) == Data(repeating: 9, count: 300_000))
        #expect(try FileManager.default.contentsOfDirectory(atPath: reopened.stagingFolder.path).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: reopened.bodiesFolder.path).count == 1)
    }

    /// Only the first relay on a store may count on ids from before it being in the store alone
    /// since the store was opened (or forever, for a store created empty); a relay started later
    /// on the same store object counts from its own start, as its predecessor's memory is gone.
    @Test func replayMemoryStartsAtTheOpeningOnlyForTheFirstRelay() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conet-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let created = try SQLiteMailboxStore(folder: folder)
            #expect(created.startReplayMemory() == .distantPast)
            let beforeSecond = Date()
            #expect(created.startReplayMemory() >= beforeSecond)
        }
        let beforeOpening = Date()
        let reopened = try SQLiteMailboxStore(folder: folder)
        let afterOpening = Date()
        let first = reopened.startReplayMemory()
        #expect(first >= beforeOpening && first <= afterOpening)
        Thread.sleep(forTimeInterval: 0.01)
        #expect(reopened.startReplayMemory() > afterOpening)
    }
}
