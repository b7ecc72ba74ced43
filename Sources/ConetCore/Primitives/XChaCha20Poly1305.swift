import Foundation
internal import CSodium

/// XChaCha20-Poly1305 (IETF) authenticated encryption: 32-byte key, 24-byte nonce (random nonces
/// are safe at this size), 16-byte tag appended to the ciphertext.
public enum XChaCha20Poly1305 {
    public static let keyByteCount = 32
    public static let nonceByteCount = 24
    public static let tagByteCount = 16

    /// Encrypts and authenticates `plaintext` (and authenticates `associatedData`).
    /// - Returns: ciphertext ‖ tag.
    public static func seal(
        _ plaintext: some ContiguousBytes, key: some ContiguousBytes, nonce: [UInt8],
        associatedData: some ContiguousBytes = [UInt8]()
    ) throws(CryptoError) -> [UInt8] {
        try check(key: key, nonce: nonce)
        Sodium.ensureInitialized()
        return plaintext.withUnsafeBytes { message in
            key.withUnsafeBytes { key in
                associatedData.withUnsafeBytes { ad in
                    [UInt8](unsafeUninitializedCapacity: message.count + tagByteCount) { out, written in
                        var length: UInt64 = 0
                        _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                            out.baseAddress!, &length,
                            message.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(message.count),
                            ad.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(ad.count),
                            nil, nonce, key.baseAddress!.assumingMemoryBound(to: UInt8.self))
                        written = Int(length)
                    }
                }
            }
        }
    }

    /// Verifies and decrypts ciphertext ‖ tag.
    /// - Throws: `CryptoError.authenticationFailed` if anything was altered or the key is wrong.
    public static func open(
        _ sealed: some ContiguousBytes, key: some ContiguousBytes, nonce: [UInt8],
        associatedData: some ContiguousBytes = [UInt8]()
    ) throws(CryptoError) -> [UInt8] {
        try check(key: key, nonce: nonce)
        Sodium.ensureInitialized()
        var status: Int32 = -1
        let plaintext = sealed.withUnsafeBytes { sealed in
            key.withUnsafeBytes { key in
                associatedData.withUnsafeBytes { ad in
                    [UInt8](unsafeUninitializedCapacity: max(sealed.count - tagByteCount, 0)) { out, written in
                        guard sealed.count >= tagByteCount else { written = 0; return }
                        var length: UInt64 = 0
                        status = crypto_aead_xchacha20poly1305_ietf_decrypt(
                            out.baseAddress, &length, nil,
                            sealed.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(sealed.count),
                            ad.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(ad.count),
                            nonce, key.baseAddress!.assumingMemoryBound(to: UInt8.self))
                        written = status == 0 ? Int(length) : 0
                    }
                }
            }
        }
        guard status == 0 else { throw .authenticationFailed }
        return plaintext
    }

    private static func check(key: some ContiguousBytes, nonce: [UInt8]) throws(CryptoError) {
        let keyCount = key.withUnsafeBytes(\.count)
        guard keyCount == keyByteCount else {
            throw .invalidLength(what: "XChaCha20-Poly1305 key", expected: keyByteCount, actual: keyCount)
        }
        guard nonce.count == nonceByteCount else {
            throw .invalidLength(what: "XChaCha20-Poly1305 nonce", expected: nonceByteCount, actual: nonce.count)
        }
    }
}
