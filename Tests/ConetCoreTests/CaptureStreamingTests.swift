import Foundation
import Testing
@testable import ConetCore

/// `inspect --capture` and `--hex` in bounded memory: records and dump fields are handed on as
/// the input is read, the report keeps its shape, and hostile captures (holes followed by
/// megabytes, thousands of open conversations, lengths that claim gigabytes, sequence numbers
/// that wrap) hold no more than `CaptureLimits` allows and say what they cut.
@Suite struct CaptureStreamingTests {
    /// Hands out a few hundred bytes per read and counts them: what was read when something
    /// came out shows whether it came out early.
    final class TricklingSource: ByteSource {
        private let bytes: [UInt8]
        private let step: Int
        private(set) var consumed = 0

        init(_ bytes: [UInt8], step: Int = 512) {
            self.bytes = bytes
            self.step = step
        }

        func read(upTo count: Int) throws -> [UInt8] {
            let n = min(count, step, bytes.count - consumed)
            defer { consumed += n }
            return Array(bytes[consumed..<(consumed + n)])
        }
    }

    /// Keeps what a decoder delivers, and when.
    final class Recorder: CaptureDecodingSink {
        var records: [(record: CapturedRelaySession.Record, session: Int, bytesRead: Int, packetsRead: Int)] = []
        var sessions: [Int: CapturedRelaySession] = [:]
        var problems: [CaptureProblem] = []
        var source: TricklingSource?
        var reader: PacketCaptureReader?
        weak var decoder: CaptureDecoder?
        var mostOpen = 0

        func captureProblem(_ problem: CaptureProblem) { problems.append(problem) }

        func record(_ record: CapturedRelaySession.Record, session: Int) {
            records.append((record, session, source?.consumed ?? 0, reader?.packetCount ?? 0))
            mostOpen = max(mostOpen, decoder?.openConversations ?? 0)
        }

        func sessionEnded(_ session: CapturedRelaySession, session number: Int) { sessions[number] = session }
    }

