import Foundation
import GRDB
import NIOConcurrencyHelpers

/// The embedded store: SQLite in WAL mode with `synchronous = FULL` under the relay's data folder.
/// Deposits arriving together are committed in one transaction (one fsync for the group), so
/// throughput survives durability. Bodies over `inlineLimit` are files in `bodies/`, fsynced and
/// renamed in before their row commits; orphans from a crash are removed at start.
public final class SQLiteMailboxStore: MailboxStore, @unchecked Sendable {
    public let folder: URL
    private let pool: DatabasePool
    private let committer: GroupCommitter
    var bodiesFolder: URL { folder.appendingPathComponent("bodies") }
    /// Staged uploads; on the same file system as `bodies/`.
    public var stagingFolder: URL { folder.appendingPathComponent("tmp") }
    /// What the first `startReplayMemory` answers; nil once handed out.
    private let openedAnswer: NIOLockedValueBox<Date?>

    public init(folder: URL) throws {
        self.folder = folder
        try AtomicFile.ensureFolder(folder)
        try AtomicFile.ensureFolder(folder.appendingPathComponent("bodies"))
        try AtomicFile.ensureFolder(folder.appendingPathComponent("tmp"))
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: folder.appendingPathComponent("relay.sqlite").path, configuration: configuration)
        // After the pool's own set-up, which chooses synchronous=NORMAL for WAL mode (durable only
        // at checkpoints): FULL syncs the WAL at every commit, so an answered deposit survives a
        // power loss. The pool has one writer connection, so this holds for every commit.
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE message (
                  id BLOB NOT NULL,
                  mailbox BLOB NOT NULL,
                  size INTEGER NOT NULL,
                  received INTEGER NOT NULL,
                  expires INTEGER NOT NULL,
                  body BLOB,
                  file TEXT,
                  PRIMARY KEY (mailbox, id)
                );
                CREATE INDEX message_mailbox ON message(mailbox, received);
                CREATE INDEX message_expires ON message(expires);
                CREATE TABLE card (address BLOB PRIMARY KEY NOT NULL, json BLOB NOT NULL, updated INTEGER NOT NULL);
                -- Running totals per mailbox, so a quota check is one row read, not a scan.
                CREATE TABLE mailbox (address BLOB PRIMARY KEY NOT NULL, count INTEGER NOT NULL, bytes INTEGER NOT NULL);
                """)
        }
        // Ids of messages stored or forwarded, until they expire: replays are refused even after
        // an acknowledgement deleted the message.
        migrator.registerMigration("v2 seen") { db in
            try db.execute(sql: """
                CREATE TABLE seen (mailbox BLOB NOT NULL, id BLOB NOT NULL, expires INTEGER NOT NULL, PRIMARY KEY (mailbox, id)) WITHOUT ROWID;
                CREATE INDEX seen_expires ON seen(expires);
                INSERT OR IGNORE INTO seen (mailbox, id, expires) SELECT mailbox, id, expires FROM message;
                """)
        }
        // One table for stored messages and remembered ids: a row is `held` while its message
        // waits in the mailbox, and stays (body dropped) after an acknowledgement or for a layer
        // passed on, until it expires. A deposit then updates one index keyed by a random id
        // instead of three, which halves the pages each commit writes and syncs.
        migrator.registerMigration("v3 one table") { db in
            try db.execute(sql: """
                CREATE TABLE entry (
                  mailbox BLOB NOT NULL,
                  id BLOB NOT NULL,
                  size INTEGER NOT NULL,
                  received INTEGER NOT NULL,
                  expires INTEGER NOT NULL,
                  body BLOB,
                  file TEXT,
                  held INTEGER NOT NULL
                );
                INSERT INTO entry (mailbox, id, size, received, expires, body, file, held)
                  SELECT mailbox, id, size, received, expires, body, file, 1 FROM message ORDER BY rowid;
                INSERT INTO entry (mailbox, id, size, received, expires, held)
                  SELECT mailbox, id, 0, 0, expires, 0 FROM seen
                  WHERE NOT EXISTS (SELECT 1 FROM message WHERE message.mailbox = seen.mailbox AND message.id = seen.id);
                DROP TABLE message;
                DROP TABLE seen;
                ALTER TABLE entry RENAME TO message;
                CREATE UNIQUE INDEX message_id ON message(mailbox, id);
                CREATE INDEX message_mailbox ON message(mailbox, received) WHERE held;
                CREATE INDEX message_expires ON message(expires);
                """)
        }
        // The whole store's usage in one row, for the store-wide byte cap: one read per commit
        // group instead of a sum over every mailbox.
        migrator.registerMigration("v4 store usage") { db in
            try db.execute(sql: """
                CREATE TABLE store_usage (id INTEGER PRIMARY KEY CHECK (id = 0), count INTEGER NOT NULL, bytes INTEGER NOT NULL);
                INSERT INTO store_usage (id, count, bytes) SELECT 0, COALESCE(SUM(count), 0), COALESCE(SUM(bytes), 0) FROM mailbox;
                """)
        }
        openedAnswer = NIOLockedValueBox(try pool.read(migrator.appliedIdentifiers).isEmpty ? .distantPast : Date())
        try migrator.migrate(pool)
        committer = GroupCommitter(pool: pool, bodies: folder.appendingPathComponent("bodies"))
        try removeOrphans()
    }

    /// The writer connection's `PRAGMA synchronous` (2 is FULL).
    func synchronousSetting() throws -> Int {
        try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func commit(_ deposit: Deposit, quota: MailboxQuota) async throws {
        try await committer.commit(deposit, quota: quota)
    }

    public func commit(forwarded layers: [Deposit]) async throws {
        guard !layers.isEmpty else { return }
        try await pool.write { db in
            let remember = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO message (mailbox, id, size, received, expires, held) VALUES (?, ?, 0, ?, ?, 0)
                """)
            for layer in layers {
                try remember.execute(arguments: [
                    Data(layer.mailbox.bytes), Data(layer.id), Int64(layer.received.timeIntervalSince1970), Int64(layer.expires.timeIntervalSince1970),
                ])
            }
        }
    }

    public func hasSeen(id: [UInt8], mailbox: Address) async throws -> Bool {
        try hasSeenNow(id: id, mailbox: mailbox)
    }

    public func startReplayMemory() -> Date {
        openedAnswer.withLockedValue { answer in
            defer { answer = nil }
            return answer ?? Date()
        }
    }

    /// Read for onion layers: an indexed read of one row in WAL mode, which never waits for the
    /// writer, so it runs right on the caller's thread instead of two thread hand-offs away.
    /// One statement is its own read transaction: no BEGIN and COMMIT around it. (A synchronous
    /// function, so that GRDB's blocking `unsafeRead` is the one called, not its async form.)
    private func hasSeenNow(id: [UInt8], mailbox: Address) throws -> Bool {
        try pool.unsafeRead { db in
            let seen = try db.cachedStatement(sql: "SELECT 1 FROM message WHERE mailbox = ? AND id = ? AND expires > ?")
            return try Bool.fetchOne(seen, arguments: [Data(mailbox.bytes), Data(id), Int64(Date().timeIntervalSince1970)]) ?? false
        }
    }

    public func list(mailbox: Address, limit: Int, after: [UInt8]?) async throws -> [MailboxEntry] {
        try await pool.read { db in
            let rows: [Row]
            if let after {
                rows = try Row.fetchAll(db, sql: """
                    SELECT id, size, received FROM message
                    WHERE mailbox = ?1 AND held
                      AND (received, rowid) > (SELECT received, rowid FROM message WHERE mailbox = ?1 AND id = ?2 AND held)
                    ORDER BY received, rowid LIMIT ?3
                    """, arguments: [Data(mailbox.bytes), Data(after), limit])
            } else {
                rows = try Row.fetchAll(
                    db, sql: "SELECT id, size, received FROM message WHERE mailbox = ? AND held ORDER BY received, rowid LIMIT ?",
                    arguments: [Data(mailbox.bytes), limit])
            }
            return rows.map { row in
                MailboxEntry(id: [UInt8](row["id"] as Data), size: UInt64(row["size"] as Int64), received: UInt64(row["received"] as Int64))
            }
        }
    }

    public func body(id: [UInt8], mailbox: Address) async throws -> StoredBody? {
        let bodies = bodiesFolder
        return try await pool.read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT size, body, file FROM message WHERE mailbox = ? AND id = ? AND held", arguments: [Data(mailbox.bytes), Data(id)])
            else { return nil }
            if let data = row["body"] as Data? { return .inline([UInt8](data)) }
            let name: String = row["file"]
            return .file(bodies.appendingPathComponent(name), size: Int(row["size"] as Int64))
        }
    }

    public func delete(id: [UInt8], mailbox: Address) async throws -> Bool {
        let file: String?? = try await pool.write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT file, size FROM message WHERE mailbox = ? AND id = ? AND held", arguments: [Data(mailbox.bytes), Data(id)])
            else { return nil }
            // The row stays, without its body, so a replay is still refused until it expires.
            try db.execute(
                sql: "UPDATE message SET held = 0, body = NULL, file = NULL WHERE mailbox = ? AND id = ?",
                arguments: [Data(mailbox.bytes), Data(id)])
            try db.execute(
                sql: "UPDATE mailbox SET count = count - 1, bytes = bytes - ? WHERE address = ?",
                arguments: [row["size"] as Int64, Data(mailbox.bytes)])
            try db.execute(sql: "UPDATE store_usage SET count = count - 1, bytes = bytes - ? WHERE id = 0", arguments: [row["size"] as Int64])
            return .some(row["file"] as String?)
        }
        guard let file else { return false }
        if let name = file { unlink(bodiesFolder.appendingPathComponent(name).path) }
        return true
    }

    public func purgeExpired(now: Date) async throws -> Int {
        let cutoff = Int64(now.timeIntervalSince1970)
        let files: [String?] = try await pool.write { db in
            let files = try String?.fetchAll(db, sql: "SELECT file FROM message WHERE expires <= ? AND held", arguments: [cutoff])
            try db.execute(sql: """
                UPDATE mailbox SET
                  count = count - (SELECT COUNT(*) FROM message WHERE message.mailbox = mailbox.address AND expires <= ?1 AND held),
                  bytes = bytes - (SELECT COALESCE(SUM(size), 0) FROM message WHERE message.mailbox = mailbox.address AND expires <= ?1 AND held)
                WHERE address IN (SELECT DISTINCT mailbox FROM message WHERE expires <= ?1 AND held)
                """, arguments: [cutoff])
            try db.execute(sql: "DELETE FROM message WHERE expires <= ?", arguments: [cutoff])
            try db.execute(sql: "UPDATE store_usage SET count = (SELECT COALESCE(SUM(count), 0) FROM mailbox), bytes = (SELECT COALESCE(SUM(bytes), 0) FROM mailbox) WHERE id = 0")
            return files
        }
        for case let name? in files { unlink(bodiesFolder.appendingPathComponent(name).path) }
        return files.count
    }

    public func putCard(address: Address, json: [UInt8]) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO card (address, json, updated) VALUES (?, ?, ?)",
                arguments: [Data(address.bytes), Data(json), Int64(Date().timeIntervalSince1970)])
        }
    }

    public func card(address: Address) async throws -> [UInt8]? {
        try await pool.read { db in
            try Data.fetchOne(db, sql: "SELECT json FROM card WHERE address = ?", arguments: [Data(address.bytes)]).map { [UInt8]($0) }
        }
    }

    /// Body files without a row (a crash between rename and commit) and staged uploads.
    private func removeOrphans() throws {
        let known = Set(try pool.read { db in try String.fetchAll(db, sql: "SELECT file FROM message WHERE file IS NOT NULL") })
        for name in (try? FileManager.default.contentsOfDirectory(atPath: bodiesFolder.path)) ?? [] where !known.contains(name) {
            unlink(bodiesFolder.appendingPathComponent(name).path)
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: stagingFolder.path)) ?? [] {
            unlink(stagingFolder.appendingPathComponent(name).path)
        }
    }
}

