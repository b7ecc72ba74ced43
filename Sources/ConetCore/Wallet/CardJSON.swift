import Foundation

/// The card's JSON form: `{address, publicKey, mailbox?, created, expires?, signature}`.
extension Card {
    /// Parses card JSON (without verifying it: call `verify()`).
    public init(json: Data) throws(CardError) {
        let object: [String: Any]
        do { object = try JSONObject.parse(json, limit: Self.maxSize) } catch { throw .malformed(error.reason) }
        try self.init(object: object)
    }

    /// Parses a card already decoded as a JSON object (embedded in a contact file, say).
    public init(object: [String: Any]) throws(CardError) {
        func string(_ key: String) throws(CardError) -> String {
            guard let value = object[key] as? String else { throw .malformed("missing or non-string '\(key)'") }
            return value
        }
        do { address = try Address(string("address")) } catch let error as AddressError {
            throw .malformed("'address': \(error.description)")
        } catch { throw error as! CardError }
        guard let keyBytes = try? Hex.decode(string("publicKey")), let key = try? PublicKey(bytes: keyBytes) else {
            throw .malformed("'publicKey' is not a secp256k1 public key in hex")
        }
        publicKey = key
        if let value = object["mailbox"], !(value is NSNull) {
            guard let mailbox = value as? String else { throw .malformed("'mailbox' must be a string") }
            try Self.checkMailbox(mailbox)
            self.mailbox = mailbox
        } else {
            mailbox = nil
        }
        guard let created = TimeText.parse(try string("created")) else { throw .malformed("'created' must be YYYY-MM-DDTHH:MM:SSZ") }
        self.created = created
        if let value = object["expires"], !(value is NSNull) {
            guard let text = value as? String, let expires = TimeText.parse(text) else {
                throw .malformed("'expires' must be YYYY-MM-DDTHH:MM:SSZ")
            }
            self.expires = expires
        } else {
            expires = nil
        }
        guard let signatureBytes = try? Hex.decode(string("signature")),
              let signature = try? RecoverableSignature(bytes: signatureBytes)
        else { throw .malformed("'signature' is not a 65-byte r‖s‖v signature in hex") }
        self.signature = signature
    }

    /// The JSON object form, for embedding in other JSON.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "address": address.checksummed,
            "publicKey": "0x" + Hex.encode(publicKey.compressed),
            "created": TimeText.format(created),
            "signature": "0x" + Hex.encode(signature.bytes),
        ]
        if let mailbox { object["mailbox"] = mailbox }
        if let expires { object["expires"] = TimeText.format(expires) }
        return object
    }

    /// Card JSON, keys sorted, with a trailing newline.
    public func jsonData() -> Data {
        JSONObject.serialize(jsonObject)
    }
}
