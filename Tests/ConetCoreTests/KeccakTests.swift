import Testing
import ConetCore

@Suite struct KeccakTests {
    struct Vector: Decodable {
        let input_hex: String
        let keccak256: String
    }

    @Test func knownAnswers() throws {
        for vector in try Fixtures.cases("keccak256.json", as: Vector.self) {
            #expect(Hex.encode(Keccak256.hash([UInt8](hex: vector.input_hex))) == vector.keccak256, "input \(vector.input_hex.prefix(40))")
        }
    }

    @Test func streamingMatchesOneShotAtEverySplit() throws {
        let input = (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = Keccak256.hash(input)
        for split in [0, 1, 135, 136, 137, 271, 272, 273, 599, 600] {
            var hasher = Keccak256()
            hasher.update(input[..<split])
            hasher.update(input[split...])
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
        var bytewise = Keccak256()
        for byte in input { bytewise.update([byte]) }
        #expect(bytewise.finalize() == expected)
    }

    @Test func paddingBoundaries() {
        // Lengths around the 136-byte rate exercise the one-block and two-block padding paths;
        // each digest must differ and be stable across repeated calls.
        var seen = Set<[UInt8]>()
        for length in [134, 135, 136, 137] {
            let digest = Keccak256.hash([UInt8](repeating: 0x61, count: length))
            #expect(digest.count == 32)
            #expect(Keccak256.hash([UInt8](repeating: 0x61, count: length)) == digest)
            seen.insert(digest)
        }
        #expect(seen.count == 4)
    }
}
