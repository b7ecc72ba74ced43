import Crypto
import Foundation
internal import CSodium

/// A sealed secret-stream chunk, possibly still in the buffer the fused cipher left it in: its
/// bytes can be lent out without a copy, to the thread that hashes and writes them.
public struct SealedChunk: Sendable {
    private enum Form {
        case bytes([UInt8])
        /// Nonce, ciphertext of the 64-byte block and the message, MAC; the block's first byte has
        /// been copied over its last one, so the chunk is contiguous from there to the end.
        case fused(Data)
    }

    private let form: Form

    init(bytes: [UInt8]) { form = .bytes(bytes) }
    fileprivate init(fused: Data) { form = .fused(fused) }

    /// The chunk as it goes on the wire, lent to `body` without copying.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch form {
        case .bytes(let bytes): return try bytes.withUnsafeBytes(body)
        case .fused(let combined):
            return try combined.withUnsafeBytes { combined in
                try body(UnsafeRawBufferPointer(rebasing: combined[SecretStreamChunk.fusedChunkOffset...]))
            }
        }
    }

    /// The chunk as it goes on the wire, as an array (a copy for a fused chunk).
    public var bytes: [UInt8] {
        if case .bytes(let bytes) = form { return bytes }
        return withBytes { [UInt8]($0) }
    }
}

/// A faster way to seal and open a large secret-stream chunk, byte for byte what libsodium's
/// `push` makes and `pull` accepts.
///
/// libsodium's push is one ChaCha20-Poly1305 (IETF) encryption of a 64-byte block holding the tag
/// followed by the message, keystream counter from 1, no associated data; it sends only the block's
/// first byte. Its Poly1305 pads the message by `mlen mod 16` bytes where the IETF construction pads
/// by `-mlen mod 16`; the two agree when `mlen` is a multiple of 16, as every full chunk is. For such
/// chunks BoringSSL's fused, vectorised ChaCha20-Poly1305 (swift-crypto) is about 1.3 times as fast
/// as libsodium's two passes. The state then moves on exactly as libsodium moves it.
enum SecretStreamChunk {
    /// Below this, the copies around the fused call cost more than they save.
    static let minimumFastBytes = 4096
    static let blockByteCount = 64
    static let nonceByteCount = 12
    static let macByteCount = 16
    /// Where a fused chunk starts in the sealed buffer: the block's last byte, which `seal`
    /// overwrites with its first (the one that travels) so the chunk needs no gathering copy.
    static let fusedChunkOffset = nonceByteCount + blockByteCount - 1

    /// Whether a chunk holding `byteCount` message bytes is sealed and opened here: the fused
    /// cipher's MAC input matches libsodium's only for multiples of 16, and below 4 KiB the copies
    /// around the call cost more than they save.
    static func takes(messageByteCount byteCount: Int) -> Bool {
        byteCount >= minimumFastBytes && byteCount % 16 == 0
    }

