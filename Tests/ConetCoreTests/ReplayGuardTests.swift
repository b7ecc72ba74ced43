import Foundation
import Testing
@testable import ConetCore

@Suite struct ReplayGuardTests {
    @Test func aSecondCopyIsRefusedUntilTheIdExpires() {
        let guardian = ReplayGuard()
        let relay = PrivateKey.generate().publicKey.address, other = PrivateKey.generate().publicKey.address
        let id = SecureRandom.bytes(16)
        let later = Date().addingTimeInterval(3600)
        #expect(guardian.claim(id, mailbox: relay, expires: later))
        #expect(!guardian.claim(id, mailbox: relay, expires: later))
        #expect(guardian.claim(id, mailbox: other, expires: later))
        // An id that has already expired is not held (the relay refuses such messages anyway).
        let stale = SecureRandom.bytes(16)
        #expect(guardian.claim(stale, mailbox: relay, expires: Date().addingTimeInterval(-1)))
        #expect(guardian.claim(stale, mailbox: relay, expires: Date().addingTimeInterval(-1)))
    }
}

@Suite struct ReplayGuardMemoryTests {
    /// The store is skipped only for a message whose every copy arrived while this guard held ids.
    @Test func onlyRecentMessagesMadeSinceTheStartAreLeftToMemory() {
        let now = Date()
        let guardian = ReplayGuard(started: now.addingTimeInterval(-3600))
        let skew: TimeInterval = 300
        #expect(guardian.remembersEveryCopy(ofMessageCreated: now, skew: skew, now: now))
        #expect(guardian.remembersEveryCopy(ofMessageCreated: now.addingTimeInterval(-ReplayGuard.window + skew + 1), skew: skew, now: now))
        // An older one may have come before the memory's window: the store must say.
        #expect(!guardian.remembersEveryCopy(ofMessageCreated: now.addingTimeInterval(-ReplayGuard.window + skew - 1), skew: skew, now: now))
        // Dated just after the start, it may still have reached an earlier process (up to `skew` early).
        let fresh = ReplayGuard(started: now.addingTimeInterval(-60))
        #expect(!fresh.remembersEveryCopy(ofMessageCreated: now, skew: skew, now: now))
        #expect(fresh.remembersEveryCopy(ofMessageCreated: now.addingTimeInterval(skew - 59), skew: skew, now: now))
    }
}

extension ReplayGuardMemoryTests {
    /// A store shared with relay processes running at the same time answers `.distantFuture`.
    @Test func aSharedStoreIsAlwaysRead() {
        let shared = ReplayGuard(started: .distantFuture)
        #expect(!shared.remembersEveryCopy(ofMessageCreated: Date(), skew: 300))
    }
}
