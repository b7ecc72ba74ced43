import ConetCore
import Foundation

/// Turns each `--to` into a public key, and remembers where it came from so the report can say.
///
/// A bare name is looked up among contacts and wallets only, never as a file: a file in the
/// working directory that happened to share a contact's name would otherwise redirect the
/// encryption unnoticed. A card file is read only when the argument is clearly a path (it holds a
/// '/' or ends in .json) or says so (`card:PATH`). A name that is both a contact and a wallet of
/// different keys is refused, naming both, until `contact:NAME` or `wallet:NAME` picks one.
enum Recipients {
    /// Where a recipient's key came from.
    enum Source: Equatable {
        /// A contact's verified card, found by its local name (nil when found by address).
        case contact(name: String?)
        /// A local wallet's stored public key.
        case wallet(String)
        /// A verified card read from this file.
        case cardFile(String)
        /// A public key given in hex.
        case publicKey
        /// A verified card the relay returned for a bare address.
        case relay

        /// The JSON `source` value.
        var kind: String {
            switch self {
            case .contact: "contact"
            case .wallet: "wallet"
            case .cardFile: "card-file"
            case .publicKey: "public-key"
            case .relay: "relay"
            }
        }

        /// Words for the human report: "contact bob", "card file ./bob.card.json".
        var text: String {
            switch self {
            case .contact(let name): name.map { "contact \($0)" } ?? "contact"
            case .wallet(let name): "wallet \(name)"
            case .cardFile(let path): "card file \(path)"
            case .publicKey: "public key"
            case .relay: "card from the relay"
            }
        }
    }

    /// One resolved recipient.
    struct Recipient {
        let key: PublicKey
        /// The verified card, when the key came from one (it may name a mailbox relay).
        let card: Card?
        let source: Source
        var address: Address { key.address }
    }

    /// Prefixes that say which kind of recipient an argument names.
    static let contactPrefix = "contact:", walletPrefix = "wallet:", cardPrefix = "card:"

    /// Each argument's recipient, in order; a key named twice (by name and by address, say) is
    /// kept once, as the message holds it once, so the report's list and count agree.
    /// - Parameter relay: where to look up the card of a bare address that is not a contact.
    static func resolve(_ specs: [String], store: WalletStore, relay: RelayClient? = nil, now: Date = Date()) throws -> [Recipient] {
        var recipients: [Recipient] = []
        for spec in specs {
            let recipient = try resolve(spec, store: store, relay: relay, now: now)
            if !recipients.contains(where: { $0.key == recipient.key }) { recipients.append(recipient) }
        }
        return recipients
    }

    /// Resolves one `--to` argument.
    static func resolve(_ spec: String, store: WalletStore, relay: RelayClient?, now: Date) throws -> Recipient {
        let contacts = ContactBook(store: store)
        if let path = spec.dropPrefix(cardPrefix) { return try cardFile(path, now: now) }
        if let name = spec.dropPrefix(contactPrefix) {
            guard let recipient = try contact(named: name, in: contacts, now: now) else { throw ContactError.notFound(name) }
            return recipient
        }
        if let name = spec.dropPrefix(walletPrefix) { return try wallet(name, in: store) }
        if spec.contains("/") || spec.hasSuffix(".json") { return try cardFile(spec, now: now) }
        if let address = try? Address(spec) { return try byAddress(address, contacts: contacts, relay: relay, now: now) }
        let hex = spec.hasPrefix("0x") ? String(spec.dropFirst(2)) : spec
        if hex.count == 66 || hex.count == 130, let bytes = try? Hex.decode(hex) {
            return Recipient(key: try PublicKey(bytes: bytes), card: nil, source: .publicKey)
        }
        let asContact = try contact(named: spec, in: contacts, now: now)
        let isWallet = (try? WalletStore.checkName(spec)) != nil && store.exists(spec)
        if let asContact, isWallet {
            let walletAddress = try? store.load(spec).address
            // The same key under both names is no ambiguity: the contact's card says more.
            if walletAddress == asContact.address { return asContact }
            throw CommandError(
                .invalidInput,
                "recipient '\(spec)' is both contact '\(spec)' (\(asContact.address)) and wallet '\(spec)' "
                    + "(\(walletAddress.map(\.checksummed) ?? "unreadable")): write \(contactPrefix)\(spec) or \(walletPrefix)\(spec)")
        }
        if let asContact { return asContact }
        if isWallet { return try wallet(spec, in: store) }
        var message = "recipient '\(spec.prefix(80))' is not a contact, a wallet, an address with a card, or a public key"
        if FileManager.default.fileExists(atPath: spec) {
            message += "; to read the card file '\(spec.prefix(80))' in this folder, write ./\(spec.prefix(80))"
        }
        throw CommandError(.notFoundOrExists, message)
    }

    private static func cardFile(_ path: String, now: Date) throws -> Recipient {
        let card = try Card(json: Input.read(path, limit: Card.maxSize, what: "card"))
        try card.verify(now: now)
        return Recipient(key: card.publicKey, card: card, source: .cardFile(path))
    }

    /// The contact with this local name, verified; nil when there is none.
    private static func contact(named name: String, in contacts: ContactBook, now: Date) throws -> Recipient? {
        guard let contact = contacts.all().first(where: { $0.name == name }) else { return nil }
        try contact.card.verify(now: now)
        return Recipient(key: contact.card.publicKey, card: contact.card, source: .contact(name: name))
    }

    private static func wallet(_ name: String, in store: WalletStore) throws -> Recipient {
        guard let key = try store.load(name).publicKey else {
            throw CommandError(.invalidInput, "wallet '\(name)' has no stored public key; export its card and use that")
        }
        return Recipient(key: key, card: nil, source: .wallet(name))
    }

    /// A bare address: its contact, else (with a relay) the card the relay holds for it.
    private static func byAddress(_ address: Address, contacts: ContactBook, relay: RelayClient?, now: Date) throws -> Recipient {
        do {
            let contact = try contacts.find(address.checksummed)
            try contact.card.verify(now: now)
            return Recipient(key: contact.card.publicKey, card: contact.card, source: .contact(name: contact.name))
        } catch is ContactError {
            if let relay {
                let card = try relay.lookupCard(address)
                return Recipient(key: card.publicKey, card: card, source: .relay)
            }
            throw CommandError(
                .notFoundOrExists,
                "no card for \(address): an address hides its key; add the card with 'conet wallet contacts add CARD'")
        }
    }
}

extension String {
    /// The rest of the string after `prefix`, or nil when it does not start with it.
    fileprivate func dropPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
