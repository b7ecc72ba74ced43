import NIOConcurrencyHelpers
import NIOCore

/// The relay's open connections, bounded in all and per remote address. When full, a newcomer
/// takes the place of the oldest connection still in its handshake (idle sockets cost an
/// attacker nothing, so they must not be able to lock real clients out); only when every slot
/// holds a real session is it refused. One address may hold at most `perAddress` connections, by
/// the same rule.
final class ConnectionTable: Sendable {
    /// Why a connection was not admitted.
    enum Refusal: Error, CustomStringConvertible {
        case full
        case addressLimit(String)

        var description: String {
            switch self {
            case .full: "every slot holds a session"
            case .addressLimit(let key): "every connection \(key) may hold is a session"
            }
        }
    }

    private struct State {
        var count = 0
        var serial = 0
        /// Connections that have not finished the handshake, oldest first (by serial).
        var pending: [Int: any Channel] = [:]
        /// Evicted connections whose slot already went to a newcomer.
        var evicted: Set<Int> = []
        /// Every open connection, for closing them all at the end of a drain.
        var all: [Int: any Channel] = [:]
        /// Each open connection's address key, and how many connections each key holds.
        var keys: [Int: String] = [:]
        var perKey: [String: Int] = [:]
    }

    private let limit: Int
    private let perAddress: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int, perAddress: Int) {
        self.limit = limit
        self.perAddress = perAddress
    }

    /// The key a remote address is counted under: an IPv4 address, or an IPv6 address's /64
    /// prefix (one host is commonly given a whole /64, so counting single v6 addresses bounds
    /// nothing).
    static func addressKey(_ address: SocketAddress?) -> String {
        switch address {
        case .v6(let v6)?:
            var raw = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0.prefix(8)) }
            if bytes.prefix(8) == [0, 0, 0, 0, 0, 0, 0, 0] { return address?.ipAddress ?? "unknown" }
            return bytes.map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
        case let address?: return address.ipAddress ?? "unknown"
        case nil: return "unknown"
        }
    }

    /// Admits `channel`, evicting the oldest pending one if full. Returns its ticket.
    func admit(_ channel: any Channel) -> Result<Int, Refusal> {
        let key = Self.addressKey(channel.remoteAddress)
        let outcome: Result<(Int, (any Channel)?), Refusal> = state.withLockedValue { state in
            var evicted: (any Channel)?
            if state.perKey[key, default: 0] >= perAddress {
                // The same rule within one address: its oldest connection still in the handshake
                // makes room (a real client behind the attacker's NAT still gets in); only an
                // address whose every connection holds a session is refused.
                guard let oldest = state.pending.keys.filter({ state.keys[$0] == key }).min() else { return .failure(.addressLimit(key)) }
                evicted = state.pending.removeValue(forKey: oldest)
                state.evicted.insert(oldest)
            } else if state.count >= limit {
                guard let oldest = state.pending.keys.min() else { return .failure(.full) }
                evicted = state.pending.removeValue(forKey: oldest)
                state.evicted.insert(oldest)
            } else {
                state.count += 1
            }
            state.serial += 1
            state.pending[state.serial] = channel
            state.all[state.serial] = channel
            state.keys[state.serial] = key
            state.perKey[key, default: 0] += 1
            return .success((state.serial, evicted))
        }
        return outcome.map { ticket, evicted in
            evicted?.close(promise: nil)
            return ticket
        }
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
            if let key = state.keys.removeValue(forKey: ticket) {
                let left = state.perKey[key, default: 1] - 1
                state.perKey[key] = left > 0 ? left : nil
            }
            if state.evicted.remove(ticket) != nil { return }
            state.pending.removeValue(forKey: ticket)
            state.count -= 1
        }
    }
}