/// Gathers deposits that arrive while a commit is running and writes them in the next single
/// transaction: one WAL fsync for the whole group instead of one per message.
private actor GroupCommitter {
    private let pool: DatabasePool
    private let bodies: URL
    private var pending: [(Deposit, MailboxQuota, CheckedContinuation<Void, any Error>)] = []
    private var running = false

    /// A body file of its own for every deposit, never a name derived from the id alone: a second
    /// deposit with the same id (a replay, an honest retry, a co-recipient's copy) is refused when
    /// its row is inserted, and removing its body must not remove the stored one's.
    static func fileName(_ deposit: Deposit) -> String {
        "\(Hex.encode(deposit.mailbox.bytes))-\(Hex.encode(deposit.id))-\(Hex.encode(SecureRandom.bytes(8)))"
    }

    init(pool: DatabasePool, bodies: URL) {
        self.pool = pool
        self.bodies = bodies
    }

    func commit(_ deposit: Deposit, quota: MailboxQuota) async throws {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((deposit, quota, continuation))
            if !running {
                running = true
                Task { await self.run() }
            }
        }
    }

    private func run() async {
        while !pending.isEmpty {
            // Let the sessions that the last commit just answered hand in their next deposit, so a
            // group is not split into one straggler and the rest.
            for _ in 0..<4 { await Task.yield() }
            let batch = pending
            pending = []
            let results = await write(batch.map { ($0.0, $0.1) })
            for (index, entry) in batch.enumerated() {
                entry.2.resume(with: results[index])
            }
        }
        running = false
    }

    /// Moves file bodies in (fsynced), then inserts every row in one transaction.
    private func write(_ batch: [(Deposit, MailboxQuota)]) async -> [Result<Void, any Error>] {
        let bodies = self.bodies
        var results = [Result<Void, any Error>](repeating: .success(()), count: batch.count)
        var movedFiles = false
        let names = batch.map { deposit, _ in Self.fileName(deposit) }
        for (index, (deposit, _)) in batch.enumerated() {
            if case .file(let staged) = deposit.body {
                if rename(staged.path, bodies.appendingPathComponent(names[index]).path) != 0 {
                    results[index] = .failure(MailboxStoreError.storage("cannot move the body in: \(String(cString: strerror(errno)))"))
                }
                movedFiles = true
            }
        }
        if movedFiles { AtomicFile.syncFolder(bodies) }
        let ready = results
        do {
            let outcome: [Result<Void, any Error>] = try await pool.write { db in
                var outcome = ready
                // Cached statements: compiled once per connection, not once per deposit.
                let readUsage = try db.cachedStatement(sql: "SELECT count, bytes FROM mailbox WHERE address = ?")
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO message (mailbox, id, size, received, expires, body, file, held) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                let tally = try db.cachedStatement(sql: """
                    INSERT INTO mailbox (address, count, bytes) VALUES (?, ?, ?)
                    ON CONFLICT(address) DO UPDATE SET count = count + excluded.count, bytes = bytes + excluded.bytes
                    """)
                // Each mailbox's usage is read once per group and counted up here; its tally row
                // is written once at the end, not once per deposit.
                var usages: [Address: GroupUsage] = [:]
                var total = try GroupUsage(row: Row.fetchOne(db, sql: "SELECT count, bytes FROM store_usage WHERE id = 0"))
                for (index, (deposit, quota)) in batch.enumerated() {
                    guard case .success = outcome[index] else { continue }
                    let mailbox = Data(deposit.mailbox.bytes)
                    var inline: Data?, file: String?, held = true
                    switch deposit.body {
                    case .inline(let bytes): inline = Data(bytes)
                    case .file: file = names[index]
                    case .forwarded: held = false
                    }
                    if held {
                        let usage = try usages[deposit.mailbox] ?? GroupUsage(row: Row.fetchOne(readUsage, arguments: [mailbox]))
                        usages[deposit.mailbox] = usage
                        if let refusal = usage.refusal(adding: deposit.size, quota: quota) ?? total.storeRefusal(adding: deposit.size, quota: quota) {
                            outcome[index] = .failure(refusal)
                            continue
                        }
                    }
                    do {
                        try insert.execute(arguments: [
                            mailbox, Data(deposit.id), deposit.size, Int64(deposit.received.timeIntervalSince1970),
                            Int64(deposit.expires.timeIntervalSince1970), inline, file, held,
                        ])
                    } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                        outcome[index] = .failure(MailboxStoreError.duplicate)
                        continue
                    }
                    if held {
                        usages[deposit.mailbox]?.add(deposit.size)
                        total.add(deposit.size)
                    }
                }
                if total.added.count > 0 {
                    try db.execute(
                        sql: "UPDATE store_usage SET count = count + ?, bytes = bytes + ? WHERE id = 0",
                        arguments: [total.added.count, total.added.bytes])
                }
                for (mailbox, usage) in usages where usage.added.count > 0 {
                    try tally.execute(arguments: [Data(mailbox.bytes), usage.added.count, usage.added.bytes])
                }
                return outcome
            }
            // A refused file body must not stay behind.
            for (index, (deposit, _)) in batch.enumerated() {
                if case .failure = outcome[index], case .file = deposit.body {
                    unlink(bodies.appendingPathComponent(names[index]).path)
                }
            }
            return outcome
        } catch {
            return batch.map { _ in .failure(MailboxStoreError.storage(error.localizedDescription)) }
        }
    }
}

