import ConetCore
import Foundation

/// Turns each `--to` into a public key: a card file, a contact (by address or name), a public key
/// in hex, or a local wallet's name.
enum Recipients {
    /// - Parameter relay: where to look up the card of a bare address that is not a contact.
    static func resolve(_ specs: [String], store: WalletStore, relay: RelayClient? = nil, now: Date = Date()) throws -> [PublicKey] {
        try specs.map { try resolve($0, store: store, relay: relay, now: now).key }
    }

    /// Each recipient's key and, when it came from one, its verified card (which may name the
    /// recipient's mailbox relay).
    static func resolve(_ spec: String, store: WalletStore, relay: RelayClient?, now: Date) throws -> (key: PublicKey, card: Card?) {
        let contacts = ContactBook(store: store)
        if spec.contains("/") || spec.hasSuffix(".json") || FileManager.default.fileExists(atPath: spec) {
            let card = try Card(json: Input.read(spec, limit: Card.maxSize, what: "card"))
            try card.verify(now: now)
            return (card.publicKey, card)
        }
        if let address = try? Address(spec) {
            do {
                let card = try contacts.find(address.checksummed).card
                try card.verify(now: now)
                return (card.publicKey, card)
            } catch is ContactError {
                if let relay {
                    let card = try relay.lookupCard(address)
                    return (card.publicKey, card)
                }
                throw CommandError(
                    .notFoundOrExists,
                    "no card for \(address): an address hides its key; add the card with 'conet wallet contacts add CARD'")
            }
        }
        let hex = spec.hasPrefix("0x") ? String(spec.dropFirst(2)) : spec
        if hex.count == 66 || hex.count == 130, let bytes = try? Hex.decode(hex) {
            return (try PublicKey(bytes: bytes), nil)
        }
        if let contact = try? contacts.find(spec) {
            try contact.card.verify(now: now)
            return (contact.card.publicKey, contact.card)
        }
        if (try? WalletStore.checkName(spec)) != nil, store.exists(spec) {
            guard let key = try store.load(spec).publicKey else {
                throw CommandError(.invalidInput, "wallet '\(spec)' has no stored public key; export its card and use that")
            }
            return (key, nil)
        }
        throw CommandError(.notFoundOrExists, "recipient '\(spec.prefix(80))' is not a card file, a contact, a public key or a wallet")
    }
}
