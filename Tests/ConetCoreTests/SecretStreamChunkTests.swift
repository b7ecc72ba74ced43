import Foundation
import Testing
@testable import ConetCore

/// The fused ChaCha20-Poly1305 path must produce libsodium's secret stream byte for byte: every
/// chunk, and the state it leaves behind (nonce, counter, rekeys).
@Suite struct SecretStreamChunkTests {
    /// Two encryptors on one key and header: one may take the fused path, one is libsodium only.
    private func pair() throws -> (fused: SecretStreamEncryptor, sodium: SecretStreamEncryptor) {
        let key = SecureRandom.bytes(32), header = SecureRandom.bytes(SecretStreamEncryptor.headerByteCount)
        let fused = try SecretStreamEncryptor(key: key, header: header)
        let sodium = try SecretStreamEncryptor(key: key, header: header)
        sodium.usesFusedCipher = false
        return (fused, sodium)
    }

    private func stateBytes(_ encryptor: SecretStreamEncryptor) -> [UInt8] {
        let size = MemoryLayout.size(ofValue: encryptor.state.pointee)
        return encryptor.state.withMemoryRebound(to: UInt8.self, capacity: size) { Array(UnsafeBufferPointer(start: $0, count: size)) }
    }

    @Test func fusedChunksAreLibsodiumsChunks() throws {
        let (fused, sodium) = try pair()
        // Aligned sizes take the fused path; the others (small, or not a multiple of 16) do not,
        // and must interleave with it seamlessly.
        let sizes = [65536, 4096, 65536, 4080, 65544, 65540, 100_000, 5002, 16384, 1, 0, 65536 * 2, 4112]
        for (index, size) in sizes.enumerated() {
            let message = SecureRandom.bytes(size)
            let tag: SecretStreamTag = index % 3 == 1 ? .push : .message
            let a = fused.push(message, tag: tag), b = sodium.push(message, tag: tag)
            #expect(a.elementsEqual(b), "chunk \(index) of \(size) bytes")
            #expect(stateBytes(fused) == stateBytes(sodium), "state after chunk \(index)")
        }
        let last = SecureRandom.bytes(8192)
        #expect(fused.push(last, tag: .final).elementsEqual(sodium.push(last, tag: .final)))
        // FINAL carries the rekey bit: both ratchet the key the same way.
        #expect(stateBytes(fused) == stateBytes(sodium))
    }

    @Test func deferredChunksAreTheSameBytes() throws {
        let (fused, sodium) = try pair()
        let message = SecureRandom.bytes(65536)
        #expect(fused.pushDeferred(message, tag: .message).bytes.elementsEqual(sodium.push(message, tag: .message)))
    }

    /// Sealing in the scratch room before a message gives the same chunk and state as libsodium,
    /// for sizes the fused cipher takes and for those it passes back to libsodium.
    @Test func chunksSealedInPlaceAreLibsodiumsChunks() throws {
        let (fused, sodium) = try pair()
        let scratch = SecretStreamChunk.blockByteCount
        for (index, size) in [65536, 4080, 65536, 100_000, 4096, 0].enumerated() {
            let message = SecureRandom.bytes(size)
            var buffer = SecureRandom.bytes(scratch) + message
            let a = buffer.withUnsafeMutableBytes { fused.pushDeferred(inPlace: $0, tag: .message) }.bytes
            #expect(a.elementsEqual(sodium.push(message, tag: .message)), "chunk \(index) of \(size) bytes")
            #expect(stateBytes(fused) == stateBytes(sodium), "state after chunk \(index)")
        }
        var last = [UInt8](repeating: 0, count: scratch) + SecureRandom.bytes(8192)
        let final = last.withUnsafeMutableBytes { fused.pushDeferred(inPlace: $0, tag: .final) }.bytes
        #expect(final.elementsEqual(sodium.push(Array(last[scratch...]), tag: .final)))
        #expect(stateBytes(fused) == stateBytes(sodium))
    }

