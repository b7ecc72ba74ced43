internal import CSecp256k1

/// A point on secp256k1, validated on construction.
public struct PublicKey: Hashable, Sendable {
    /// The 65-byte uncompressed SEC1 encoding `04 ‖ x ‖ y` (canonical, so equality is value equality).
    public let uncompressed: [UInt8]

    /// Parses a 33-byte compressed (`02`/`03`) or 65-byte uncompressed (`04`) SEC1 encoding, or
    /// 64 raw bytes `x ‖ y` as Ethereum tooling prints them.
    /// - Throws: `CryptoError.invalidPublicKey` when the bytes are not a point on the curve.
    public init(bytes: [UInt8]) throws(CryptoError) {
        var input = bytes
        if input.count == 64 { input.insert(0x04, at: 0) }
        guard input.count == 33 || input.count == 65 else { throw .invalidPublicKey }
        var key = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &key, input, input.count) == 1 else {
            throw .invalidPublicKey
        }
        self.init(key)
    }

    /// Builds from the library's parsed form; the point is already known to be valid.
    init(_ key: secp256k1_pubkey) {
        uncompressed = Self.serialize(key, compressed: false)
    }

    /// The 33-byte compressed SEC1 encoding.
    public var compressed: [UInt8] {
        Self.serialize(parsed, compressed: true)
    }

    /// The 64 bytes `x ‖ y` (the uncompressed form without its prefix), as Ethereum hashes it.
    public var raw: [UInt8] { Array(uncompressed.dropFirst()) }

    /// Verifies a low-S ECDSA signature over a 32-byte digest. High-S signatures are rejected
    /// (they are malleable copies that no honest signer makes).
    public func isValidSignature(_ signature: RecoverableSignature, digest: [UInt8]) -> Bool {
        guard digest.count == 32 else { return false }
        let context = Secp256k1Context.shared.pointer
        var compact = secp256k1_ecdsa_signature()
        let rs = Array(signature.bytes.prefix(64))
        guard secp256k1_ecdsa_signature_parse_compact(context, &compact, rs) == 1 else { return false }
        var key = parsed
        return secp256k1_ecdsa_verify(context, &compact, digest, &key) == 1
    }

    /// The library's parsed form (re-parsing a known-valid encoding cannot fail).
    var parsed: secp256k1_pubkey {
        var key = secp256k1_pubkey()
        let ok = secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &key, uncompressed, 65)
        precondition(ok == 1, "stored public key failed to parse")
        return key
    }

    private static func serialize(_ key: secp256k1_pubkey, compressed: Bool) -> [UInt8] {
        var key = key
        var length = compressed ? 33 : 65
        var out = [UInt8](repeating: 0, count: length)
        let flags = UInt32(compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED)
        secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, &out, &length, &key, flags)
        return out
    }
}
