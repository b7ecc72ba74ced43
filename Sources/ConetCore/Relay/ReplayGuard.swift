import Foundation
import NIOConcurrencyHelpers

/// The message ids this relay process has taken on lately, in memory: a second copy is refused at
/// once, before any disk write, even while the first copy's id is still being written to the
/// store. The store's record of ids (`MailboxStore.hasSeen`) covers the rest; so an id is kept
/// here only for `window`, which bounds the memory to that window's ids.
final class ReplayGuard: Sendable {
    private struct State {
        var expiries: [[UInt8]: Date] = [:]
        var nextPrune = Date()
    }

    private let state = NIOLockedValueBox(State())
    /// Ids taken before this moment (by an earlier process) are only in the store.
    let started: Date
    /// Above this many ids, expired ones are dropped (at most once a minute).
    static let pruneAbove = 100_000
    /// Long enough for any background write of an id to have reached the store.
    static let window: TimeInterval = 600

    init(started: Date = Date()) {
        self.started = started
    }

    /// Whether any earlier copy of a message created at `created` must have been claimed here, so
    /// that `claim` alone decides and the store need not be read. A copy arrives no earlier than
    /// `skew` before its creation date (relays refuse messages dated further ahead); if that is
    /// after this guard began and within `window` of now, the id is still held in memory.
    func remembersEveryCopy(ofMessageCreated created: Date, skew: TimeInterval, now: Date = Date()) -> Bool {
        let earliestArrival = created.addingTimeInterval(-skew)
        return earliestArrival > started && earliestArrival > now.addingTimeInterval(-Self.window)
    }

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
