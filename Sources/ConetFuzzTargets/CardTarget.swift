#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// Contact card JSON, as `wallet contacts add`, `send --to CARD` and a relay's `publish-card`
/// read it: parsed, verified (at a fixed time, so seeds keep their meaning), its mailbox read as
/// a relay endpoint, and written back: what parses must parse again to the same card.
enum CardTarget {
    static let target = FuzzTarget(
        name: "card",
        summary: "contact card JSON (address, key, mailbox, dates, signature)",
        run: run)

    /// 2026-06-01: after the seeds' creation, before their expiry.
    static let now = Date(timeIntervalSince1970: 1_780_272_000)

    static func run(_ input: [UInt8]) {
        guard let card = try? Card(json: Data(input)) else { return }
        _ = try? card.verify(now: now)
        _ = card.canonicalMessage
        if card.mailbox != nil { _ = try? RelayEndpoint(card: card) }
        let again = try? Card(json: card.jsonData())
        FuzzInvariant.require(again == card, "a card does not survive its own JSON")
    }
}
#endif
