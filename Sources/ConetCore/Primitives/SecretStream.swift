import Crypto
import Foundation
internal import CSodium

/// The authenticated tag libsodium's secret stream attaches to every chunk.
public enum SecretStreamTag: UInt8, Sendable {
    /// An ordinary chunk.
    case message = 0
    /// An application-defined boundary (conet marks the last data chunk with it).
    case push = 1
    /// Not used by conet: ratchets the key; refused when reading.
    case rekey = 2
    /// The last chunk of the stream.
    case final = 3
}

/// The sending half of libsodium's `crypto_secretstream_xchacha20poly1305`: a sequence of chunks,
/// each authenticated and bound to its position, the last one tagged FINAL so that truncation,
/// reordering, dropping and splicing are all detected by the receiver.
public final class SecretStreamEncryptor {
    /// Size of the stream header that must reach the receiver before the first chunk.
    public static let headerByteCount = 24
    /// Bytes each chunk grows by (tag byte and MAC).
    public static let chunkOverhead = 17

    let state: UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>
    private var finished = false
    /// Whether large aligned chunks may take the fused path (`SecretStreamChunk`); tests turn it
    /// off to compare against libsodium alone.
    var usesFusedCipher = true
    /// The header to send first; it carries the stream's random nonce.
    public let header: [UInt8]

    /// Starts a stream under a 32-byte key with a fresh random header, as `init_push` would make.
    public convenience init(key: some ContiguousBytes) throws(CryptoError) {
        try self.init(key: key, header: SecureRandom.bytes(Self.headerByteCount))
    }

