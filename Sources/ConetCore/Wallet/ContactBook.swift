import Foundation

/// The address book: verified cards stored as `contacts/0xaddress.json` with an optional local
/// name. Cards are verified again whenever they are read, so an expired one is noticed.
public struct ContactBook: Sendable {
    public struct Contact: Sendable {
        public let name: String?
        public let card: Card

        public init(name: String?, card: Card) {
            self.name = name
            self.card = card
        }
    }

    let store: WalletStore

    public init(store: WalletStore) {
        self.store = store
    }

    /// Verifies and stores a card (replacing any older card of the same address).
    public func add(_ card: Card, name: String?, now: Date = Date()) throws {
        try card.verify(now: now)
        if let name {
            try WalletStore.checkName(name)
            if let other = try? find(name), other.card.address != card.address {
                throw ContactError.nameTaken(name, by: other.card.address)
            }
        }
        try store.prepare()
        var object: [String: Any] = ["card": card.jsonObject]
        if let name { object["name"] = name }
        try AtomicFile.write(JSONObject.serialize(object), to: url(of: card.address), staging: store.stagingFolder, overwrite: true)
    }

    /// Every stored contact, sorted by name then address; unreadable files are skipped.
    public func all() -> [Contact] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: store.contactsFolder.path)) ?? []
        return entries.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .compactMap { try? load(store.contactsFolder.appendingPathComponent($0)) }
            .sorted { ($0.name ?? "~", $0.card.address.lowercased) < ($1.name ?? "~", $1.card.address.lowercased) }
    }

    /// Finds a contact by local name or by address.
    public func find(_ nameOrAddress: String) throws -> Contact {
        if let address = try? Address(nameOrAddress) {
            do { return try load(url(of: address)) } catch FileError.notFound { throw ContactError.notFound(nameOrAddress) }
        }
        guard let contact = all().first(where: { $0.name == nameOrAddress }) else { throw ContactError.notFound(nameOrAddress) }
        return contact
    }

    /// Removes a contact by name or address.
    public func remove(_ nameOrAddress: String) throws {
        let contact = try find(nameOrAddress)
        guard unlink(url(of: contact.card.address).path) == 0 else { throw FileError.io("cannot remove contact: \(String(cString: strerror(errno)))") }
        AtomicFile.syncFolder(store.contactsFolder)
    }

    private func url(of address: Address) -> URL {
        store.contactsFolder.appendingPathComponent("\(address.lowercased).json")
    }

    private func load(_ url: URL) throws -> Contact {
        let data = try AtomicFile.read(url, limit: Card.maxSize * 2)
        guard let object = try? JSONObject.parse(data, limit: Card.maxSize * 2), let card = object["card"] as? [String: Any] else {
            throw CardError.malformed("contact file \(url.lastPathComponent) has no card object")
        }
        return Contact(name: object["name"] as? String, card: try Card(object: card))
    }
}

/// Why the address book could not do what was asked.
public enum ContactError: Error, Equatable, LocalizedError {
    case notFound(String)
    /// Another address's contact already has this local name.
    case nameTaken(String, by: Address)

    public var errorDescription: String? {
        switch self {
        case .notFound(let name): "no contact named or addressed '\(name.prefix(80))' (see 'conet wallet contacts list')"
        case .nameTaken(let name, let address):
            "a contact named '\(name)' already exists for \(address): remove it first, or choose another --name"
        }
    }
}
