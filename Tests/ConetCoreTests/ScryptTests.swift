import Testing
@testable import ConetCore

@Suite struct ScryptTests {
    /// RFC 7914 §12's vectors (also what Python's hashlib.scrypt, over OpenSSL, gives): the first
    /// has an empty password and salt, which must not reach libsodium as null pointers.
    @Test(arguments: [
        ("", "", 16, 1, 1,
         "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        ("password", "NaCl", 1024, 8, 16,
         "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        ("pleaseletmein", "SodiumChloride", 16384, 8, 1,
         "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
    ])
    func knownAnswers(password: String, salt: String, n: Int, r: Int, p: Int, expected: String) throws {
        let key = try Array(password.utf8).withUnsafeBytes { password in
            try Scrypt.deriveKey(password: password, salt: Array(salt.utf8), n: n, r: r, p: p, byteCount: 64)
        }
        #expect(Hex.encode(key.unsafeCopy()) == expected)
    }

    /// Whatever a caller passes, the primitive refuses what libsodium could not take or its size
    /// computations could not hold, before allocating anything: no trap, no giant allocation.
    @Test(arguments: [
        (1 << 62, 1 << 20, 1, 32),      // 128·r·N overflows
        (2, Int(UInt32.max), 2, 32),    // r·p beyond libsodium's 2^30
        (1024, 1 << 16, 1 << 15, 32),   // r·p = 2^31
        (1024, 8, 1, 1 << 40),          // a terabyte of output
        (1024, 8, 1, 0),
        (1024, 8, 1, -1),
        (Int.max, 8, 1, 32),
        (Int.min, 8, 1, 32),
        (1024, 1 << 33, 1, 32),         // r beyond 32 bits
        (1024, 8, -1, 32),
    ])
    func refusesParametersBeyondWhatCanBeComputed(n: Int, r: Int, p: Int, byteCount: Int) {
        #expect(throws: CryptoError.self) {
            try [UInt8]([1]).withUnsafeBytes { try Scrypt.deriveKey(password: $0, salt: [1], n: n, r: r, p: p, byteCount: byteCount) }
        }
    }

    @Test func refusesAnNThatIsNotAPowerOfTwo() {
        #expect(throws: CryptoError.self) {
            try [UInt8]([1]).withUnsafeBytes { try Scrypt.deriveKey(password: $0, salt: [1], n: 1000, r: 8, p: 1, byteCount: 32) }
        }
    }
}
