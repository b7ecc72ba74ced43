import Foundation
import Testing
@testable import ConetCore

@Suite struct ArmorTests {
    func armor(_ bytes: [UInt8]) throws -> String {
        let collector = ByteCollector()
        let writer = ArmorWriter { collector.append($0) }
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 1000)
            try writer.write(Array(bytes[offset..<end]))
            offset = end
        }
        try writer.finish()
        return String(decoding: collector.bytes, as: UTF8.self)
    }

    func dearmor(_ text: String) throws -> [UInt8] {
        let reader = ArmorReader(MemorySource(Array(text.utf8)))
        var out: [UInt8] = []
        while true {
            let block = try reader.read(upTo: 7000)
            if block.isEmpty { return out }
            out += block
        }
    }

    @Test func roundTripsEveryLengthAroundLineAndBatchEdges() throws {
        let random = SeededRandom(seed: "armor")
        var lengths = Array(1...200)
        lengths += [48 * 1024 - 1, 48 * 1024, 48 * 1024 + 1, 48 * 1024 * 3 + 47]
        for length in lengths {
            let bytes = random.bytes(length)
            let text = try armor(bytes)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first == Substring(Armor.beginLine))
            #expect(lines.dropFirst().dropLast(3).allSatisfy { $0.count == 64 }, "length \(length)")
            #expect(try dearmor(text) == bytes, "length \(length)")
        }
    }

    @Test func refusesEveryNonCanonicalForm() throws {
        let text = try armor(SeededRandom(seed: "strict").bytes(100)) // lines of 64, 64, 8 characters
        var lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        func refused(_ variant: String, _ what: String) {
            #expect(throws: EnvelopeError.self, "\(what)") { try dearmor(variant) }
        }
        refused(text.replacingOccurrences(of: "\n", with: "\r\n"), "CRLF")
        refused(String(text.dropLast()), "no final newline")
        refused(text + "x", "data after END")
        refused(text.replacingOccurrences(of: Armor.endLine + "\n", with: ""), "no END")
        refused(Armor.beginLine + "\n" + Armor.endLine + "\n", "no data")
        refused("x" + text, "garbage before BEGIN")
        var midPadding = lines
        midPadding[1] = String(midPadding[1].prefix(60)) + "AA=="
        refused(midPadding.joined(separator: "\n") + "\n", "padding in a middle line")
        var shortMiddle = lines
        shortMiddle[1] = String(shortMiddle[1].prefix(60))
        refused(shortMiddle.joined(separator: "\n") + "\n", "a short middle line")
        var nonCanonical = lines
        // 100 bytes end with one byte in the last group "xw==": change its low bits.
        let last = nonCanonical[3]
        let flipped = last.dropLast(3) + (last.dropLast(2).last == "A" ? "B" : "A") + "=="
        nonCanonical[3] = String(flipped)
        refused(nonCanonical.joined(separator: "\n") + "\n", "non-canonical final group")
        lines[2] = lines[2] + "AAAA"
        refused(lines.joined(separator: "\n") + "\n", "a long line")
        #expect(try dearmor("\n\n  " + text + "\n \n") == (try dearmor(text)))
    }
}
