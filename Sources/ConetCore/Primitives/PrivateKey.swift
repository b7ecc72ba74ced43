internal import CSecp256k1
internal import CSodium

/// A secp256k1 private key: 32 bytes, 1 ≤ k < n, held in wiped-on-release memory.
public struct PrivateKey: Sendable {
    /// The scalar; shared by copies of this value and wiped when the last copy goes.
    public let secret: SecretBytes
    /// The matching public key, computed once.
    public let publicKey: PublicKey
    /// The public key's wallet address, computed once: a relay compares against its own for
    /// every onion layer.
    public let address: Address

    /// Validates and adopts 32 bytes. The caller should wipe its copy of `bytes`.
    /// - Throws: `CryptoError.invalidPrivateKey` for 0, values ≥ n, or a wrong length.
    public init(bytes: [UInt8]) throws(CryptoError) {
        try self.init(secret: SecretBytes(bytes))
    }

    /// Validates and adopts a secret already in wiped memory.
    public init(secret: SecretBytes) throws(CryptoError) {
        guard secret.count == 32 else { throw .invalidPrivateKey }
        let context = Secp256k1Context.shared.pointer
        let key: secp256k1_pubkey? = secret.withUnsafeBytes { scalar in
            let bytes = scalar.bindMemory(to: UInt8.self).baseAddress!
            guard secp256k1_ec_seckey_verify(context, bytes) == 1 else { return nil }
            var key = secp256k1_pubkey()
            guard secp256k1_ec_pubkey_create(context, &key, bytes) == 1 else { return nil }
            return key
        }
        guard let key else { throw .invalidPrivateKey }
        self.secret = secret
        publicKey = PublicKey(key)
        address = publicKey.address
    }

    /// A new key from libsodium's CSPRNG (retrying the ~2⁻¹²⁸ chance of an out-of-range value).
    public static func generate() -> PrivateKey {
        while true {
            if let key = try? PrivateKey(secret: .random(count: 32)) { return key }
        }
    }

    /// Signs a 32-byte digest: RFC 6979 deterministic nonce, low S, 65 bytes `r ‖ s ‖ v`.
    public func sign(digest: [UInt8]) throws(CryptoError) -> RecoverableSignature {
        guard digest.count == 32 else { throw .invalidLength(what: "digest", expected: 32, actual: digest.count) }
        let context = Secp256k1Context.shared.pointer
        var signature = secp256k1_ecdsa_recoverable_signature()
        let signed = secret.withUnsafeBytes { scalar in
            secp256k1_ecdsa_sign_recoverable(
                context, &signature, digest, scalar.bindMemory(to: UInt8.self).baseAddress!,
                secp256k1_nonce_function_rfc6979, nil)
        }
        guard signed == 1 else { throw .invalidPrivateKey }
        var out = [UInt8](repeating: 0, count: 65)
        var recid: Int32 = 0
        secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &out, &recid, &signature)
        out[64] = UInt8(27 + recid)
        return RecoverableSignature(unchecked: out)
    }

    /// `(self + tweak) mod n`, as BIP-32 child derivation needs.
    /// - Throws: `invalidPrivateKey` when the tweak is ≥ n or the sum is zero (BIP-32 then skips the index).
    public func adding(tweak: [UInt8]) throws(CryptoError) -> PrivateKey {
        guard tweak.count == 32 else { throw .invalidLength(what: "tweak", expected: 32, actual: tweak.count) }
        let context = Secp256k1Context.shared.pointer
        var ok: Int32 = 0
        let sum = SecretBytes(count: 32) { out in
            secret.withUnsafeBytes { out.copyMemory(from: $0) }
            ok = secp256k1_ec_seckey_tweak_add(context, out.bindMemory(to: UInt8.self).baseAddress!, tweak)
        }
        guard ok == 1 else { throw .invalidPrivateKey }
        return try PrivateKey(secret: sum)
    }

    /// ECDH with the library's default hash: SHA-256 of the compressed shared point (32 bytes).
    public func sharedSecret(with peer: PublicKey) -> SecretBytes {
        var point = peer.parsed
        let context = Secp256k1Context.shared.pointer
        return SecretBytes(count: 32) { out in
            let ok = secret.withUnsafeBytes { scalar in
                secp256k1_ecdh(
                    context, out.bindMemory(to: UInt8.self).baseAddress!, &point,
                    scalar.bindMemory(to: UInt8.self).baseAddress!, nil, nil)
            }
            // Cannot fail: the scalar was validated and the point parsed.
            precondition(ok == 1, "secp256k1_ecdh failed on validated inputs")
        }
    }
}
