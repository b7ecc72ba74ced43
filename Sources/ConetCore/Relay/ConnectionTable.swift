import NIOConcurrencyHelpers
import NIOCore

/// The relay's open connections, bounded. When full, a newcomer takes the place of the oldest
/// connection still in its handshake (idle sockets cost an attacker nothing, so they must not be
/// able to lock real clients out); only when every slot holds a real session is it refused.
final class ConnectionTable: Sendable {
    private struct State {
        var count = 0
        var serial = 0
        /// Connections that have not finished the handshake, oldest first (by serial).
        var pending: [Int: any Channel] = [:]
        /// Evicted connections whose slot already went to a newcomer.
        var evicted: Set<Int> = []
        /// Every open connection, for closing them all at the end of a drain.
        var all: [Int: any Channel] = [:]
    }

    private let limit: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int) { self.limit = limit }

    /// Admits `channel`, evicting the oldest pending one if full. Returns its ticket, or nil if refused.
    func admit(_ channel: any Channel) -> Int? {
        let (ticket, evicted): (Int?, (any Channel)?) = state.withLockedValue { state in
            var evicted: (any Channel)?
            if state.count >= limit {
                guard let oldest = state.pending.keys.min() else { return (nil, nil) }
                evicted = state.pending.removeValue(forKey: oldest)
                state.evicted.insert(oldest)
            } else {
                state.count += 1
            }
            state.serial += 1
            state.pending[state.serial] = channel
            state.all[state.serial] = channel
            return (state.serial, evicted)
        }
        evicted?.close(promise: nil)
        return ticket
    }

    /// The connection finished its handshake: it can no longer be evicted.
    func established(_ ticket: Int) {
        state.withLockedValue { _ = $0.pending.removeValue(forKey: ticket) }
    }

    /// Whether the connection is still in its handshake.
    func isPending(_ ticket: Int) -> Bool {
        state.withLockedValue { $0.pending[ticket] != nil }
    }

    /// Closes every connection still open (the end of a drain).
    func closeAll() {
        let open = state.withLockedValue { Array($0.all.values) }
        for channel in open { channel.close(promise: nil) }
    }

    /// The connection ended; an evicted one's slot was already handed on.
    func remove(_ ticket: Int) {
        state.withLockedValue { state in
            state.all.removeValue(forKey: ticket)
            if state.evicted.remove(ticket) != nil { return }
            state.pending.removeValue(forKey: ticket)
            state.count -= 1
        }
    }
}