    func fixture(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: Fixtures.url(name))) }
    func keyLog() throws -> [String: SessionKeyLog.Entry] {
        try SessionKeyLog.parse(String(decoding: try fixture("relay-session.keylog"), as: UTF8.self))
    }

    /// Decodes `capture` as the command does, with `limits`, keeping what comes out.
    func decode(_ capture: [UInt8], limits: CaptureLimits = .standard, keys: [String: SessionKeyLog.Entry]? = nil) throws
        -> (recorder: Recorder, summary: CaptureDecoder.Summary, peak: Int)
    {
        let recorder = Recorder()
        let source = TricklingSource(capture)
        let reader = try PacketCaptureReader(source: source)
        let decoder = CaptureDecoder(port: nil, keyLog: keys, limits: limits, sink: recorder)
        recorder.source = source
        recorder.reader = reader
        recorder.decoder = decoder
        let summary = try decoder.decode(reader)
        return (recorder, summary, decoder.peakHeldBytes)
    }

    // MARK: streaming

    @Test func recordsArriveWithThePacketThatCompletesThem() throws {
        let capture = try fixture("relay-session.pcap")
        let (recorder, summary, _) = try decode(capture, keys: try keyLog())
        #expect(summary.packets > 0 && recorder.sessions.count == 3)
        try #require(recorder.records.count > 20)
        for (record, _, _, packetsRead) in recorder.records {
            #expect(packetsRead == record.packet, "record \(record.from) #\(record.index) of packet \(record.packet) came after packet \(packetsRead)")
        }
        // The first record came out when a sliver of the file was read.
        #expect(recorder.records[0].bytesRead < capture.count / 10)
        // Records are not kept by the decoder: the sessions it ends carry none.
        #expect(recorder.sessions.values.allSatisfy { $0.records.isEmpty })
    }

    @Test(arguments: ["relay-session.pcap", "relay-session.pcapng"])
    func theStreamedReportIsTheWholeInspectionAsJSON(file: String) throws {
        let capture = try fixture(file)
        for keys in [try keyLog(), nil] {
            let expected = try Self.json(CaptureInspection(capture: try PacketCapture(bytes: capture), port: nil, keyLog: keys))
            #expect(try Self.report(capture, keys: keys, style: .json) == expected + "\n")
        }
    }

    @Test func interleavedSessionsAreReportedWholeInTheOrderTheyBegan() throws {
        let (header, packets) = Self.pcapRecords(try fixture("relay-session.pcap"))
        // A second copy of every session from 127.0.0.2, each packet right after the original's.
        let interleaved = header + packets.flatMap { packet -> [UInt8] in
            var copy = packet
            for at in [16 + 14 + 12, 16 + 14 + 16] { copy[at + 3] = 2 }
            return packet + copy
        }
        let single = CaptureInspection(capture: try PacketCapture(bytes: try fixture("relay-session.pcap")), port: nil, keyLog: try keyLog())
        let double = CaptureInspection(capture: try PacketCapture(bytes: interleaved), port: nil, keyLog: try keyLog())
        try #require(double.sessions.count == 6)
        #expect(double.sessions.map { $0.client.hasPrefix("127.0.0.1:") } == [true, false, true, false, true, false])
        for (index, session) in double.sessions.enumerated() {
            let original = single.sessions[index / 2]
            #expect(session.records.map(\.command) == original.records.map(\.command))
            #expect(session.records.map(\.envelope?.messageId) == original.records.map(\.envelope?.messageId))
            #expect(session.problems.isEmpty)
        }
        #expect(try Self.report(interleaved, keys: try keyLog(), style: .json) == (try Self.json(double)) + "\n")
        let text = try Self.report(interleaved, keys: try keyLog(), style: .text(hex: true))
        #expect(text.hasPrefix("pcap capture: \(packets.count * 2) packets, link type 1 (EN10MB); 6 conet session(s), 0 other TCP conversation(s)\n"))
        #expect(text.components(separatedBy: "\nsession ").count == 7)
        #expect(text.contains("decrypted:") && text.contains("Poly1305 tag"))
    }

    // MARK: hostile captures

    let client = ([UInt8]([10, 0, 0, 1]), 40000)
    let relay = ([UInt8]([10, 0, 0, 2]), 7788)

    @Test func aHoleFollowedByMegabytesHoldsOnlyTheDirectionsLimit() throws {
        var capture = SyntheticCapture()
        capture.clientHello(from: client, to: relay, sequence: 1000)
        // One byte after the hello never arrives; three megabytes after it do.
        let segment = [UInt8](repeating: 0x41, count: 1000)
        for index in 0..<3000 {
            capture.segment(from: client, to: relay, sequence: 1001 + 42 + 1 + UInt32(index * 1000), payload: segment)
        }
        let limits = CaptureLimits(bytesPerDirection: 64 << 10)
        let (recorder, _, peak) = try decode(capture.bytes, limits: limits)
        #expect(peak <= 64 << 10)
        let session = try #require(recorder.sessions.values.first)
        #expect(recorder.records.map(\.record.kind) == ["hello"])
        #expect(session.problems.map(\.message) == [
            "the client's stream misses 1 bytes at offset 42 (segments lost or not captured); records from there on (3000000 captured bytes) are not decoded",
        ])
    }

    @Test func theCaptureWideLimitEndsTheDirectionsThatWouldPassIt() throws {
        var capture = SyntheticCapture()
        // Forty sessions, each in the middle of a 60,000-byte record: 2.4 MB held in all.
        for index in 0..<40 {
            let from = ([UInt8]([10, 0, 1, UInt8(index)]), 40000)
            capture.clientHello(from: from, to: relay, sequence: 5000)
            capture.segment(from: from, to: relay, sequence: 5001 + 42, payload: [0, 0, 0xEA, 0x60] + [UInt8](repeating: 7, count: 50_000))
        }
        let limits = CaptureLimits(bytesInAll: 1 << 20)
        let (recorder, _, peak) = try decode(capture.bytes, limits: limits)
        #expect(peak <= 1 << 20)
        #expect(recorder.sessions.count == 40)
        let messages = recorder.sessions.values.flatMap(\.problems).map(\.message)
        let cut = messages.filter { $0.contains("the capture-wide limit of 1048576 bytes held at once was reached") }
        let waiting = messages.filter { $0.contains("ends inside record 1 at offset 42: 50000 of 60000 bytes captured") }
        #expect(cut.count + waiting.count == 40)
        #expect(cut.count >= 20 && waiting.count >= 15)
    }

    @Test func pastTheConversationLimitTheIdlestAreLetGo() throws {
        var capture = SyntheticCapture()
        for index in 0..<100 {
            capture.clientHello(from: ([10, 0, 2, UInt8(index)], 40000), to: relay)
        }
        // A late packet of the first conversation, long let go: ignored, not a new conversation.
        capture.segment(from: ([10, 0, 2, 0], 40000), to: relay, sequence: 1001 + 42, payload: [1, 2, 3])
        let limits = CaptureLimits(conversations: 16)
        let (recorder, summary, _) = try decode(capture.bytes, limits: limits)
        #expect(recorder.mostOpen <= 16)
        #expect(recorder.sessions.count == 100)
        #expect(summary.otherConversations == 0)
        #expect(recorder.problems.count == 1)
        #expect(recorder.problems.first?.message.contains("more than 16 TCP conversations were open at once") == true)
        let letGo = recorder.sessions.values.filter { $0.problems.contains { $0.message.contains("this one was let go at packet") } }
        #expect(letGo.count >= 80)
        // Sessions keep their order of beginning.
        #expect(recorder.sessions.keys.sorted().map { recorder.sessions[$0]!.client } == (0..<100).map { "10.0.2.\($0):40000" })
    }

    @Test func sequenceNumbersThatWrapStillReassemble() throws {
        var capture = SyntheticCapture()
        let start: UInt32 = 0xFFFF_FFF0
        capture.clientHello(from: client, to: relay, sequence: start)
        let serverHello = RelayHandshake.serverHello(relay: PrivateKey.generate().publicKey, ephemeral: .generate(), challenge: [UInt8](repeating: 9, count: 32))
        capture.segment(from: relay, to: client, sequence: 77, syn: true)
        capture.segment(from: relay, to: client, sequence: 78, payload: SyntheticCapture.record(serverHello))
        // Sealed records after the wrap, the second before the first (reordered on the way).
        let sealed = SyntheticCapture.record([UInt8](repeating: 5, count: 100))
        let after = start &+ 1 &+ 42
        capture.segment(from: client, to: relay, sequence: after &+ 104, payload: sealed)
        capture.segment(from: client, to: relay, sequence: after, payload: sealed)
        let (recorder, _, _) = try decode(capture.bytes)
        let session = try #require(recorder.sessions.values.first)
        #expect(session.problems.isEmpty, "\(session.problems)")
        #expect(session.relayKey != nil && session.transcript != nil)
        #expect(recorder.records.map { "\($0.record.from) \($0.record.index) \($0.record.offset)" } == [
            "client 0 0", "relay 0 0", "client 1 42", "client 2 146",
        ])
    }

    @Test func lengthsThatClaimGigabytesAreReportedNotTrusted() throws {
        // A record that claims 4 GiB: the direction ends with a problem, nothing is held for it.
        var capture = SyntheticCapture()
        capture.clientHello(from: client, to: relay)
        capture.segment(from: client, to: relay, sequence: 1001 + 42, payload: [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3])
        capture.segment(from: client, to: relay, sequence: 1001 + 49, payload: [UInt8](repeating: 1, count: 1000))
        // A segment 2 GiB ahead: it waits for a hole that never fills.
        capture.segment(from: relay, to: client, sequence: 77, syn: true)
        capture.segment(from: relay, to: client, sequence: 78 &+ 0x7FFF_0000, payload: [1, 2, 3])
        let (recorder, _, peak) = try decode(capture.bytes)
        #expect(peak < 2000)
        let problems = try #require(recorder.sessions.values.first).problems.map(\.message)
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("the client's record 1 at stream offset 42 claims 4294967295 bytes (outside 1...") })
        #expect(problems.contains { $0.hasPrefix("the relay's stream misses 2147418112 bytes at offset 0") })

        // pcap: a packet that claims 4 GiB; pcapng: a block that does, and a packet longer than its block.
        var pcap = SyntheticCapture()
        pcap.clientHello(from: client, to: relay)
        var bytes = pcap.bytes
        bytes += [UInt8](repeating: 0, count: 8) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        let pcapReport = try decode(bytes)
        #expect(pcapReport.recorder.problems.map(\.message) == ["packet 3 claims 4294967295 captured bytes (offset \(pcap.bytes.count)); the rest of the file is skipped"])
        #expect(pcapReport.summary.packets == 2)

        let section: [UInt8] = le32(0x0A0D_0D0A) + le32(28) + le32(0x1A2B_3C4D) + [1, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 8) + le32(28)
        let interface: [UInt8] = le32(1) + le32(20) + [101, 0, 0, 0] + le32(262_144) + le32(20)
        let huge: [UInt8] = le32(6) + le32(0xFFFF_FFF0) + [UInt8](repeating: 0, count: 64)
        let overlong: [UInt8] = le32(6) + le32(32) + le32(0) + le32(0) + le32(0) + le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le32(32)
        let pcapng = try decode(section + interface + overlong + huge)
        #expect(pcapng.recorder.problems.map(\.message) == [
            "packet 1 claims 4294967295 bytes but its block holds 0",
            "packet 1: no network-layer bytes",
            "packet block at offset \(section.count + interface.count + overlong.count) claims 4294967280 bytes (more than 4194304); skipped",
            "the file ends inside a block of 4294967280 bytes at offset \(section.count + interface.count + overlong.count)",
        ])
    }

    @Test func recordNumbersPastNinetyNineKeepTheSpaceBeforeTheirKind() throws {
        var capture = SyntheticCapture()
        capture.clientHello(from: client, to: relay)
        let serverHello = RelayHandshake.serverHello(relay: PrivateKey.generate().publicKey, ephemeral: .generate(), challenge: [UInt8](repeating: 9, count: 32))
        capture.segment(from: relay, to: client, sequence: 77, syn: true)
        capture.segment(from: relay, to: client, sequence: 78, payload: SyntheticCapture.record(serverHello))
        var sequence: UInt32 = 1001 + 42
        for _ in 0..<150 {
            let sealed = SyntheticCapture.record([UInt8](repeating: 3, count: 17))
            capture.segment(from: client, to: relay, sequence: sequence, payload: sealed)
            sequence += UInt32(sealed.count)
        }
        let text = try Self.report(capture.bytes, keys: nil, style: .text(hex: false))
        #expect(text.contains(" client #99 sealed ") && text.contains(" client #100 sealed ") && text.contains(" client #149 sealed "))
    }

    // MARK: hex

    @Test func aMessageDumpIsHandedOnAsItIsRead() throws {
        let key = PrivateKey.generate()
        var options = EnvelopeOptions()
        options.chunkSizeLog = 10
        let (sealed, summary) = try Envelopes.seal(Envelopes.content(200_000), to: [key.publicKey], from: key, options: options)
        let source = TricklingSource(sealed, step: 700)
        let header = try EnvelopeHeader.read(from: source)
        var fields: [(field: AnnotatedHex.Field, bytesRead: Int)] = []
        try AnnotatedHex.envelope(header: header, rest: source) { fields.append(($0, source.consumed)) }
        let chunk0 = try #require(fields.first { $0.field.name.hasPrefix("chunk 0:") })
        // Chunk 0 is known for what it is once a full chunk follows it: three chunks in at most.
        #expect(chunk0.bytesRead <= header.byteCount + 3 * (1024 + 17))
        #expect(fields.filter { $0.field.name.contains("sealed (tag, data") }.count == summary.dataChunkCount)
        let trailer = try #require(fields.last?.field)
        #expect(trailer.name.hasPrefix("trailer chunk") && trailer.offset + trailer.byteCount == sealed.count)
        // The same fields as the whole dump held in memory.
        let whole = try AnnotatedHex.envelope(header: header, rest: MemorySource(Array(sealed[header.byteCount...])))
        #expect(whole.text == fields.map(\.field.text).joined(separator: "\n"))
    }

    @Test func aFieldPrintsAsTheDumpAlwaysDid() {
        var dump = AnnotatedHex()
        dump.add("ciphertext", at: 0x1234, Array(0..<40)[...], byteCount: 4096)
        dump.add("empty", at: 0x1258, [][...])
        #expect(dump.text == """
            00001234  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f   ciphertext
            00001244  10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f   … 4064 more bytes (4096 in all)
            """ + "\n00001258" + String(repeating: " ", count: 52) + "empty")
    }

    // MARK: helpers

    static func json(_ inspection: CaptureInspection) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(inspection), as: UTF8.self)
    }

    static func report(_ capture: [UInt8], keys: [String: SessionKeyLog.Entry]?, style: CaptureReport.Style) throws -> String {
        var out: [UInt8] = []
        let output = BufferedOutput(limit: 100) { out += $0 }
        try CaptureReport.write(capture: TricklingSource(capture), port: nil, keyLog: keys, style: style, to: output)
        return String(decoding: out, as: UTF8.self)
    }

    /// The records of a pcap file: its 24-byte header and each packet record whole.
    static func pcapRecords(_ bytes: [UInt8]) -> (header: [UInt8], packets: [[UInt8]]) {
        var packets: [[UInt8]] = []
        var offset = 24
        while offset < bytes.count {
            let length = Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16 | Int(bytes[offset + 11]) << 24
            packets.append(Array(bytes[offset..<(offset + 16 + length)]))
            offset += 16 + length
        }
        return (Array(bytes[..<24]), packets)
    }
}

private func le32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
