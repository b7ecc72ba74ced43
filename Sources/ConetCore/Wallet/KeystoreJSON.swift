import Foundation

/// Reading and writing the v3 JSON text. Every field is checked and bounded before use; errors
/// name the field. Both "crypto" and geth's legacy "Crypto" spellings are read.
extension Keystore {
    /// The largest keystore file accepted (real ones are under 1 KiB; metadata adds little).
    public static let maxFileSize = 64 * 1024

    /// Parses v3 keystore JSON.
    public init(json: Data) throws(KeystoreError) {
        try self.init(object: Self.parseObject(json))
    }

    /// The file's top-level object, within the size limit.
    static func parseObject(_ json: Data) throws(KeystoreError) -> [String: Any] {
        do { return try JSONObject.parse(json, limit: maxFileSize) } catch { throw .malformed(error.reason) }
    }

    init(object: [String: Any]) throws(KeystoreError) {
        let version = try Self.int(object, "version")
        guard version == 3 else { throw .unsupported("version \(version) (only version 3 is supported)") }
        guard let crypto = (object["crypto"] ?? object["Crypto"]) as? [String: Any] else { throw .malformed("missing 'crypto'") }
        let cipher = try Self.string(crypto, "cipher")
        guard cipher == "aes-128-ctr" else { throw .unsupported("cipher '\(cipher.prefix(40))' (only aes-128-ctr)") }
        guard let params = crypto["cipherparams"] as? [String: Any] else { throw .malformed("missing 'cipherparams'") }
        iv = try Self.hex(params, "iv", count: 16)
        ciphertext = try Self.hex(crypto, "ciphertext", count: 32)
        mac = try Self.hex(crypto, "mac", count: 32)
        guard let kdfParams = crypto["kdfparams"] as? [String: Any] else { throw .malformed("missing 'kdfparams'") }
        let kdfName = try Self.string(crypto, "kdf")
        let salt = try Self.hex(kdfParams, "salt", count: nil)
        guard (1...1024).contains(salt.count) else { throw .malformed("'salt' must be 1 to 1024 bytes") }
        try KeystoreLimits.checkDerivedKeyLength(Self.integer(kdfParams["dklen"]))
        switch kdfName {
        case "scrypt":
            let n = try Self.int(kdfParams, "n"), r = try Self.int(kdfParams, "r"), p = try Self.int(kdfParams, "p")
            try KeystoreLimits.checkScrypt(n: n, r: r, p: p)
            kdf = .scrypt(n: n, r: r, p: p, salt: salt)
        case "pbkdf2":
            let prf = try Self.string(kdfParams, "prf")
            guard prf == KeystoreLimits.pbkdf2PRF else { throw .unsupported("pbkdf2 'prf' '\(prf.prefix(40))' (only \(KeystoreLimits.pbkdf2PRF))") }
            let c = try Self.int(kdfParams, "c")
            try KeystoreLimits.checkPBKDF2(c: c)
            kdf = .pbkdf2(c: c, salt: salt)
        default:
            throw .unsupported("KDF '\(kdfName.prefix(40))' (only scrypt and pbkdf2)")
        }
        id = (object["id"] as? String).map { String($0.prefix(64)) } ?? UUID().uuidString.lowercased()
        if let text = object["address"] as? String, !text.isEmpty {
            do { address = try Address(text) } catch { throw .malformed("'address': \(error.description)") }
        } else {
            address = nil
        }
    }

    /// The standard v3 JSON object (what other tools expect, nothing more).
    public var jsonObject: [String: Any] {
        let kdfName: String, kdfParams: [String: Any]
        switch kdf {
        case .scrypt(let n, let r, let p, let salt):
            kdfName = "scrypt"
            kdfParams = ["dklen": 32, "n": n, "r": r, "p": p, "salt": Hex.encode(salt)]
        case .pbkdf2(let c, let salt):
            kdfName = "pbkdf2"
            kdfParams = ["dklen": 32, "c": c, "prf": "hmac-sha256", "salt": Hex.encode(salt)]
        }
        var object: [String: Any] = [
            "version": 3,
            "id": id,
            "crypto": [
                "cipher": "aes-128-ctr",
                "cipherparams": ["iv": Hex.encode(iv)],
                "ciphertext": Hex.encode(ciphertext),
                "kdf": kdfName,
                "kdfparams": kdfParams,
                "mac": Hex.encode(mac),
            ] as [String: Any],
        ]
        // geth writes the address lower-case without 0x; every reader accepts that form.
        if let address { object["address"] = Hex.encode(address.bytes) }
        return object
    }

    /// The standard v3 JSON text, keys sorted, with a trailing newline.
    public func jsonData() -> Data {
        JSONObject.serialize(jsonObject)
    }

    private static func string(_ object: [String: Any], _ key: String) throws(KeystoreError) -> String {
        guard let value = object[key] as? String else { throw .malformed("missing or non-string '\(key)'") }
        return value
    }

    private static func int(_ object: [String: Any], _ key: String) throws(KeystoreError) -> Int {
        guard let value = integer(object[key]) else { throw .malformed("missing or non-integer '\(key)'") }
        return value
    }

    /// A JSON number that is a whole number within `Int`; nil for anything else. Foundation hands
    /// `true` over as an NSNumber that converts to 1, so booleans are told apart by their class.
    private static func integer(_ value: Any?) -> Int? {
        guard let value, type(of: value as AnyObject) != type(of: NSNumber(value: true)) else { return nil }
        return value as? Int
    }

    private static func hex(_ object: [String: Any], _ key: String, count: Int?) throws(KeystoreError) -> [UInt8] {
        let text = try string(object, key)
        let bytes: [UInt8]
        do { bytes = try Hex.decode(text) } catch { throw .malformed("'\(key)': \(error.description)") }
        if let count, bytes.count != count { throw .malformed("'\(key)' must be \(count) bytes, got \(bytes.count)") }
        return bytes
    }
}
