import Testing
import ConetCore

@Suite struct KeyTests {
    struct KeyVector: Decodable {
        let private_key: String
        let public_key_compressed: String
        let public_key_uncompressed: String
    }

    struct ECDHVector: Decodable {
        let private_key: String
        let peer_public_key_compressed: String
        let shared_secret: String
    }

    struct SignatureVector: Decodable {
        let private_key: String
        let message_hash: String
        let message_hex: String
        let signature: String
    }

    @Test func publicKeysFromPrivateKeys() throws {
        for vector in try Fixtures.cases("keys.json", as: KeyVector.self) {
            let key = try PrivateKey(bytes: [UInt8](hex: vector.private_key))
            #expect(Hex.encode(key.publicKey.compressed) == vector.public_key_compressed)
            #expect(Hex.encode(key.publicKey.uncompressed) == vector.public_key_uncompressed)
            // Both encodings parse back to the same point.
            #expect(try PublicKey(bytes: [UInt8](hex: vector.public_key_compressed)) == key.publicKey)
            #expect(try PublicKey(bytes: [UInt8](hex: vector.public_key_uncompressed)) == key.publicKey)
            #expect(try PublicKey(bytes: key.publicKey.raw) == key.publicKey)
        }
    }

    @Test func ecdhSharedSecrets() throws {
        for vector in try Fixtures.cases("ecdh.json", as: ECDHVector.self) {
            let key = try PrivateKey(bytes: [UInt8](hex: vector.private_key))
            let peer = try PublicKey(bytes: [UInt8](hex: vector.peer_public_key_compressed))
            #expect(Hex.encode(key.sharedSecret(with: peer).unsafeCopy()) == vector.shared_secret)
        }
    }

    @Test func ecdhIsSymmetric() throws {
        let a = PrivateKey.generate(), b = PrivateKey.generate()
        #expect(a.sharedSecret(with: b.publicKey) == b.sharedSecret(with: a.publicKey))
    }

    @Test func signaturesMatchRFC6979Vectors() throws {
        for vector in try Fixtures.cases("eip191.json", as: SignatureVector.self) {
            let key = try PrivateKey(bytes: [UInt8](hex: vector.private_key))
            let digest = [UInt8](hex: vector.message_hash)
            let signature = try key.sign(digest: digest)
            #expect(Hex.encode(signature.bytes) == vector.signature)
            let parsed = try RecoverableSignature(bytes: [UInt8](hex: vector.signature))
            #expect(try parsed.recoverPublicKey(digest: digest) == key.publicKey)
            #expect(key.publicKey.isValidSignature(parsed, digest: digest))
            // The EIP-191 digest itself: keccak256("\x19Ethereum Signed Message:\n" + len + message).
            let message = [UInt8](hex: vector.message_hex)
            let prefixed = Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8) + message
            #expect(Keccak256.hash(prefixed) == digest)
        }
    }

    @Test func wrongDigestOrKeyDoesNotVerify() throws {
        let key = PrivateKey.generate()
        let digest = Keccak256.hash(Array("hello".utf8))
        let signature = try key.sign(digest: digest)
        #expect(!key.publicKey.isValidSignature(signature, digest: Keccak256.hash(Array("hellp".utf8))))
        #expect(!PrivateKey.generate().publicKey.isValidSignature(signature, digest: digest))
        #expect(try signature.recoverPublicKey(digest: Keccak256.hash(Array("x".utf8))) != key.publicKey)
    }

    static let order = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"

    @Test(arguments: [
        String(repeating: "0", count: 64),
        order,
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
        String(repeating: "f", count: 64),
        String(repeating: "1", count: 62),
        String(repeating: "1", count: 66),
    ])
    func invalidPrivateKeysAreRejected(hex: String) {
        #expect(throws: CryptoError.invalidPrivateKey) { try PrivateKey(bytes: [UInt8](hex: hex)) }
    }

    @Test func largestValidPrivateKeyIsAccepted() throws {
        _ = try PrivateKey(bytes: [UInt8](hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140"))
    }

    @Test(arguments: [
        // x = 5 is not on the curve (5³ + 7 = 132 is not a square mod p).
        "02" + String(repeating: "0", count: 62) + "05",
        // Valid x, wrong prefix.
        "05" + "4e3b81af9c2234cad09d679ce6035ed1392347ce64ce405f5dcd36228a25de6e",
        // Uncompressed point with y flipped by one bit.
        "044e3b81af9c2234cad09d679ce6035ed1392347ce64ce405f5dcd36228a25de6e47fd35c4215d1edf53e6f83de344615ce719bdb0fd878f6ed76f06dd277956df",
        // x ≥ p.
        "02" + String(repeating: "f", count: 64),
        "",
        "02",
    ])
    func invalidPublicKeysAreRejected(hex: String) {
        #expect(throws: CryptoError.invalidPublicKey) { try PublicKey(bytes: [UInt8](hex: hex)) }
    }

    @Test func malformedSignaturesAreRejected() throws {
        let key = PrivateKey.generate()
        let signature = try key.sign(digest: Keccak256.hash([1, 2, 3])).bytes
        #expect(throws: CryptoError.self) { try RecoverableSignature(bytes: Array(signature.prefix(64))) }
        var badV = signature; badV[64] = 29
        #expect(throws: CryptoError.self) { try RecoverableSignature(bytes: badV) }
        // High S (n − s) is the malleable twin of a valid signature and must be refused.
        var highS = signature
        let s = Array(signature[32..<64])
        highS.replaceSubrange(32..<64, with: Self.subtractFromOrder(s))
        highS[64] = signature[64] == 27 ? 28 : 27
        #expect(throws: CryptoError.self) { try RecoverableSignature(bytes: highS) }
        #expect(throws: CryptoError.self) { try RecoverableSignature(bytes: [UInt8](repeating: 0, count: 64) + [27]) }
        // v as 0/1 is accepted and normalised to 27/28.
        var zeroOne = signature; zeroOne[64] -= 27
        #expect(try RecoverableSignature(bytes: zeroOne).bytes == signature)
    }

    /// n − s for a 32-byte big-endian s.
    static func subtractFromOrder(_ s: [UInt8]) -> [UInt8] {
        let n = [UInt8](hex: order)
        var out = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in (0..<32).reversed() {
            var d = Int(n[i]) - Int(s[i]) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 256 }
            out[i] = UInt8(d)
        }
        return out
    }
}
