import Dispatch
import Foundation
import Logging

extension BenchSuites {
    /// The relay suite: a relay in this process on 127.0.0.1 with its store in a temporary folder,
    /// as durable as in production (WAL, synchronous=FULL, fsync before each answer), driven by
    /// real clients over loopback.
    static func relay(_ watch: Stopwatch) throws -> [BenchFigure] {
        let relay = try BenchRelay()
        defer { relay.stop() }
        let owner = PrivateKey.generate()
        let mailbox = owner.publicKey.address
        let small = try BenchRelay.envelope(byteCount: 1024, to: owner.publicKey)
        var figures: [BenchFigure] = []

        figures.append(try storeFigure(watch, small: small, mailbox: mailbox))
        let single = try RelayClient(endpoint: relay.endpoint)
        figures.append(try watch.measure(suite: "relay", name: "deposit 1 KiB, 1 client", unit: "ops/s") {
            _ = try single.deposit(into: mailbox, from: MemorySource(BenchRelay.freshCopy(small)))
            return 1
        })

        let clients = try (0..<32).map { _ in try RelayClient(endpoint: relay.endpoint) }
        let runs = try watch.concurrentRuns(workers: clients.count) { worker in
            _ = try clients[worker].deposit(into: mailbox, from: MemorySource(BenchRelay.freshCopy(small)))
        }
        figures.append(BenchFigure(suite: "relay", name: "deposit 1 KiB, 32 clients", unit: "ops/s", values: runs.map(\.rate)))
        for (label, quantile) in [("p50", 0.5), ("p99", 0.99)] {
            let values = runs.map { run in run.latencies.isEmpty ? 0 : run.latencies[min(run.latencies.count - 1, Int(Double(run.latencies.count) * quantile))] * 1e6 }
            figures.append(BenchFigure(suite: "relay", name: "deposit latency \(label), 1 KiB, 32 clients", unit: "µs", values: values))
        }

        try single.login(owner)
        let ids = try single.list().map(\.id)
        var next = 0
        figures.append(try watch.measure(suite: "relay", name: "fetch 1 KiB", unit: "ops/s") {
            let source = try single.fetch(ids[next % ids.count])
            next += 1
            while try !source.read(upTo: 1 << 16).isEmpty {}
            return 1
        })

        // One large message per run, deposited then fetched, then acknowledged so the disk does not fill.
        let large = try BenchRelay.envelope(byteCount: 64 << 20, to: owner.publicKey)
        var deposits: [Double] = [], fetches: [Double] = []
        for _ in 0..<watch.runs {
            var began = ContinuousClock.now
            let id = try single.deposit(into: mailbox, from: MemorySource(BenchRelay.freshCopy(large)))
            deposits.append(Double(large.count) / Stopwatch.seconds(ContinuousClock.now - began) * 1e-6)
            began = ContinuousClock.now
            let source = try single.fetch(id)
            while try !source.read(upTo: 1 << 20).isEmpty {}
            fetches.append(Double(large.count) / Stopwatch.seconds(ContinuousClock.now - began) * 1e-6)
            try single.acknowledge(id)
        }
        figures.append(BenchFigure(suite: "relay", name: "deposit 64 MiB", unit: "MB/s", values: deposits))
        figures.append(BenchFigure(suite: "relay", name: "fetch 64 MiB", unit: "MB/s", values: fetches))
        return figures
    }

