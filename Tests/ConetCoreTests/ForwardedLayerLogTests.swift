import Foundation
import Logging
import Testing
@testable import ConetCore

@Suite struct ForwardedLayerLogTests {
    /// A log over a fresh store in a temporary folder, and this relay's address.
    private static func withLog(_ body: (ForwardedLayerLog, SQLiteMailboxStore, Address) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conet-log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteMailboxStore(folder: folder)
        let log = ForwardedLayerLog(store: store, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try await body(log, store, PrivateKey.generate().publicKey.address)
    }

    private static func layer(_ relay: Address) -> Deposit {
        Deposit(id: SecureRandom.bytes(16), mailbox: relay, size: 0, received: Date(), expires: Date().addingTimeInterval(3600), body: .forwarded)
    }

    /// Noted ids reach the store on their own, in the background, and keep reaching it after a
    /// pause (the writer stops when idle and starts again).
    @Test func notedIdsReachTheStore() async throws {
        try await Self.withLog { log, store, relay in
            for round in 0..<2 {
                let layers = (0..<50).map { _ in Self.layer(relay) }
                layers.forEach(log.note)
                // Bounded by polls, not by the clock: when other tests hold the cooperative threads,
                // the writer and this loop both wait, and the writer still gets its turns in between.
                var missing = layers
                for _ in 0..<3000 where !missing.isEmpty {
                    try await Task.sleep(for: .milliseconds(10))
                    var still: [Deposit] = []
                    for layer in missing where try await !store.hasSeen(id: layer.id, mailbox: relay) { still.append(layer) }
                    missing = still
                }
                let unwritten = missing.count
                #expect(unwritten == 0, "round \(round): ids never written")
                // Longer than the batching pause: the writer goes idle before the next round.
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// A stopping relay has written everything queued once `flush` returns.
    @Test func flushWritesWhatIsQueued() async throws {
        try await Self.withLog { log, store, relay in
            let layers = (0..<20).map { _ in Self.layer(relay) }
            layers.forEach(log.note)
            await log.flush()
            for layer in layers {
                let seen = try await store.hasSeen(id: layer.id, mailbox: relay)
                #expect(seen)
            }
        }
    }
}
