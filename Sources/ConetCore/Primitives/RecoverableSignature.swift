internal import CSecp256k1

/// A 65-byte recoverable ECDSA signature `r ‖ s ‖ v` as Ethereum writes it (`v` = 27 + recovery id).
public struct RecoverableSignature: Hashable, Sendable {
    /// The 65 bytes `r ‖ s ‖ v`, with `v` ∈ {27, 28}.
    public let bytes: [UInt8]
    public static let byteCount = 65

    /// The recovery id (0 or 1) that selects the public key among the candidates.
    public var recoveryID: Int { Int(bytes[64]) - 27 }

    /// Parses 65 bytes `r ‖ s ‖ v`; `v` may be 0/1 or 27/28. r and s must be in range and s low.
    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == 65 else { throw .invalidSignature("must be 65 bytes r‖s‖v, got \(bytes.count)") }
        let v = bytes[64]
        let recid: UInt8
        switch v {
        case 0, 1: recid = v
        case 27, 28: recid = v - 27
        default: throw .invalidSignature("recovery byte v must be 27 or 28 (or 0 or 1), got \(v)")
        }
        var normalized = bytes
        normalized[64] = 27 + recid
        let signature = RecoverableSignature(unchecked: normalized)
        // Range check r and s and enforce low S, so each (message, key) has one accepted encoding.
        let context = Secp256k1Context.shared.pointer
        var compact = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(context, &compact, Array(bytes.prefix(64))) == 1 else {
            throw .invalidSignature("r or s is not below the curve order")
        }
        var normalizedCompact = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_normalize(context, &normalizedCompact, &compact) == 0 else {
            throw .invalidSignature("s is in the upper half of the curve order (malleable form)")
        }
        guard bytes.prefix(32).contains(where: { $0 != 0 }), bytes[32..<64].contains(where: { $0 != 0 }) else {
            throw .invalidSignature("r and s must be non-zero")
        }
        self = signature
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Recovers the public key that made this signature over `digest`.
    /// - Throws: `CryptoError.invalidSignature` when no key matches.
    public func recoverPublicKey(digest: [UInt8]) throws(CryptoError) -> PublicKey {
        guard digest.count == 32 else { throw .invalidLength(what: "digest", expected: 32, actual: digest.count) }
        let context = Secp256k1Context.shared.pointer
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(
            context, &recoverable, Array(bytes.prefix(64)), Int32(recoveryID)) == 1
        else { throw .invalidSignature("r or s out of range") }
        var key = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(context, &key, &recoverable, digest) == 1 else {
            throw .invalidSignature("no public key recovers from it")
        }
        return PublicKey(key)
    }
}