    /// The sealed chunk, or nil when this chunk is for libsodium (small, unaligned or with
    /// associated data).
    static func seal(
        _ message: some ContiguousBytes, associatedData: some ContiguousBytes, tag: SecretStreamTag,
        state: UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>
    ) -> SealedChunk? {
        guard message.withUnsafeBytes({ takes(messageByteCount: $0.count) }), associatedData.withUnsafeBytes({ $0.isEmpty }) else { return nil }
        // The block goes before the message: a copy into a buffer with room for it.
        var plaintext = message.withUnsafeBytes { message in
            [UInt8](unsafeUninitializedCapacity: blockByteCount + message.count) { buffer, count in
                UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[blockByteCount...]).copyMemory(from: message)
                count = buffer.count
            }
        }
        return plaintext.withUnsafeMutableBytes { seal(inPlace: $0, tag: tag, state: state) }
    }

    /// `seal` for a message that already has `blockByteCount` bytes of scratch space before it
    /// (`buffer` is the scratch, then the message): the block is written there, so the message is
    /// not copied. Nil when the message is not for the fused cipher.
    static func seal(
        inPlace buffer: UnsafeMutableRawBufferPointer, tag: SecretStreamTag,
        state: UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>
    ) -> SealedChunk? {
        guard buffer.count >= blockByteCount, takes(messageByteCount: buffer.count - blockByteCount) else { return nil }
        let (key, nonce) = parameters(state)
        // The block: the tag, then 63 zero bytes.
        UnsafeMutableRawBufferPointer(rebasing: buffer[..<blockByteCount]).initializeMemory(as: UInt8.self, repeating: 0)
        buffer[0] = tag.rawValue
        // Sealing with a valid key and nonce cannot fail; libsodium's path stays as the fallback.
        // The box is gone once its buffer is taken, so the write below does not copy it.
        guard var combined = (try? ChaChaPoly.seal(UnsafeRawBufferPointer(buffer), using: key, nonce: nonce))?.combined else { return nil }
        advance(state, mac: combined.suffix(macByteCount), tag: tag.rawValue)
        combined.withUnsafeMutableBytes { $0[fusedChunkOffset] = $0[nonceByteCount] }
        return SealedChunk(fused: combined)
    }

    /// Opens a chunk `seal` could have made (what libsodium's `pull` does, byte for byte), or nil
    /// when it is for libsodium. The 63 block bytes that do not travel are the keystream at
    /// counter 1 (the block's plaintext after the tag is zeros), rebuilt so the fused cipher can
    /// check the MAC over the whole block. The state moves on only when the chunk opens.
    /// - Returns: the message and the tag byte.
    static func open(
        _ chunk: some ContiguousBytes, associatedData: some ContiguousBytes,
        state: UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>
    ) throws(CryptoError) -> (plaintext: [UInt8], tag: UInt8)? {
        guard chunk.withUnsafeBytes({ takes(messageByteCount: $0.count - SecretStreamEncryptor.chunkOverhead) }), associatedData.withUnsafeBytes({ $0.isEmpty }) else { return nil }
        var block = [UInt8](repeating: 0, count: blockByteCount)
        defer { Memory.wipe(&block) }
        withUnsafeBytes(of: &state.pointee.nonce) { nonce in
            withUnsafeBytes(of: &state.pointee.k) { key in
                _ = crypto_stream_chacha20_ietf_xor_ic(
                    &block, block, UInt64(blockByteCount), nonce.baseAddress!.assumingMemoryBound(to: UInt8.self), 1,
                    key.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        let (key, nonce) = parameters(state)
        let combined = chunk.withUnsafeBytes { chunk in
            var combined = Data(capacity: nonceByteCount + blockByteCount + chunk.count - 1)
            nonce.withUnsafeBytes { combined.append(contentsOf: $0) }
            block[0] = chunk[0]
            combined.append(contentsOf: block)
            combined.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[1...]))
            return combined
        }
        guard let box = try? ChaChaPoly.SealedBox(combined: combined), let opened = try? ChaChaPoly.open(box, using: key) else {
            throw .authenticationFailed
        }
        let tag = opened[opened.startIndex]
        let plaintext = [UInt8](opened.dropFirst(blockByteCount))
        advance(state, mac: combined.suffix(macByteCount), tag: tag)
        return (plaintext, tag)
    }

    /// The state's key and its 12-byte nonce (a 4-byte little-endian counter, then 8 bytes).
    static func parameters(
        _ state: UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>
    ) -> (SymmetricKey, ChaChaPoly.Nonce) {
        withUnsafeBytes(of: &state.pointee.k) { key in
            withUnsafeBytes(of: &state.pointee.nonce) { nonce in
                (SymmetricKey(data: key), try! ChaChaPoly.Nonce(data: nonce))
            }
        }
    }

    /// What libsodium does after each chunk: the MAC's first 8 bytes are folded into the nonce,
    /// the counter goes up, and the key is ratcheted on a tag with the rekey bit or when the
    /// counter wraps.
    static func advance(
        _ state: UnsafeMutablePointer<crypto_secretstream_xchacha20poly1305_state>, mac: some DataProtocol, tag: UInt8
    ) {
        withUnsafeMutableBytes(of: &state.pointee.nonce) { nonce in
            for (index, byte) in mac.prefix(8).enumerated() { nonce[4 + index] ^= byte }
            var carry: UInt16 = 1
            for index in 0..<4 {
                carry += UInt16(nonce[index])
                nonce[index] = UInt8(truncatingIfNeeded: carry)
                carry >>= 8
            }
        }
        let wrapped = withUnsafeBytes(of: &state.pointee.nonce) { $0[0..<4].allSatisfy { $0 == 0 } }
        // FINAL (3) carries the rekey bit (2) too.
        if tag & UInt8(crypto_secretstream_xchacha20poly1305_TAG_REKEY) != 0 || wrapped {
            crypto_secretstream_xchacha20poly1305_rekey(state)
        }
    }
}
