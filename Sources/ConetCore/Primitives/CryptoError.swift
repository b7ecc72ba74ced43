import Foundation

/// Why a cryptographic operation refused its input. Messages name the offending input and never
/// include secret material.
public enum CryptoError: Error, Equatable, Sendable, LocalizedError {
    /// A private key is 0, not below the curve order, or not 32 bytes.
    case invalidPrivateKey
    /// Bytes that do not encode a point on secp256k1 (or have the wrong length or prefix).
    case invalidPublicKey
    /// A signature that is malformed (length, recovery id, r or s out of range, high S).
    case invalidSignature(String)
    /// A digest, key or nonce of the wrong size.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// An AEAD tag or MAC did not verify: the data was altered or the key is wrong.
    case authenticationFailed
    /// A sealed stream ended before its FINAL chunk, or continued after it.
    case truncatedStream
    case dataAfterFinal
    /// A KDF or cipher parameter outside what is supported.
    case unsupportedParameter(String)

    public var errorDescription: String? {
        switch self {
        case .invalidPrivateKey: "invalid secp256k1 private key (must be 32 bytes, 1 ≤ k < n)"
        case .invalidPublicKey: "invalid secp256k1 public key (not a point on the curve, or bad encoding)"
        case .invalidSignature(let why): "invalid signature: \(why)"
        case .invalidLength(let what, let expected, let actual): "\(what) must be \(expected) bytes, got \(actual)"
        case .authenticationFailed: "authentication failed: the data was altered or the key is wrong"
        case .truncatedStream: "the encrypted stream is truncated (no final chunk)"
        case .dataAfterFinal: "the encrypted stream has data after its final chunk"
        case .unsupportedParameter(let why): "unsupported parameter: \(why)"
        }
    }
}