/// A mailbox's usage while one commit group is written: its tally row as read, plus what the
/// group has added so far.
private struct GroupUsage {
    let stored: (count: Int, bytes: Int)
    private(set) var added: (count: Int, bytes: Int) = (0, 0)

    init(row: Row?) {
        stored = (row?["count"] ?? 0, row?["bytes"] ?? 0)
    }

    /// Why one more message of `size` bytes would break `quota`, or nil if it fits.
    func refusal(adding size: Int, quota: MailboxQuota) -> MailboxStoreError? {
        let count = stored.count + added.count, bytes = stored.bytes + added.bytes
        if count + 1 > quota.maxCount { return .quotaExceeded("the mailbox holds \(count) messages (limit \(quota.maxCount))") }
        if size > quota.maxBytes - bytes { return .quotaExceeded("\(bytes) + \(size) bytes is over the \(quota.maxBytes)-byte limit") }
        return nil
    }

    /// Why one more message of `size` bytes would break the store-wide cap, or nil if it fits.
    func storeRefusal(adding size: Int, quota: MailboxQuota) -> MailboxStoreError? {
        let bytes = stored.bytes + added.bytes
        guard size > quota.storeMaxBytes - bytes else { return nil }
        return .storeFull("the relay's store holds \(bytes) bytes (limit \(quota.storeMaxBytes))")
    }

    mutating func add(_ size: Int) {
        added.count += 1
        added.bytes += size
    }
}
