import Foundation
import Logging
import NIOConcurrencyHelpers

/// The ids of onion layers this relay passed on, written to the store in the background, many to
/// a transaction: remembering a forward costs a row in a shared commit, not a commit of its own.
/// Until an id is written, `ReplayGuard` refuses its replays from memory.
final class ForwardedLayerLog: Sendable {
    private struct State {
        var pending: [Deposit] = []
        /// Whether the background writer runs (it stops when it finds nothing queued).
        var writing = false
        /// Whether it is writing a batch it took, which `flush` must wait for.
        var busy = false
    }

    private let store: any MailboxStore
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    /// The pause before each batch: the ids of at most this long are lost if the relay crashes
    /// (a replay of such a layer still meets the mailbox relay, which refuses an id it stored).
    static let interval: Duration = .milliseconds(20)

    init(store: any MailboxStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Queues the id of a layer that is being passed on.
    func note(_ layer: Deposit) {
        let start = state.withLockedValue { state in
            state.pending.append(layer)
            defer { state.writing = true }
            return !state.writing
        }
        if start { Task { await writeBatches() } }
    }

    /// Writes what is queued, and waits for a batch being written (when the relay stops).
    func flush() async {
        while true {
            let (batch, busy) = state.withLockedValue { state in
                defer { state.pending = [] }
                return (state.pending, state.busy)
            }
            await write(batch)
            if batch.isEmpty && !busy { return }
            if batch.isEmpty { try? await Task.sleep(for: .milliseconds(1)) }
        }
    }

    private func writeBatches() async {
        while true {
            try? await Task.sleep(for: Self.interval)
            let batch = state.withLockedValue { state in
                defer { state.pending = [] }
                state.writing = !state.pending.isEmpty
                state.busy = state.writing
                return state.pending
            }
            if batch.isEmpty { return }
            await write(batch)
            state.withLockedValue { $0.busy = false }
        }
    }

    private func write(_ batch: [Deposit]) async {
        guard !batch.isEmpty else { return }
        do {
            try await store.commit(forwarded: batch)
        } catch {
            logger.warning("forwarded layer ids not written", metadata: ["count": "\(batch.count)", "reason": "\(error.localizedDescription)"])
        }
    }
}