    @Test func theCounterWrapRekeysAsLibsodiumDoes() throws {
        let (fused, sodium) = try pair()
        // Counter (the nonce's first 4 bytes, little-endian) one step from wrapping.
        for encryptor in [fused, sodium] {
            withUnsafeMutableBytes(of: &encryptor.state.pointee.nonce) { nonce in
                for index in 0..<4 { nonce[index] = 0xFF }
            }
        }
        let message = SecureRandom.bytes(65536)
        #expect(fused.push(message, tag: .message).elementsEqual(sodium.push(message, tag: .message)))
        #expect(stateBytes(fused) == stateBytes(sodium))
        #expect(fused.push(message, tag: .message).elementsEqual(sodium.push(message, tag: .message)))
    }

    private func stateBytes(_ decryptor: SecretStreamDecryptor) -> [UInt8] {
        let size = MemoryLayout.size(ofValue: decryptor.state.pointee)
        return decryptor.state.withMemoryRebound(to: UInt8.self, capacity: size) { Array(UnsafeBufferPointer(start: $0, count: size)) }
    }

    @Test func fusedOpeningIsLibsodiumsPull() throws {
        let key = SecureRandom.bytes(32), header = SecureRandom.bytes(SecretStreamEncryptor.headerByteCount)
        let encryptor = try SecretStreamEncryptor(key: key, header: header)
        let fused = try SecretStreamDecryptor(key: key, header: header)
        let sodium = try SecretStreamDecryptor(key: key, header: header)
        sodium.usesFusedCipher = false
        let sizes = [65536, 4096, 4080, 65544, 65540, 100_000, 5002, 1, 0, 65536 * 2, 4112]
        for (index, size) in sizes.enumerated() {
            let message = SecureRandom.bytes(size)
            let tag: SecretStreamTag = index == sizes.count - 1 ? .final : (index % 3 == 1 ? .push : .message)
            let sealed = encryptor.push(message, tag: tag)
            // A damaged chunk is refused by both, and leaves both states where they were.
            var damaged = sealed
            damaged[damaged.count / 2] ^= 0x20
            #expect(throws: CryptoError.authenticationFailed) { try fused.pullTagged(damaged) }
            #expect(throws: CryptoError.authenticationFailed) { try sodium.pullTagged(damaged) }
            #expect(stateBytes(fused) == stateBytes(sodium), "state after a refused chunk \(index)")
            let a = try fused.pullTagged(sealed), b = try sodium.pullTagged(sealed)
            #expect(a.plaintext.elementsEqual(message) && b.plaintext.elementsEqual(message), "chunk \(index) of \(size) bytes")
            #expect(a.tag == tag && b.tag == tag)
            #expect(stateBytes(fused) == stateBytes(sodium), "state after chunk \(index)")
        }
        #expect(fused.isFinished && sodium.isFinished)
    }

    @Test func libsodiumOpensAFusedStream() throws {
        let key = SecureRandom.bytes(32)
        let encryptor = try SecretStreamEncryptor(key: key)
        let decryptor = try SecretStreamDecryptor(key: key, header: encryptor.header)
        decryptor.usesFusedCipher = false
        let chunks = [SecureRandom.bytes(65536), SecureRandom.bytes(65536), SecureRandom.bytes(777)]
        for (index, chunk) in chunks.enumerated() {
            let sealed = encryptor.push(chunk, final: index == chunks.count - 1)
            let (plaintext, isFinal) = try decryptor.pull(sealed)
            #expect(plaintext.elementsEqual(chunk))
            #expect(isFinal == (index == chunks.count - 1))
        }
        var altered = try SecretStreamEncryptor(key: key, header: encryptor.header).push(chunks[0])
        altered[30_000] ^= 1
        #expect(throws: CryptoError.self) { try SecretStreamDecryptor(key: key, header: encryptor.header).pull(altered) }
    }
}
