import Foundation
internal import CSodium

/// BLAKE2b (libsodium's `crypto_generichash`): one-shot or streaming, plain or keyed, 16–64 bytes out.
public final class BLAKE2b {
    public static let minimumOutputByteCount = 16
    public static let maximumOutputByteCount = 64
    public static let maximumKeyByteCount = 64

    // libsodium wants this state 64-byte aligned, which a Swift struct cannot promise.
    private let state: UnsafeMutableRawPointer
    private let stateSize: Int
    private let outputByteCount: Int
    private var finished = false

    /// Starts a streaming hash.
    /// - Parameters:
    ///   - outputByteCount: digest size, 16...64.
    ///   - key: optional MAC key, 16...64 bytes (empty means unkeyed).
    public init(outputByteCount: Int = 32, key: some ContiguousBytes = [UInt8]()) throws(CryptoError) {
        try Self.check(outputByteCount: outputByteCount)
        Sodium.ensureInitialized()
        stateSize = crypto_generichash_statebytes()
        state = .allocate(byteCount: stateSize, alignment: 64)
        self.outputByteCount = outputByteCount
        let result: Int32 = key.withUnsafeBytes { key in
            guard key.count <= Self.maximumKeyByteCount else { return -2 }
            return crypto_generichash_init(
                OpaquePointer(state),
                key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count, outputByteCount)
        }
        // All stored properties are set, so on a throw `deinit` still wipes and frees the state.
        guard result == 0 else {
            throw .invalidLength(what: "BLAKE2b key", expected: Self.maximumKeyByteCount, actual: key.withUnsafeBytes(\.count))
        }
    }

    deinit {
        sodium_memzero(state, stateSize)
        state.deallocate()
    }

    /// Absorbs more input.
    public func update(_ input: some ContiguousBytes) {
        precondition(!finished, "BLAKE2b.update after finalize")
        input.withUnsafeBytes { input in
            _ = crypto_generichash_update(
                OpaquePointer(state),
                input.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(input.count))
        }
    }

    /// The digest; the hasher cannot be used afterwards.
    public func finalize() -> [UInt8] {
        precondition(!finished, "BLAKE2b.finalize called twice")
        finished = true
        var out = [UInt8](repeating: 0, count: outputByteCount)
        _ = crypto_generichash_final(
            OpaquePointer(state), &out, outputByteCount)
        return out
    }

    /// One-shot digest of `input`, optionally keyed.
    public static func hash(
        _ input: some ContiguousBytes, outputByteCount: Int = 32, key: some ContiguousBytes = [UInt8]()
    ) throws(CryptoError) -> [UInt8] {
        try check(outputByteCount: outputByteCount)
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: outputByteCount)
        let result: Int32 = input.withUnsafeBytes { input in
            key.withUnsafeBytes { key in
                guard key.count <= maximumKeyByteCount else { return -2 }
                return crypto_generichash(
                    &out, outputByteCount,
                    input.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(input.count),
                    key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count)
            }
        }
        guard result == 0 else {
            throw .invalidLength(what: "BLAKE2b key", expected: maximumKeyByteCount, actual: key.withUnsafeBytes(\.count))
        }
        return out
    }

    private static func check(outputByteCount: Int) throws(CryptoError) {
        guard (minimumOutputByteCount...maximumOutputByteCount).contains(outputByteCount) else {
            throw .unsupportedParameter("BLAKE2b output must be 16...64 bytes, got \(outputByteCount)")
        }
    }
}
