import Foundation
import NIOConcurrencyHelpers

/// The message ids this relay process has taken on, in memory: a second copy is refused at once,
/// before any disk write, even while the first copy's id is still being made durable. The
/// store's `seen` table covers what came before a restart.
final class ReplayGuard: Sendable {
    private struct State {
        var expiries: [[UInt8]: Date] = [:]
        var nextPrune = Date()
    }

    private let state = NIOLockedValueBox(State())
    /// Above this many ids, expired ones are dropped (at most once a minute).
    static let pruneAbove = 100_000

    /// Takes `id` (of mailbox `mailbox`) until `expires`; false if it was already taken.
    func claim(_ id: [UInt8], mailbox: Address, expires: Date) -> Bool {
        let key = mailbox.bytes + id
        return state.withLockedValue { state in
            let now = Date()
            if state.expiries.count > Self.pruneAbove && now >= state.nextPrune {
                state.expiries = state.expiries.filter { $0.value > now }
                state.nextPrune = now.addingTimeInterval(60)
            }
            if let known = state.expiries[key], known > now { return false }
            state.expiries[key] = expires
            return true
        }
    }
}
