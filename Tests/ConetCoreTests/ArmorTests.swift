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

    /// Any amount of whitespace may come before BEGIN (past 64 bytes it used to be taken for
    /// binary), both when the input is sniffed with `Armor.open` and when read with `ArmorReader`.
    @Test(arguments: [0, 1, 63, 64, 65, 100, 4096, 64 * 1024 + 3, 300_000])
    func anyAmountOfLeadingWhitespaceIsArmor(count: Int) throws {
        let bytes = SeededRandom(seed: "whitespace").bytes(5000)
        let text = try armor(bytes)
        let pattern: [UInt8] = Array(" \t\r\n\n  ".utf8)
        let whitespace = (0..<count).map { pattern[$0 % pattern.count] }
        let input = whitespace + Array(text.utf8)
        #expect(try dearmor(String(decoding: input, as: UTF8.self)) == bytes)
        let opened = try Armor.open(MemorySource(input))
        #expect(opened.armored)
        #expect(try readAll(opened.source) == bytes)
    }

    /// Binary input, and whitespace followed by anything but BEGIN, come back byte for byte.
    @Test func nonArmoredInputIsReplayedUnchanged() throws {
        for input in [Array("CONET\u{1}binary".utf8), Array("   \n-----BEGIN CONET MESS".utf8), Array("\n\nCONET".utf8), [], Array("   ".utf8)] {
            let opened = try Armor.open(MemorySource(input))
            #expect(!opened.armored)
            #expect(try readAll(opened.source) == input)
        }
    }

    /// Leading whitespace is skipped as it is read, never held: a long run, fed one block at a
    /// time, keeps at most one block (plus what follows) in the sniffer and the reader.
    @Test func aLongRunOfWhitespaceIsNotHeld() throws {
        let bytes = SeededRandom(seed: "long").bytes(1000)
        let armored = Array(try armor(bytes).utf8)
        let source = WhitespaceThenSource(whitespace: 16 << 20, then: armored)
        let opened = try Armor.open(source)
        #expect(opened.armored)
        #expect(try readAll(opened.source) == bytes)
        #expect(source.largestRead <= 64 * 1024)
        let direct = WhitespaceThenSource(whitespace: 4 << 20, then: armored)
        #expect(try readAll(ArmorReader(direct)) == bytes)
    }

    /// Line numbers in errors count the skipped lines.
    @Test func errorsCountTheLinesBeforeBegin() throws {
        let input = Array(("\n\n\n" + Armor.beginLine + "\n" + Armor.endLine + "\n").utf8)
        let opened = try Armor.open(MemorySource(input))
        #expect(throws: EnvelopeError.badArmor("the armor holds no data")) { try readAll(opened.source) }
        let bad = Array(("\n\n" + Armor.beginLine + "\n!!!!\n" + Armor.endLine + "\n").utf8)
        #expect(throws: EnvelopeError.badArmor("invalid base64 before line 4")) { try readAll(Armor.open(MemorySource(bad)).source) }
    }

    func readAll(_ source: ByteSource) throws -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let block = try source.read(upTo: 7000)
            if block.isEmpty { return out }
            out += block
        }
    }
}

/// `whitespace` bytes of blank lines made up as they are read, then `then`; records the largest
/// read asked for, to show nobody buffers the whole run.
final class WhitespaceThenSource: ByteSource {
    private var remaining: Int
    private let rest: MemorySource
    private(set) var largestRead = 0

    init(whitespace: Int, then rest: [UInt8]) {
        remaining = whitespace
        self.rest = MemorySource(rest)
    }

    func read(upTo count: Int) throws -> [UInt8] {
        largestRead = max(largestRead, count)
        guard remaining > 0 else { return try rest.read(upTo: count) }
        let size = min(count, remaining)
        remaining -= size
        return (0..<size).map { $0 % 80 == 79 ? 0x0a : 0x20 }
    }
}
