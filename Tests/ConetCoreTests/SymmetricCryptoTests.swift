import Testing
import ConetCore

@Suite struct SymmetricCryptoTests {
    @Test func blake2bKnownAnswers() throws {
        #expect(Hex.encode(try BLAKE2b.hash(Array("abc".utf8), outputByteCount: 64))
            == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
        #expect(Hex.encode(try BLAKE2b.hash([UInt8]()))
            == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")
        // Keyed, cross-checked with Python's hashlib.blake2b.
        #expect(Hex.encode(try BLAKE2b.hash(Array("conet".utf8), key: (0..<32).map { UInt8($0) }))
            == "fba681df51e0c89a17967b59e85519f59ee0fe4e99df0b997afa0e263fdb1224")
    }

    @Test func blake2bStreamingMatchesOneShot() throws {
        let input = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        let key = SecureRandom.bytes(32)
        let hasher = try BLAKE2b(outputByteCount: 48, key: key)
        hasher.update(Array(input[..<333]))
        hasher.update(Array(input[333...]))
        #expect(hasher.finalize() == (try BLAKE2b.hash(input, outputByteCount: 48, key: key)))
    }

    @Test func blake2bRejectsBadSizes() {
        #expect(throws: CryptoError.self) { try BLAKE2b.hash([1], outputByteCount: 65) }
        #expect(throws: CryptoError.self) { try BLAKE2b.hash([1], outputByteCount: 8) }
        #expect(throws: CryptoError.self) { try BLAKE2b.hash([1], key: [UInt8](repeating: 1, count: 65)) }
    }

    @Test func aeadRoundTripAndTampering() throws {
        let key = SecretBytes.random(count: 32)
        let nonce = SecureRandom.bytes(24)
        let message = Array("attack at dawn".utf8)
        let ad = Array("header".utf8)
        let sealed = try XChaCha20Poly1305.seal(message, key: key, nonce: nonce, associatedData: ad)
        #expect(sealed.count == message.count + 16)
        #expect(try XChaCha20Poly1305.open(sealed, key: key, nonce: nonce, associatedData: ad) == message)
        #expect(try XChaCha20Poly1305.open(try XChaCha20Poly1305.seal([UInt8](), key: key, nonce: nonce), key: key, nonce: nonce).isEmpty)

        for index in [0, message.count - 1, message.count, sealed.count - 1] {
            var flipped = sealed
            flipped[index] ^= 0x01
            #expect(throws: CryptoError.authenticationFailed) {
                try XChaCha20Poly1305.open(flipped, key: key, nonce: nonce, associatedData: ad)
            }
        }
        #expect(throws: CryptoError.authenticationFailed) {
            try XChaCha20Poly1305.open(sealed, key: key, nonce: nonce, associatedData: Array("headeR".utf8))
        }
        var otherNonce = nonce; otherNonce[0] ^= 1
        #expect(throws: CryptoError.authenticationFailed) {
            try XChaCha20Poly1305.open(sealed, key: key, nonce: otherNonce, associatedData: ad)
        }
        #expect(throws: CryptoError.authenticationFailed) {
            try XChaCha20Poly1305.open(sealed, key: SecretBytes.random(count: 32), nonce: nonce, associatedData: ad)
        }
        #expect(throws: CryptoError.authenticationFailed) {
            try XChaCha20Poly1305.open(Array(sealed.prefix(15)), key: key, nonce: nonce, associatedData: ad)
        }
        #expect(throws: CryptoError.self) { try XChaCha20Poly1305.seal(message, key: [UInt8](repeating: 0, count: 31), nonce: nonce) }
        #expect(throws: CryptoError.self) { try XChaCha20Poly1305.seal(message, key: key, nonce: Array(nonce.prefix(12))) }
    }

    /// Seals `chunks` as one stream; the last chunk is FINAL.
    static func seal(_ chunks: [[UInt8]], key: SecretBytes) throws -> (header: [UInt8], chunks: [[UInt8]]) {
        let encryptor = try SecretStreamEncryptor(key: key)
        let sealed = chunks.enumerated().map { index, chunk in
            encryptor.push(chunk, final: index == chunks.count - 1)
        }
        return (encryptor.header, sealed)
    }

    static func open(_ chunks: [[UInt8]], header: [UInt8], key: SecretBytes) throws -> [[UInt8]] {
        let decryptor = try SecretStreamDecryptor(key: key, header: header)
        let opened = try chunks.map { try decryptor.pull($0).plaintext }
        try decryptor.finish()
        return opened
    }

    @Test func secretStreamRoundTrip() throws {
        let key = SecretBytes.random(count: 32)
        let chunks: [[UInt8]] = [Array("one".utf8), [], Array(repeating: 7, count: 70_000), Array("end".utf8)]
        let (header, sealed) = try Self.seal(chunks, key: key)
        #expect(try Self.open(sealed, header: header, key: key) == chunks)
    }

    @Test func secretStreamDetectsEveryKindOfTampering() throws {
        let key = SecretBytes.random(count: 32)
        let chunks: [[UInt8]] = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
        let (header, sealed) = try Self.seal(chunks, key: key)

        var flipped = sealed
        flipped[1][5] ^= 0x80
        #expect(throws: CryptoError.authenticationFailed) { try Self.open(flipped, header: header, key: key) }

        let dropped = [sealed[0], sealed[2]]
        #expect(throws: CryptoError.authenticationFailed) { try Self.open(dropped, header: header, key: key) }

        let reordered = [sealed[1], sealed[0], sealed[2]]
        #expect(throws: CryptoError.authenticationFailed) { try Self.open(reordered, header: header, key: key) }

        let truncated = Array(sealed.prefix(2))
        #expect(throws: CryptoError.truncatedStream) { try Self.open(truncated, header: header, key: key) }

        let extended = sealed + [sealed[2]]
        #expect(throws: CryptoError.dataAfterFinal) { try Self.open(extended, header: header, key: key) }

        // A chunk spliced in from another stream under the same key.
        let (_, other) = try Self.seal(chunks, key: key)
        let spliced = [sealed[0], other[1], sealed[2]]
        #expect(throws: CryptoError.authenticationFailed) { try Self.open(spliced, header: header, key: key) }

        #expect(throws: CryptoError.authenticationFailed) { try Self.open(sealed, header: header, key: SecretBytes.random(count: 32)) }
        #expect(throws: CryptoError.authenticationFailed) { try Self.open([Array(sealed[0].prefix(16))], header: header, key: key) }
    }

    @Test func constantTimeComparison() {
        #expect(ConstantTime.equal([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!ConstantTime.equal([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!ConstantTime.equal([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        #expect(ConstantTime.equal([UInt8](), [UInt8]()))
    }

    @Test func wipingEmptiesBuffers() {
        var secret: [UInt8] = [1, 2, 3]
        Memory.wipe(&secret)
        #expect(secret.isEmpty)
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
        #expect(SecureRandom.bytes(0).isEmpty)
    }
}

@Suite struct SecretBytesTests {
    struct Refused: Error {}

    @Test func aThrowingFillerReleasesTheBufferOnce() {
        // A double free here would crash the test process.
        for _ in 0..<100 {
            #expect(throws: Refused.self) { try SecretBytes(count: 32) { _ in throw Refused() } }
        }
        let filled = SecretBytes(count: 4) { $0.copyBytes(from: [1, 2, 3, 4]) }
        #expect(filled.unsafeCopy() == [1, 2, 3, 4])
        #expect(filled == SecretBytes([1, 2, 3, 4]))
        #expect(filled != SecretBytes([1, 2, 3, 5]))
    }
}
