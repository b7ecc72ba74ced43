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

    /// Parses a wallet file. The `x-conet` member is optional, but each field present must be
    /// well formed: `show` prints it as the wallet's identity, so a damaged one is an error, not a blank.
    public init(json: Data) throws(KeystoreError) {
        let object = try Keystore.parseObject(json)
        keystore = try Keystore(object: object)
        let meta: [String: Any]
        switch object["x-conet"] {
        case nil: meta = [:]
        case let value as [String: Any]: meta = value
        default: throw .malformed("'x-conet' is not an object")
        }
        func field<Value>(_ key: String, _ parse: (String) -> Value?) throws(KeystoreError) -> Value? {
            guard let raw = meta[key] else { return nil }
            guard let text = raw as? String, let value = parse(text) else { throw .malformed("'x-conet.\(key)' is not valid") }
            return value
        }
        publicKey = try field("publicKey") { (try? Hex.decode($0)).flatMap { try? PublicKey(bytes: $0) } }
        path = try field("path") { try? DerivationPath($0) }
        created = try field("created", TimeText.parse)
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
        return JSONObject.serialize(object)
    }
}
