import Foundation
import NIOConcurrencyHelpers

/// The message ids this relay process has taken on lately, in memory: a second copy is refused at
/// once, before any disk write, even while the first copy's id is still being written to the
/// store. The store's record of ids (`MailboxStore.hasSeen`, read for every layer) covers the
/// rest; so an id is kept here only for `window`, which bounds the memory to that window's ids.
final class ReplayGuard: Sendable {
    private struct State {
        var expiries: [[UInt8]: Date] = [:]
        var nextPrune = Date()
    }

    private let state = NIOLockedValueBox(State())
    /// Above this many ids, expired ones are dropped (at most once a minute).
    static let pruneAbove = 100_000
    /// Long enough for any background write of an id to have reached the store.
    static let window: TimeInterval = 600

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
            state.expiries[key] = min(expires, now.addingTimeInterval(Self.window))
            return true
        }
    }
}
