import Crypto
import Foundation

/// A BIP-32 extended private key: a secp256k1 key and its chain code, from which children derive.
public struct ExtendedPrivateKey: Sendable {
    public let key: PrivateKey
    let chainCode: SecretBytes

    /// The master key of a BIP-39 seed: HMAC-SHA512 keyed with "Bitcoin seed".
    public init(seed: SecretBytes) throws(CryptoError) {
        let masterKey = SymmetricKey(data: Array("Bitcoin seed".utf8))
        var mac = seed.withUnsafeBytes { Array(HMAC<SHA512>.authenticationCode(for: $0, using: masterKey)) }
        defer { Memory.wipe(&mac) }
        key = try PrivateKey(secret: SecretBytes(mac[0..<32]))
        chainCode = SecretBytes(mac[32..<64])
    }

    private init(key: PrivateKey, chainCode: SecretBytes) {
        self.key = key
        self.chainCode = chainCode
    }

    /// The child at `index` (hardened when index ≥ 2³¹).
    /// - Throws: `invalidPrivateKey` in the ~2⁻¹²⁷ case BIP-32 calls invalid (use the next index).
    public func child(_ index: UInt32) throws(CryptoError) -> ExtendedPrivateKey {
        var data: [UInt8]
        if index >= DerivationPath.hardened {
            // Appended in place, so no unwiped temporary copy of the scalar is made.
            data = [0]
            key.secret.withUnsafeBytes { data.append(contentsOf: $0) }
        } else {
            data = key.publicKey.compressed
        }
        data += withUnsafeBytes(of: index.bigEndian) { Array($0) }
        defer { Memory.wipe(&data) }
        var mac = chainCode.withUnsafeBytes { chain in
            Array(HMAC<SHA512>.authenticationCode(for: data, using: SymmetricKey(data: chain)))
        }
        defer { Memory.wipe(&mac) }
        let childKey = try key.adding(tweak: Array(mac[0..<32]))
        return ExtendedPrivateKey(key: childKey, chainCode: SecretBytes(mac[32..<64]))
    }

    /// Follows every step of `path` from this key.
    public func derive(_ path: DerivationPath) throws(CryptoError) -> ExtendedPrivateKey {
        var current = self
        for index in path.components { current = try current.child(index) }
        return current
    }
}
