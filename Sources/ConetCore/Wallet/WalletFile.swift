import Foundation

/// A stored wallet: a standard v3 keystore plus public metadata under `x-conet` (public key,
/// derivation path, creation time), so that `show` and `list` never need the password. Other
/// tools ignore the extra member; `export --format keystore` leaves it out.
public struct WalletFile: Sendable {
    public let keystore: Keystore
    /// Known when conet wrote or imported the file; a bare keystore dropped in the folder has none.
    public let publicKey: PublicKey?
    public let path: DerivationPath?
    public let created: Date?

    public init(keystore: Keystore, publicKey: PublicKey?, path: DerivationPath?, created: Date?) {
        self.keystore = keystore
        self.publicKey = publicKey
        self.path = path
        self.created = created.map(TimeText.wholeSeconds)
    }

    /// The wallet's address: from the public key when known, else as the keystore claims.
    public var address: Address? { publicKey?.address ?? keystore.address }

    public init(json: Data) throws(KeystoreError) {
        guard json.count <= Keystore.maxFileSize else { throw .malformed("file is larger than \(Keystore.maxFileSize) bytes") }
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw .malformed("not a JSON object")
        }
        keystore = try Keystore(object: object)
        let meta = object["x-conet"] as? [String: Any] ?? [:]
        publicKey = (meta["publicKey"] as? String).flatMap { try? Hex.decode($0) }.flatMap { try? PublicKey(bytes: $0) }
        path = (meta["path"] as? String).flatMap { try? DerivationPath($0) }
        created = (meta["created"] as? String).flatMap(TimeText.parse)
        if let publicKey, let claimed = keystore.address, publicKey.address != claimed {
            throw .addressMismatch(claimed: claimed, actual: publicKey.address)
        }
    }

    public func jsonData() -> Data {
        var object = keystore.jsonObject
        var meta = [String: Any]()
        if let publicKey { meta["publicKey"] = "0x" + Hex.encode(publicKey.compressed) }
        if let path { meta["path"] = path.description }
        if let created { meta["created"] = TimeText.format(created) }
        object["x-conet"] = meta
        return Keystore.serialize(object)
    }
}
