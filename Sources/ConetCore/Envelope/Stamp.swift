import Foundation

/// A hashcash stamp: proof that the sender spent about 2^bits BLAKE2b calls on this very header,
/// which a relay can check without any key before accepting an anonymous deposit.
public struct Stamp: Sendable, Equatable {
    /// The work the sender claims (and a relay checks).
    public let bits: Int
    /// 8 bytes chosen so the stamp hash has `bits` leading zero bits.
    public let nonce: [UInt8]

    /// The most work conet will mint or accept a claim of: 2^32 hashes is hours, not seconds.
    public static let maxBits = 32

    /// Leading zero bits of BLAKE2b-256(label ‖ header-before-stamp ‖ nonce), capped at the claim.
    func work(over stamped: ArraySlice<UInt8>) -> Int {
        min(bits, Self.leadingZeroBits(Self.digest(stamped, nonce: nonce)))
    }

    static func mint(bits: Int, over stamped: ArraySlice<UInt8>) -> Stamp {
        precondition((1...maxBits).contains(bits), "stamp bits out of range")
        var counter: UInt64 = 0
        while true {
            let nonce = BigEndian.bytes(counter)
            if leadingZeroBits(digest(stamped, nonce: nonce)) >= bits { return Stamp(bits: bits, nonce: nonce) }
            counter += 1
        }
    }

    private static func digest(_ stamped: ArraySlice<UInt8>, nonce: [UInt8]) -> [UInt8] {
        let hasher = try! BLAKE2b(outputByteCount: 32)
        hasher.update(EnvelopeFormat.stampLabel)
        hasher.update(Array(stamped))
        hasher.update(nonce)
        return hasher.finalize()
    }

    private static func leadingZeroBits(_ digest: [UInt8]) -> Int {
        var count = 0
        for byte in digest {
            if byte == 0 { count += 8; continue }
            return count + byte.leadingZeroBitCount
        }
        return count
    }
}
