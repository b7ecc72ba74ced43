import Crypto
import _CryptoExtras
import Foundation

/// A Web3 Secret Storage v3 keystore, the JSON that geth, MetaMask, Foundry and eth-keyfile
/// read and write: the private key AES-128-CTR-encrypted under a password-derived key, with a
/// Keccak-256 MAC that is checked (in constant time) before anything is decrypted.
public struct Keystore: Sendable, Equatable {
    /// Key-derivation settings for a new keystore.
    public enum KDF: Sendable, Equatable {
        /// scrypt with N = 2^log2N, r, p (geth's "standard" is N = 2^18, r = 8, p = 1).
        case scrypt(log2N: Int, r: Int, p: Int)
        /// PBKDF2-HMAC-SHA256 with `iterations` rounds (read for compatibility; conet writes scrypt).
        case pbkdf2(iterations: Int)

        /// What conet writes by default: N = 2^18, r = 8, p = 1 (~256 MiB, under a second).
        public static let standard = KDF.scrypt(log2N: 18, r: 8, p: 1)
        /// `--light`: N = 2^12, for tests and throwaway wallets.
        public static let light = KDF.scrypt(log2N: 12, r: 8, p: 1)
    }

    /// Decoded KDF parameters as stored in the file.
    enum StoredKDF: Equatable {
        case scrypt(n: Int, r: Int, p: Int, salt: [UInt8])
        case pbkdf2(c: Int, salt: [UInt8])
    }

    public let id: String
    /// The address the file claims (optional in the format; checked against the key on decryption).
    public let address: Address?
    let kdf: StoredKDF
    let iv: [UInt8]
    let ciphertext: [UInt8]
    let mac: [UInt8]

    /// Encrypts `key` under `password`.
    /// - Throws: `unsupported` for settings beyond `KeystoreLimits`: conet writes nothing it
    ///   would refuse to read.
    public static func encrypt(_ key: PrivateKey, password: SecretBytes, kdf: KDF = .standard) throws(KeystoreError) -> Keystore {
        guard password.count > 0 else { throw .emptyPassword }
        let salt = SecureRandom.bytes(32)
        let stored: StoredKDF
        switch kdf {
        case .scrypt(let log2N, let r, let p):
            guard (1...62).contains(log2N) else { throw .unsupported("scrypt log2(n) = \(log2N) is outside 1...62") }
            try KeystoreLimits.checkScrypt(n: 1 << log2N, r: r, p: p)
            stored = .scrypt(n: 1 << log2N, r: r, p: p, salt: salt)
        case .pbkdf2(let iterations):
            try KeystoreLimits.checkPBKDF2(c: iterations)
            stored = .pbkdf2(c: iterations, salt: salt)
        }
        let derived = try deriveKey(password: password, kdf: stored)
        let iv = SecureRandom.bytes(16)
        var scalar = key.secret.unsafeCopy()
        defer { Memory.wipe(&scalar) }
        let ciphertext = try aes128CTR(scalar, derived: derived, iv: iv)
        return Keystore(
            id: UUID().uuidString.lowercased(), address: key.publicKey.address, kdf: stored, iv: iv,
            ciphertext: ciphertext, mac: macFor(derived: derived, ciphertext: ciphertext))
    }

    /// Checks the MAC, then decrypts.
    /// - Throws: `wrongPassword` when the MAC does not match (wrong password or altered file),
    ///   `addressMismatch` when the file's address is not the key's.
    public func decrypt(password: SecretBytes) throws(KeystoreError) -> PrivateKey {
        let derived = try Self.deriveKey(password: password, kdf: kdf)
        guard ConstantTime.equal(Self.macFor(derived: derived, ciphertext: ciphertext), mac) else {
            throw .wrongPassword
        }
        var scalar = try Self.aes128CTR(ciphertext, derived: derived, iv: iv)
        defer { Memory.wipe(&scalar) }
        let key: PrivateKey
        do { key = try PrivateKey(bytes: scalar) } catch { throw .malformed("the decrypted private key is not a valid secp256k1 key") }
        if let address, address != key.publicKey.address { throw .addressMismatch(claimed: address, actual: key.publicKey.address) }
        return key
    }

    // MARK: - KDF and cipher

    private static func deriveKey(password: SecretBytes, kdf: StoredKDF) throws(KeystoreError) -> SecretBytes {
        switch kdf {
        case .scrypt(let n, let r, let p, let salt):
            do {
                return try password.withUnsafeBytes { password throws(CryptoError) in
                    try Scrypt.deriveKey(password: password, salt: salt, n: n, r: r, p: p, byteCount: 32)
                }
            } catch {
                throw .unsupported("the key derivation failed for these parameters (\(error.localizedDescription))")
            }
        case .pbkdf2(let c, let salt):
            // Other tools allow empty passwords, so reading must too; swift-crypto needs a non-nil
            // pointer even for zero bytes, which a slice of a one-byte buffer provides.
            var buffer = [UInt8](repeating: 0, count: max(password.count, 1))
            defer { Memory.wipe(&buffer) }
            password.withUnsafeBytes { source in buffer.withUnsafeMutableBytes { $0.copyMemory(from: source) } }
            do {
                let key = try _CryptoExtras.KDF.Insecure.PBKDF2.deriveKey(
                    from: buffer[0..<password.count], salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: c)
                return key.withUnsafeBytes { SecretBytes($0) }
            } catch {
                throw .unsupported("the key derivation failed for these parameters (\(error))")
            }
        }
    }

    private static func aes128CTR(_ input: [UInt8], derived: SecretBytes, iv: [UInt8]) throws(KeystoreError) -> [UInt8] {
        do {
            let key = derived.withUnsafeBytes { SymmetricKey(data: $0[0..<16]) }
            return Array(try AES._CTR.encrypt(input, using: key, nonce: AES._CTR.Nonce(nonceBytes: iv)))
        } catch {
            throw .malformed("AES-128-CTR failed: \(error)")
        }
    }

    /// Keccak-256(derived[16..<32] ‖ ciphertext), as the format defines.
    private static func macFor(derived: SecretBytes, ciphertext: [UInt8]) -> [UInt8] {
        var hasher = Keccak256()
        derived.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[16..<32])) }
        hasher.update(ciphertext)
        return hasher.finalize()
    }
}

/// Why a keystore could not be read or opened.
public enum KeystoreError: Error, Equatable, Sendable, LocalizedError {
    case wrongPassword
    case emptyPassword
    case malformed(String)
    case unsupported(String)
    case addressMismatch(claimed: Address, actual: Address)

    public var errorDescription: String? {
        switch self {
        case .wrongPassword: "wrong password, or the keystore was altered (MAC mismatch)"
        case .emptyPassword: "the new password is empty; conet writes keystores only under a non-empty password"
        case .malformed(let why): "malformed keystore: \(why)"
        case .unsupported(let why): "unsupported keystore: \(why)"
        case .addressMismatch(let claimed, let actual): "the keystore says it is for \(claimed) but holds the key of \(actual)"
        }
    }
}
