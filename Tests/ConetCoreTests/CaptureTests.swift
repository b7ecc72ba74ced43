import ConetCore
import Foundation
import Testing

/// `conet inspect --capture` decoding, on a capture of a real session: `tcpdump -i lo` recorded a
/// relay (with CONET_KEYLOG, whose file is relay-session.keylog) while bob published his card,
/// alice sent him a note by address and bob received it; relay-session.pcapng is the same capture
/// converted by Wireshark's editcap. relay-session.json holds what `conet send` reported.
@Suite struct CaptureTests {
    struct Sent: Decodable {
        let messageId: String
        let mailbox: String
        let relayAddress: String
        let envelopeBytes: Int
    }

    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: Fixtures.url(name))) }
    func keyLog() throws -> [String: SessionKeyLog.Entry] {
        try SessionKeyLog.parse(String(decoding: try bytes("relay-session.keylog"), as: UTF8.self))
    }
    func sent() throws -> Sent { try JSONDecoder().decode(Sent.self, from: Data(try bytes("relay-session.json"))) }

    func inspect(_ capture: [UInt8], keys: [String: SessionKeyLog.Entry]?, port: Int? = nil) throws -> CaptureInspection {
        CaptureInspection(capture: try PacketCapture(bytes: capture), port: port, keyLog: keys)
    }

    func commands(_ session: CapturedRelaySession) -> [String] {
        session.records.compactMap { record in record.command.map { "\(record.from) \($0)" } }
    }

    @Test(arguments: ["relay-session.pcap", "relay-session.pcapng"])
    func aRecordedSessionDecodesFullyWithTheKeyLog(file: String) throws {
        let sent = try sent()
        let info = try inspect(try bytes(file), keys: try keyLog())
        #expect(info.format == (file.hasSuffix("ng") ? .pcapng : .pcap))
        #expect(info.linkTypes == [1])
        #expect(info.problems.isEmpty)
        #expect(info.otherConversations == 0)
        try #require(info.sessions.count == 3)
        for session in info.sessions {
            #expect(session.decrypted)
            #expect(session.problems.isEmpty, "\(session.problems)")
            #expect(session.relayAddress == sent.relayAddress)
            #expect(session.client.hasPrefix("127.0.0.1:") && session.relay.hasPrefix("127.0.0.1:"))
            #expect(session.records.allSatisfy { $0.kind == "hello" || $0.command != nil })
            #expect(session.records.map(\.time) == session.records.map(\.time).sorted())
        }
        #expect(commands(info.sessions[0]) == ["client publish-card", "relay ok"])
        #expect(commands(info.sessions[1]) == [
            "client lookup-card", "relay card", "client status-request", "relay status", "client deposit-begin", "client data",
            "client end", "relay stored",
        ])
        #expect(commands(info.sessions[2]) == [
            "client login", "relay ok", "client list", "relay listing", "client fetch", "relay fetch-begin", "relay data", "relay end",
            "client acknowledge", "relay ok",
        ])
        // The deposited and the fetched envelope are decoded like files.
        let envelopes = info.sessions.flatMap(\.records).compactMap(\.envelope)
        #expect(envelopes.count == 2)
        for envelope in envelopes {
            #expect(envelope.messageId == sent.messageId)
            #expect(envelope.recipients.map(\.address) == [sent.mailbox])
            #expect(envelope.sizes.input == sent.envelopeBytes)
        }
        let stored = try #require(info.sessions[1].records.first { $0.command == "stored" })
        #expect(stored.summary == "id \(sent.messageId)")
    }

    @Test func withoutTheKeyLogRecordsAreListedSealed() throws {
        let info = try inspect(try bytes("relay-session.pcap"), keys: nil)
        try #require(info.sessions.count == 3)
        let session = info.sessions[2]
        #expect(!session.decrypted)
        #expect(session.relayAddress == (try sent().relayAddress))
        #expect(session.records.allSatisfy { $0.command == nil && $0.envelope == nil })
        #expect(session.records.filter { $0.kind == "hello" }.count == 2)
        // Sizes are what the wire shows: 17 bytes is an empty sealed message (type byte and tag).
        #expect(session.records.contains { $0.kind == "sealed" && $0.size == 17 })
        // The port filter keeps the relay's conversations and drops others.
        let port = Int(session.relay.split(separator: ":").last!)!
        #expect(try inspect(try bytes("relay-session.pcap"), keys: nil, port: port).sessions.count == 3)
        let other = try inspect(try bytes("relay-session.pcap"), keys: nil, port: port == 1 ? 2 : 1)
        #expect(other.sessions.isEmpty && other.otherConversations == 3)
    }

    @Test func aKeyLogWithOtherKeysNamesTheSessionItLacks() throws {
        var lines = String(decoding: try bytes("relay-session.keylog"), as: UTF8.self).split(separator: "\n").map(String.init)
        // Keep the transcripts, change the keys: nothing opens, and that is said.
        lines = lines.map { line in
            let fields = line.split(separator: " ")
            return [String(fields[0]), String(fields[1]), String(repeating: "11", count: 32), String(repeating: "22", count: 32)].joined(separator: " ")
        }
        let wrong = try SessionKeyLog.parse(lines.joined(separator: "\n"))
        let info = try inspect(try bytes("relay-session.pcap"), keys: wrong)
        for session in info.sessions {
            #expect(session.problems.contains { $0.message.contains("does not open with the logged keys") })
            #expect(session.records.allSatisfy { $0.command == nil })
        }
        let none = try inspect(try bytes("relay-session.pcap"), keys: [:])
        #expect(none.sessions.allSatisfy { $0.problems.contains { $0.message.contains("has no keys for this session") } })
        #expect(throws: RelayError.self) { try SessionKeyLog.parse("CONET_RELAY_SESSION abc def") }
        #expect(try SessionKeyLog.parse("# a comment\nCLIENT_RANDOM 00 11\n").isEmpty)
    }

    // MARK: damage

    /// The records of a pcap file: its 24-byte header and each packet record whole.
    func pcapRecords(_ bytes: [UInt8]) -> (header: [UInt8], packets: [[UInt8]]) {
        var packets: [[UInt8]] = []
        var offset = 24
        while offset < bytes.count {
            let length = Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16 | Int(bytes[offset + 11]) << 24
            packets.append(Array(bytes[offset..<(offset + 16 + length)]))
            offset += 16 + length
        }
        return (Array(bytes[..<24]), packets)
    }

    @Test func aFileCutMidPacketKeepsWhatCameBefore() throws {
        let whole = try bytes("relay-session.pcap")
        let cut = Array(whole.prefix(whole.count - 30))
        let info = try inspect(cut, keys: try keyLog())
        let packets = pcapRecords(whole).packets.count
        #expect(info.problems.contains { $0.packet == packets && $0.message.contains("the file ends inside packet \(packets)") })
        #expect(info.sessions.count == 3)
        #expect(commands(info.sessions[1]).contains("relay stored"))
        // Cut inside a record header too.
        let header = try inspect(Array(whole.prefix(24 + 10)), keys: nil)
        #expect(header.problems.first?.message.contains("record header") == true)
    }

    @Test func aLostSegmentIsReportedAndTheOtherSessionsStillDecode() throws {
        let (header, packets) = pcapRecords(try bytes("relay-session.pcap"))
        let keys = try keyLog()
        let full = try inspect(try bytes("relay-session.pcap"), keys: keys)
        // Drop the packet that carried the deposited envelope (the client's data record of session 2).
        let data = try #require(full.sessions[1].records.first { $0.command == "data" })
        let damaged = header + packets.enumerated().filter { $0.offset + 1 != data.packet }.flatMap(\.element)
        let info = try inspect(damaged, keys: keys)
        try #require(info.sessions.count == 3)
        let problems = info.sessions[1].problems.map(\.message)
        #expect(problems.contains { $0.contains("the client's stream misses") && $0.contains("not decoded") }, "\(problems)")
        #expect(!commands(info.sessions[1]).contains("client end"))
        #expect(commands(info.sessions[1]).contains("relay stored"))
        #expect(commands(info.sessions[0]) == commands(full.sessions[0]))
        #expect(commands(info.sessions[2]) == commands(full.sessions[2]))
    }

    @Test func segmentsOutOfOrderAreReassembled() throws {
        let (header, packets) = pcapRecords(try bytes("relay-session.pcap"))
        let keys = try keyLog()
        let full = try inspect(try bytes("relay-session.pcap"), keys: keys)
        // Move each packet with payload of session 3 behind the next one, and send one twice.
        var shuffled = packets
        let data = try #require(full.sessions[2].records.first { $0.command == "fetch-begin" })
        shuffled.swapAt(data.packet - 1, data.packet)
        shuffled.insert(packets[data.packet - 1], at: data.packet + 1)
        let info = try inspect(header + shuffled.flatMap { $0 }, keys: keys)
        #expect(info.sessions.count == 3)
        #expect(commands(info.sessions[2]) == commands(full.sessions[2]))
        #expect(info.sessions[2].problems.isEmpty)
    }

    @Test func anUnsupportedLinkTypeIsNamedOnce() throws {
        var bytes = try bytes("relay-session.pcap")
        bytes[20] = 147  // LINKTYPE_USER0
        let info = try inspect(bytes, keys: nil)
        #expect(info.sessions.isEmpty)
        #expect(info.problems.count == 1)
        #expect(info.problems.first?.message.contains("link type 147 is not supported") == true)
    }

    @Test func whatIsNotACaptureIsRefused() throws {
        #expect(throws: CaptureError.self) { try PacketCapture(bytes: Array("CONET".utf8) + [UInt8](repeating: 0, count: 40)) }
        #expect(throws: CaptureError.self) { try PacketCapture(bytes: [0xD4, 0xC3, 0xB2, 0xA1, 2, 0]) }
        #expect(throws: CaptureError.self) { try PacketCapture(bytes: []) }
    }

    @Test func everyRecordHasAnAnnotatedDump() throws {
        let info = try inspect(try bytes("relay-session.pcap"), keys: try keyLog())
        for record in info.sessions.flatMap(\.records) {
            let dump = AnnotatedHex.record(record)
            // The fields of the record as captured cover its length prefix and body exactly.
            #expect(dump.sealed.fields.reduce(0) { $0 + $1.byteCount } == 4 + record.size)
            #expect(dump.sealed.fields.first?.offset == record.offset)
            if record.kind == "sealed" {
                let plaintext = try #require(dump.plaintext)
                #expect(plaintext.fields.reduce(0) { $0 + $1.byteCount } == record.size - 16)
                #expect(plaintext.text.contains("type 0x"))
            }
        }
    }
}
