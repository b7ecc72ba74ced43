import NIOConcurrencyHelpers

/// Live push: sessions that subscribed to a mailbox get each new deposit's entry while connected.
/// A lock, not an actor: every deposit publishes, and most mailboxes have no subscriber, so the
/// common case must cost a dictionary look-up, not a hop to another executor.
final class SubscriptionHub: Sendable {
    private struct State {
        var subscribers: [Address: [Int: AsyncStream<MailboxEntry>.Continuation]] = [:]
        var nextID = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Subscribes; the stream ends when `unsubscribe` is called with the returned id.
    func subscribe(_ mailbox: Address) -> (Int, AsyncStream<MailboxEntry>) {
        // A subscriber that cannot keep up loses old notifications, never the messages themselves.
        let (stream, continuation) = AsyncStream<MailboxEntry>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        let id = state.withLockedValue { state in
            state.nextID += 1
            state.subscribers[mailbox, default: [:]][state.nextID] = continuation
            return state.nextID
        }
        return (id, stream)
    }

    func unsubscribe(_ mailbox: Address, id: Int) {
        let continuation = state.withLockedValue { state in
            let removed = state.subscribers[mailbox]?.removeValue(forKey: id)
            if state.subscribers[mailbox]?.isEmpty == true { state.subscribers[mailbox] = nil }
            return removed
        }
        continuation?.finish()
    }

    func publish(_ entry: MailboxEntry, to mailbox: Address) {
        let continuations = state.withLockedValue { $0.subscribers[mailbox].map { Array($0.values) } ?? [] }
        for continuation in continuations { continuation.yield(entry) }
    }
}