    /// The store alone, without sessions or sockets: 32 tasks committing 1 KiB deposits, so the
    /// relay figures can be split into the store's part and the network's.
    static func storeFigure(_ watch: Stopwatch, small: [UInt8], mailbox: Address) throws -> BenchFigure {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conet-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteMailboxStore(folder: folder)
        let quota = MailboxQuota(maxBytes: 1 << 40, maxCount: 1 << 30)
        let perRun = max(watch.seconds / Double(watch.runs), 0.01)
        let rates = try (0...watch.runs).map { _ in
            try BenchRelay.blocking {
                let start = ContinuousClock.now
                let deadline = start + .milliseconds(Int64(perRun * 1000))
                let count = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<32 {
                        group.addTask {
                            var done = 0
                            repeat {
                                let now = Date()
                                try await store.commit(
                                    Deposit(id: SecureRandom.bytes(16), mailbox: mailbox, size: small.count, received: now,
                                            expires: now.addingTimeInterval(3600), body: .inline(small)),
                                    quota: quota)
                                done += 1
                            } while ContinuousClock.now < deadline
                            return done
                        }
                    }
                    return try await group.reduce(0, +)
                }
                return Double(count) / Stopwatch.seconds(ContinuousClock.now - start)
            }
        }
        return BenchFigure(suite: "relay", name: "store commit 1 KiB, 32 tasks", unit: "ops/s", values: Array(rates.dropFirst()))
    }

    /// The onion suite: paths of 1 (a direct deposit), 2 and 3 relays, all in this process: 1 KiB
    /// messages with 32 clients, and the latency of one client (whose growth is the cost of a hop).
    /// One more path of 1 relay wraps the message in a layer for it, as the last hop of every
    /// onion does: the cost of a layer next to that of a direct deposit. Onions are built before
    /// timing, so the figures are the relays' work.
    static func onion(_ watch: Stopwatch) throws -> [BenchFigure] {
        let mailboxRelay = try BenchRelay(), middle = try BenchRelay(), entry = try BenchRelay()
        defer { mailboxRelay.stop(); middle.stop(); entry.stop() }
        let recipient = PrivateKey.generate().publicKey
        try middle.add(peer: mailboxRelay)
        try entry.add(peer: middle)
        let message = try BenchRelay.envelope(byteCount: 1024, to: recipient)
        let paths: [(relays: [BenchRelay], layered: Bool)] = [
            ([mailboxRelay], false), ([mailboxRelay], true), ([middle, mailboxRelay], true), ([entry, middle, mailboxRelay], true),
        ]
        var figures: [BenchFigure] = []
        for (path, layered) in paths {
            let count = path.count
            let label = "path of \(count) relay(s)\(count == 1 && layered ? " as an onion layer" : "")"
            // A direct deposit needs only a fresh id; onions are built ahead, enough for every run
            // at a generous rate. A worker that runs out stops (its operations so far count).
            let onions = try !layered ? nil : OnionStock((0..<Int(max(2000, (count == 1 ? 24000 : 12000) * watch.seconds))).map { _ in
                try BenchRelay.onion(BenchRelay.freshCopy(message), path: path.map(\.server.identity.publicKey), mailbox: recipient.address)
            })
            let send: @Sendable (RelayClient) throws -> Void = { client in
                if !layered {
                    _ = try client.deposit(into: recipient.address, from: MemorySource(BenchRelay.freshCopy(message)))
                    return
                }
                guard let next = onions?.next() else { throw Stopwatch.WorkerDone() }
                _ = try client.sendOnion(from: MemorySource(next))
            }
            let single = try RelayClient(endpoint: path[0].endpoint)
            let latency = try watch.concurrentRuns(workers: 1) { _ in try send(single) }
            figures.append(BenchFigure(
                suite: "onion", name: "\(label), 1 KiB, latency p50, 1 client", unit: "µs",
                values: latency.map { $0.latencies.isEmpty ? 0 : $0.latencies[$0.latencies.count / 2] * 1e6 }))
            let clients = try (0..<32).map { _ in try RelayClient(endpoint: path[0].endpoint) }
            let rates = try watch.concurrentRuns(workers: clients.count) { worker in try send(clients[worker]) }
            figures.append(BenchFigure(suite: "onion", name: "\(label), 1 KiB, 32 clients", unit: "ops/s", values: rates.map(\.rate)))
        }
        return figures
    }
}

