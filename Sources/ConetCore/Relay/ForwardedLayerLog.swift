import Foundation
import Logging
import NIOConcurrencyHelpers

/// The ids of onion layers this relay passed on, written to the store in the background, many to
/// a transaction: remembering a forward costs a row in a shared commit, not a commit of its own.
/// Until an id is written, `ReplayGuard` refuses its replays from memory.
final class ForwardedLayerLog: Sendable {
    private struct State {
        var pending: [Deposit] = []
        /// The background writer, while it runs; it ends when it finds nothing queued.
        var writer: Task<Void, Never>?
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
        state.withLockedValue { state in
            state.pending.append(layer)
            if state.writer == nil { state.writer = Task { await writeBatches() } }
        }
    }

    /// Waits for the background writer, then writes anything still queued (when the relay stops).
    func flush() async {
        await state.withLockedValue(\.writer)?.value
        await write(takePending(endingWriterIfEmpty: false))
    }

    private func writeBatches() async {
        while true {
            try? await Task.sleep(for: Self.interval)
            let batch = takePending(endingWriterIfEmpty: true)
            if batch.isEmpty { return }
            await write(batch)
        }
    }

    /// Takes the queue; the writer, finding it empty, marks itself ended in the same step, so a
    /// `note` after that starts a new one.
    private func takePending(endingWriterIfEmpty: Bool) -> [Deposit] {
        state.withLockedValue { state in
            defer { state.pending = [] }
            if endingWriterIfEmpty && state.pending.isEmpty { state.writer = nil }
            return state.pending
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
