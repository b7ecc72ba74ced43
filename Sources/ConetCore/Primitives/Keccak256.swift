/// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not SHA3-256's (0x06).
///
/// No linked library exposes it, so it lives here: Keccak-f[1600] with each round written out
/// lane by lane, and the state kept in locals while a run of blocks is absorbed, so the compiler
/// can hold it in registers.
public struct Keccak256: Sendable {
    /// The digest size in bytes.
    public static let byteCount = 32
    /// Bytes absorbed per permutation: 1600 − 2·256 bits.
    static let rate = 136

    private var state = [UInt64](repeating: 0, count: 25)
    private var buffer = [UInt8]()

    public init() {
        buffer.reserveCapacity(Self.rate)
    }

    /// The Keccak-256 digest of `bytes`.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var hasher = Keccak256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Absorbs more input.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update($0) }
        }
    }

    /// Absorbs more input from raw memory.
    public mutating func update(_ input: UnsafeRawBufferPointer) {
        var input = input[...]
        if !buffer.isEmpty {
            let take = min(Self.rate - buffer.count, input.count)
            buffer.append(contentsOf: input.prefix(take))
            input = input.dropFirst(take)
            guard buffer.count == Self.rate else { return }
            buffer.withUnsafeBytes { absorb(blocks: $0) }
            buffer.removeAll(keepingCapacity: true)
        }
        let whole = input.count - input.count % Self.rate
        if whole > 0 {
            absorb(blocks: UnsafeRawBufferPointer(rebasing: input.prefix(whole)))
        }
        buffer.append(contentsOf: input.dropFirst(whole))
    }

    /// Pads, permutes and returns the 32-byte digest.
    public consuming func finalize() -> [UInt8] {
        var block = buffer
        block.append(0x01)
        block.append(contentsOf: repeatElement(0, count: Self.rate - block.count))
        block[Self.rate - 1] |= 0x80
        block.withUnsafeBytes { absorb(blocks: $0) }
        var digest = [UInt8]()
        digest.reserveCapacity(32)
        for lane in state.prefix(4) {
            withUnsafeBytes(of: lane.littleEndian) { digest.append(contentsOf: $0) }
        }
        return digest
    }

    /// Absorbs whole `rate`-sized blocks.
    private mutating func absorb(blocks lanes: UnsafeRawBufferPointer) {
        var a0 = state[0]
        var a1 = state[1]
        var a2 = state[2]
        var a3 = state[3]
        var a4 = state[4]
        var a5 = state[5]
        var a6 = state[6]
        var a7 = state[7]
        var a8 = state[8]
        var a9 = state[9]
        var a10 = state[10]
        var a11 = state[11]
        var a12 = state[12]
        var a13 = state[13]
        var a14 = state[14]
        var a15 = state[15]
        var a16 = state[16]
        var a17 = state[17]
        var a18 = state[18]
        var a19 = state[19]
        var a20 = state[20]
        var a21 = state[21]
        var a22 = state[22]
        var a23 = state[23]
        var a24 = state[24]
        var offset = 0
        while offset < lanes.count {
            a0 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 0, as: UInt64.self))
            a1 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            a2 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
            a3 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
            a4 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 32, as: UInt64.self))
            a5 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 40, as: UInt64.self))
            a6 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 48, as: UInt64.self))
            a7 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 56, as: UInt64.self))
            a8 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 64, as: UInt64.self))
            a9 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 72, as: UInt64.self))
            a10 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 80, as: UInt64.self))
            a11 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 88, as: UInt64.self))
            a12 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 96, as: UInt64.self))
            a13 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 104, as: UInt64.self))
            a14 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 112, as: UInt64.self))
            a15 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 120, as: UInt64.self))
            a16 ^= UInt64(littleEndian: lanes.loadUnaligned(fromByteOffset: offset + 128, as: UInt64.self))
            for roundConstant in Self.roundConstants {
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
            let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
            let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ (c1 &<< 1 | c1 &>> 63)
            let d1 = c0 ^ (c2 &<< 1 | c2 &>> 63)
            let d2 = c1 ^ (c3 &<< 1 | c3 &>> 63)
            let d3 = c2 ^ (c4 &<< 1 | c4 &>> 63)
            let d4 = c3 ^ (c0 &<< 1 | c0 &>> 63)
            let t0 = a0 ^ d0
            let t6 = a6 ^ d1
            let t12 = a12 ^ d2
            let t18 = a18 ^ d3
            let t24 = a24 ^ d4
            let t3 = a3 ^ d3
            let t9 = a9 ^ d4
            let t10 = a10 ^ d0
            let t16 = a16 ^ d1
            let t22 = a22 ^ d2
            let t1 = a1 ^ d1
            let t7 = a7 ^ d2
            let t13 = a13 ^ d3
            let t19 = a19 ^ d4
            let t20 = a20 ^ d0
            let t4 = a4 ^ d4
            let t5 = a5 ^ d0
            let t11 = a11 ^ d1
            let t17 = a17 ^ d2
            let t23 = a23 ^ d3
            let t2 = a2 ^ d2
            let t8 = a8 ^ d3
            let t14 = a14 ^ d4
            let t15 = a15 ^ d0
            let t21 = a21 ^ d1
            let b0 = t0
            let b1 = (t6 &<< 44 | t6 &>> 20)
            let b2 = (t12 &<< 43 | t12 &>> 21)
            let b3 = (t18 &<< 21 | t18 &>> 43)
            let b4 = (t24 &<< 14 | t24 &>> 50)
            let b5 = (t3 &<< 28 | t3 &>> 36)
            let b6 = (t9 &<< 20 | t9 &>> 44)
            let b7 = (t10 &<< 3 | t10 &>> 61)
            let b8 = (t16 &<< 45 | t16 &>> 19)
            let b9 = (t22 &<< 61 | t22 &>> 3)
            let b10 = (t1 &<< 1 | t1 &>> 63)
            let b11 = (t7 &<< 6 | t7 &>> 58)
            let b12 = (t13 &<< 25 | t13 &>> 39)
            let b13 = (t19 &<< 8 | t19 &>> 56)
            let b14 = (t20 &<< 18 | t20 &>> 46)
            let b15 = (t4 &<< 27 | t4 &>> 37)
            let b16 = (t5 &<< 36 | t5 &>> 28)
            let b17 = (t11 &<< 10 | t11 &>> 54)
            let b18 = (t17 &<< 15 | t17 &>> 49)
            let b19 = (t23 &<< 56 | t23 &>> 8)
            let b20 = (t2 &<< 62 | t2 &>> 2)
            let b21 = (t8 &<< 55 | t8 &>> 9)
            let b22 = (t14 &<< 39 | t14 &>> 25)
            let b23 = (t15 &<< 41 | t15 &>> 23)
            let b24 = (t21 &<< 2 | t21 &>> 62)
            a0 = b0 ^ (~b1 & b2)
            a1 = b1 ^ (~b2 & b3)
            a2 = b2 ^ (~b3 & b4)
            a3 = b3 ^ (~b4 & b0)
            a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7)
            a6 = b6 ^ (~b7 & b8)
            a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5)
            a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            a0 ^= roundConstant
            }
            offset += Self.rate
        }
        state[0] = a0
        state[1] = a1
        state[2] = a2
        state[3] = a3
        state[4] = a4
        state[5] = a5
        state[6] = a6
        state[7] = a7
        state[8] = a8
        state[9] = a9
        state[10] = a10
        state[11] = a11
        state[12] = a12
        state[13] = a13
        state[14] = a14
        state[15] = a15
        state[16] = a16
        state[17] = a17
        state[18] = a18
        state[19] = a19
        state[20] = a20
        state[21] = a21
        state[22] = a22
        state[23] = a23
        state[24] = a24
    }

    private static let roundConstants: [UInt64] = [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ]
}