/// Pre-built onions handed out once each, from many threads.
final class OnionStock: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [[UInt8]]
    private var index = 0

    init(_ items: [[UInt8]]) { self.items = items }

    func next() -> [UInt8]? {
        lock.withLock {
            guard index < items.count else { return nil }
            defer { index += 1 }
            return items[index]
        }
    }
}

/// A relay in this process, on a free port of 127.0.0.1, storing in a temporary folder that
/// `stop` removes.
final class BenchRelay: @unchecked Sendable {
    let folder: URL
    let server: RelayServer
    let endpoint: RelayEndpoint
    private let stopped = DispatchSemaphore(value: 0)

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("conet-bench-\(UUID().uuidString)")
        let store = try SQLiteMailboxStore(folder: folder)
        var configuration = RelayConfiguration()
        configuration.quota = MailboxQuota(maxBytes: 1 << 40, maxCount: 1 << 30)
        configuration.maxMessageBytes = 1 << 30
        configuration.recordsPerSecond = 1_000_000
        // Every bench client comes from 127.0.0.1: per-address bounds would measure themselves.
        configuration.maxConnectionsPerAddress = 1 << 20
        configuration.maxForwardsPerAddress = 1 << 20
        configuration.maxForwardsPerPeer = 1 << 20
        configuration.maxForwards = 1 << 20
        let identity = PrivateKey.generate()
        let logger = Logger(label: "conet.bench.relay") { _ in SwiftLogNoOpLogHandler() }
        let settings = configuration
        let server = try Self.blocking {
            try await RelayServer(
                identity: identity, host: "127.0.0.1", port: 0, store: store, stagingFolder: store.stagingFolder,
                configuration: settings, logger: logger)
        }
        self.server = server
        endpoint = RelayEndpoint(address: identity.publicKey.address, host: "127.0.0.1", port: server.port)
        Task.detached { [stopped] in
            try? await server.run()
            stopped.signal()
        }
    }

    func stop() {
        server.shutdown(drainTimeout: 0)
        stopped.wait()
        try? FileManager.default.removeItem(at: folder)
    }

    /// A sealed envelope of `byteCount` bytes, plus 17 per chunk after the first (random content,
    /// so it is not compressed).
    static func envelope(byteCount: Int, to recipient: PublicKey) throws -> [UInt8] {
        let sender = PrivateKey.generate()
        let overhead = try BenchCorpus.seal([], to: [recipient], from: sender).count
        return try BenchCorpus.seal(SecureRandom.bytes(max(0, byteCount - overhead)), to: [recipient], from: sender)
    }

    /// `envelope` with a new random message id: the relay refuses a second copy of an id, and
    /// does not (cannot) check the header MAC that the change breaks.
    static func freshCopy(_ envelope: [UInt8]) -> [UInt8] {
        var copy = envelope
        let start = EnvelopeFormat.messageIDOffset
        copy.replaceSubrange(start..<(start + EnvelopeFormat.messageIDByteCount), with: SecureRandom.bytes(EnvelopeFormat.messageIDByteCount))
        return copy
    }

    /// Makes `peer` known to this relay for forwarding.
    func add(peer: BenchRelay) throws {
        let card = try Card.make(key: peer.server.identity, mailbox: peer.endpoint.description, expires: nil)
        let server = server
        try Self.blocking { try await server.addPeer(card) }
    }

    /// `message` wrapped in one layer per relay of `path`, entry first.
    static func onion(_ message: [UInt8], path: [PublicKey], mailbox: Address) throws -> [UInt8] {
        let sink = BenchCorpus.Sink()
        let layers = try OnionWriter(path: path, mailbox: mailbox, options: EnvelopeOptions()) { sink.bytes += $0 }
        try layers.write(message)
        try layers.finish()
        return sink.bytes
    }

    /// Waits for async work from synchronous code (the bench command runs outside any task).
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task.detached {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    private final class ResultBox<T>: @unchecked Sendable {
        var result: Result<T, Error>?
    }
}
