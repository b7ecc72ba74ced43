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