    /// Starts a stream whose 24-byte header the caller chose (from its own random source, so that
    /// a seeded test can reproduce a message byte for byte). libsodium's push and pull states are
    /// the same structure, and `init_pull` sets it from a given header exactly as `init_push` does
    /// from a random one.
    init(key: some ContiguousBytes, header: [UInt8]) throws(CryptoError) {
        try SecretStreamDecryptor.check(key: key)
        guard header.count == Self.headerByteCount else {
            throw .invalidLength(what: "secret stream header", expected: Self.headerByteCount, actual: header.count)
        }
        Sodium.ensureInitialized()
        let state = UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>.allocate(capacity: 1)
        self.state = state
        self.header = header
        _ = key.withUnsafeBytes { key in
            crypto_secretstream_xchacha20poly1305_init_pull(state, header, key.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }

    deinit {
        sodium_memzero(state, MemoryLayout<crypto_secretstream_xchacha20poly1305_state>.size)
        state.deallocate()
    }

    /// Seals one chunk; `final` marks the end of the stream, after which nothing may be pushed.
    public func push(
        _ message: some ContiguousBytes, associatedData: some ContiguousBytes = [UInt8](), final: Bool = false
    ) -> [UInt8] {
        push(message, associatedData: associatedData, tag: final ? .final : .message)
    }

    /// Seals one chunk with an explicit tag; after `.final` nothing may be pushed.
    public func push(
        _ message: some ContiguousBytes, associatedData: some ContiguousBytes = [UInt8](), tag: SecretStreamTag
    ) -> [UInt8] {
        pushDeferred(message, associatedData: associatedData, tag: tag).bytes
    }

    /// `pushDeferred` of the message after the first `SecretStreamChunk.blockByteCount` bytes of
    /// `buffer`, which are scratch: a large chunk is sealed there without copying its message.
    func pushDeferred(inPlace buffer: UnsafeMutableRawBufferPointer, tag: SecretStreamTag) -> SealedChunk {
        precondition(buffer.count >= SecretStreamChunk.blockByteCount, "no scratch room before the message")
        begin(tag)
        if usesFusedCipher, let sealed = SecretStreamChunk.seal(inPlace: buffer, tag: tag, state: state) { return sealed }
        return sodiumPush(UnsafeRawBufferPointer(rebasing: buffer[SecretStreamChunk.blockByteCount...]), associatedData: [UInt8](), tag: tag)
    }

    /// `push`, leaving the last copy into the chunk's bytes to whoever reads `SealedChunk.bytes`.
    public func pushDeferred(
        _ message: some ContiguousBytes, associatedData: some ContiguousBytes = [UInt8](), tag: SecretStreamTag
    ) -> SealedChunk {
        begin(tag)
        if usesFusedCipher, let sealed = SecretStreamChunk.seal(message, associatedData: associatedData, tag: tag, state: state) {
            return sealed
        }
        return sodiumPush(message, associatedData: associatedData, tag: tag)
    }

    /// The checks every push makes first, and the end of the stream on FINAL.
    private func begin(_ tag: SecretStreamTag) {
        precondition(!finished, "SecretStreamEncryptor.push after the final chunk")
        precondition(tag != .rekey, "conet never rekeys a secret stream")
        finished = tag == .final
    }

    /// libsodium's own push, for the chunks the fused cipher does not take.
    private func sodiumPush(
        _ message: some ContiguousBytes, associatedData: some ContiguousBytes, tag: SecretStreamTag
    ) -> SealedChunk {
        let tag = tag.rawValue
        return SealedChunk(bytes: message.withUnsafeBytes { message in
            associatedData.withUnsafeBytes { ad in
                [UInt8](unsafeUninitializedCapacity: message.count + Self.chunkOverhead) { out, written in
                    var length: UInt64 = 0
                    _ = crypto_secretstream_xchacha20poly1305_push(
                        state, out.baseAddress, &length,
                        message.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(message.count),
                        ad.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(ad.count), tag)
                    written = Int(length)
                }
            }
        })
    }
}

/// The receiving half of the secret stream: verifies each chunk in order and knows whether the
/// FINAL chunk has been seen.
public final class SecretStreamDecryptor {
    let state: UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>
    /// Whether large aligned chunks may take the fused path (`SecretStreamChunk`).
    var usesFusedCipher = true
    /// `true` once the FINAL chunk has been opened.
    public private(set) var isFinished = false

    /// Starts reading a stream from its key and 24-byte header.
    public init(key: some ContiguousBytes, header: [UInt8]) throws(CryptoError) {
        try Self.check(key: key)
        guard header.count == SecretStreamEncryptor.headerByteCount else {
            throw .invalidLength(what: "secret stream header", expected: SecretStreamEncryptor.headerByteCount, actual: header.count)
        }
        Sodium.ensureInitialized()
        let state = UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>.allocate(capacity: 1)
        self.state = state
        let status = key.withUnsafeBytes { key in
            crypto_secretstream_xchacha20poly1305_init_pull(state, header, key.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        // All stored properties are set, so on a throw `deinit` still wipes and frees the state.
        guard status == 0 else { throw .authenticationFailed }
    }

    deinit {
        sodium_memzero(state, MemoryLayout<crypto_secretstream_xchacha20poly1305_state>.size)
        state.deallocate()
    }

    /// Verifies and opens the next chunk.
    /// - Returns: the plaintext and whether this chunk was the FINAL one.
    /// - Throws: `authenticationFailed` for an altered, reordered or foreign chunk;
    ///   `dataAfterFinal` for any chunk after the FINAL one.
    public func pull(
        _ chunk: some ContiguousBytes, associatedData: some ContiguousBytes = [UInt8]()
    ) throws(CryptoError) -> (plaintext: [UInt8], isFinal: Bool) {
        let (plaintext, tag) = try pullTagged(chunk, associatedData: associatedData)
        return (plaintext, tag == .final)
    }

    /// Verifies and opens the next chunk, returning its tag.
    /// - Throws: as `pull`; a `rekey` tag (never written by conet) counts as a failed check.
    public func pullTagged(
        _ chunk: some ContiguousBytes, associatedData: some ContiguousBytes = [UInt8]()
    ) throws(CryptoError) -> (plaintext: [UInt8], tag: SecretStreamTag) {
        guard !isFinished else { throw .dataAfterFinal }
        if usesFusedCipher, let (plaintext, tag) = try SecretStreamChunk.open(chunk, associatedData: associatedData, state: state) {
            guard let known = SecretStreamTag(rawValue: tag), known != .rekey else { throw .authenticationFailed }
            isFinished = known == .final
            return (plaintext, known)
        }
        var tag: UInt8 = 0
        var status: Int32 = -1
        let plaintext = chunk.withUnsafeBytes { chunk in
            associatedData.withUnsafeBytes { ad in
                [UInt8](unsafeUninitializedCapacity: max(chunk.count - SecretStreamEncryptor.chunkOverhead, 0)) { out, written in
                    written = 0
                    guard chunk.count >= SecretStreamEncryptor.chunkOverhead else { return }
                    var length: UInt64 = 0
                    status = crypto_secretstream_xchacha20poly1305_pull(
                        state, out.baseAddress, &length, &tag,
                        chunk.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(chunk.count),
                        ad.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(ad.count))
                    if status == 0 { written = Int(length) }
                }
            }
        }
        guard status == 0, let known = SecretStreamTag(rawValue: tag), known != .rekey else { throw .authenticationFailed }
        isFinished = known == .final
        return (plaintext, known)
    }

    /// Call at the end of input: throws `truncatedStream` unless the FINAL chunk was seen.
    public func finish() throws(CryptoError) {
        guard isFinished else { throw .truncatedStream }
    }

    static func check(key: some ContiguousBytes) throws(CryptoError) {
        let count = key.withUnsafeBytes(\.count)
        guard count == 32 else { throw .invalidLength(what: "secret stream key", expected: 32, actual: count) }
    }
}
