/// EIP-191 version 0x45 ("personal_sign"): the digest that wallets sign for a human-readable
/// message, so a signature can never be mistaken for a transaction signature.
public enum PersonalMessage {
    /// keccak256("\x19Ethereum Signed Message:\n" + decimal length + message).
    public static func digest(_ message: [UInt8]) -> [UInt8] {
        var hasher = Keccak256()
        hasher.update(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8))
        hasher.update(message)
        return hasher.finalize()
    }

    /// Signs `message` as `personal_sign` does: 65 bytes r ‖ s ‖ v with v = 27/28.
    public static func sign(_ message: [UInt8], with key: PrivateKey) -> RecoverableSignature {
        // The digest is always 32 bytes, so signing cannot fail.
        try! key.sign(digest: digest(message))
    }

    /// The address that signed `message`, recovered from the signature.
    public static func signer(of message: [UInt8], signature: RecoverableSignature) throws(CryptoError) -> Address {
        try signature.recoverPublicKey(digest: digest(message)).address
    }

    /// Whether `signature` over `message` was made by `address`.
    public static func verify(_ message: [UInt8], signature: RecoverableSignature, address: Address) -> Bool {
        (try? signer(of: message, signature: signature)) == address
    }
}
