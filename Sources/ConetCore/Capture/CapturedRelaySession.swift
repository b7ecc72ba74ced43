import Foundation

/// A conet relay session found in a capture: its endpoints, the handshake (in the clear), and
/// every record in both directions with its time and size. With the session's keys from a key
/// log (`CONET_KEYLOG`), records are decrypted, named, and any envelope carried by a deposit or a
/// fetch is decoded like a file (`conet inspect`).
public struct CapturedRelaySession: Encodable, Sendable {
    public struct Record: Encodable, Sendable {
        /// "client" or "relay": who sent it.
        public let from: String
        /// Position among that side's records; 0 is its hello.
        public let index: Int
        /// The packet that completed the record.
        public let packet: Int
        /// Seconds since 1970, from that packet.
        public let time: Double
        /// Stream offset of its length prefix.
        public let offset: Int
        /// Bytes after the 4-byte length prefix.
        public let size: Int
        /// "hello" or "sealed".
        public let kind: String
        public var command: String?
        public var summary: String?
        public var envelope: EnvelopeInspection?
        /// The record as captured and, once decrypted, its plaintext: for `--hex`, not for JSON.
        public let body: [UInt8]
        public var plaintext: [UInt8]?

        enum CodingKeys: String, CodingKey { case from, index, packet, time, offset, size, kind, command, summary, envelope }
    }

    public let client: String
    public let relay: String
    public var relayAddress: String?
    public var relayKey: String?
    public var clientKey: String?
    public var challenge: String?
    /// The handshake hash that names the session in a key log.
    public var transcript: String?
    /// Whether a key log held this session's keys (and its records were decrypted).
    public var decrypted = false
    public var records: [Record] = []
    public var problems: [CaptureProblem] = []

    enum CodingKeys: String, CodingKey {
        case client, relay, relayAddress, relayKey, clientKey, challenge, transcript, decrypted, records, problems
    }

    /// Whether `stream` starts like a conet client: a 38-byte record opening with "CNRL".
    public static func startsWithClientHello(_ stream: TCPByteStream) -> Bool {
        stream.bytes.count >= 8 && stream.bytes[0..<8].elementsEqual([0, 0, 0, UInt8(RelayHandshake.clientHelloByteCount)] + RelayHandshake.magic)
    }

    /// Decodes `conversation` if it is a conet relay session (either side may have opened it as
    /// far as the capture shows); nil otherwise.
    public static func decode(_ conversation: TCPConversation, keyLog: [String: SessionKeyLog.Entry]?) -> CapturedRelaySession? {
        let conversation = startsWithClientHello(conversation.toServer)
            ? conversation : startsWithClientHello(conversation.toClient) ? conversation.swapped() : nil
        guard let conversation else { return nil }
        var session = CapturedRelaySession(client: conversation.client.description, relay: conversation.server.description)
        var fromClient = session.frames(conversation.toServer, from: "client")
        var fromRelay = session.frames(conversation.toClient, from: "relay")
        guard let clientHello = fromClient.first?.body else { return session }
        if let key = try? RelayHandshake.parseClientHello(clientHello) {
            session.clientKey = "0x" + Hex.encode(key.compressed)
        } else {
            session.problems.append(CaptureProblem(packet: fromClient[0].packet, "the client hello is malformed"))
        }
        if let serverHello = fromRelay.first?.body {
            do {
                let hello = try RelayHandshake.parseServerHello(serverHello)
                session.relayKey = "0x" + Hex.encode(hello.relayKey.compressed)
                session.relayAddress = hello.relayKey.address.checksummed
                session.challenge = Hex.encode(hello.challenge)
                let transcript = Hex.encode(RelayHandshake.transcript(clientHello: clientHello, serverHello: serverHello))
                session.transcript = transcript
                if let keyLog {
                    if let keys = keyLog[transcript] {
                        session.decrypted = true
                        session.open(&fromClient, cipher: RecordCipher(key: keys.clientToRelay))
                        session.open(&fromRelay, cipher: RecordCipher(key: keys.relayToClient))
                    } else {
                        session.problems.append(CaptureProblem(packet: nil, "the key log has no keys for this session (transcript \(transcript))"))
                    }
                }
            } catch {
                session.problems.append(CaptureProblem(packet: fromRelay[0].packet, "the relay's hello is malformed: \(error.localizedDescription)"))
            }
        }
        session.records = (fromClient + fromRelay).sorted { ($0.time, $0.packet, $0.from) < ($1.time, $1.packet, $1.from) }
        return session
    }

    init(client: String, relay: String) {
        self.client = client
        self.relay = relay
    }

    /// Cuts one direction into records; damage ends the direction with a precise problem.
    private mutating func frames(_ stream: TCPByteStream, from side: String) -> [Record] {
        let bytes = stream.bytes
        let maxRecord = RelayMessage.maxPlaintext + XChaCha20Poly1305.tagByteCount
        var records: [Record] = []
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = Int(BigEndian.value(bytes[offset..<(offset + 4)], as: UInt32.self))
            guard length > 0, length <= maxRecord else {
                problems.append(CaptureProblem(packet: stream.mark(at: offset)?.packet, "the \(side)'s record \(records.count) at stream offset \(offset) claims \(length) bytes (outside 1...\(maxRecord)); the rest of that direction is not decoded"))
                return records
            }
            guard offset + 4 + length <= bytes.count else { break }
            let mark = stream.mark(at: offset + 3 + length)
            records.append(Record(
                from: side, index: records.count, packet: mark?.packet ?? 0, time: mark?.time ?? 0, offset: offset, size: length,
                kind: records.isEmpty ? "hello" : "sealed", body: Array(bytes[(offset + 4)..<(offset + 4 + length)])))
            offset += 4 + length
        }
        if let gap = stream.gap {
            problems.append(CaptureProblem(packet: gap.packet, "the \(side)'s stream misses \(gap.missing) bytes at offset \(gap.offset) (segments lost or not captured); records from there on (\(gap.skipped) captured bytes) are not decoded"))
        } else if offset < bytes.count {
            let length = bytes.count - offset >= 4 ? Int(BigEndian.value(bytes[offset..<(offset + 4)], as: UInt32.self)) : nil
            problems.append(CaptureProblem(packet: stream.mark(at: offset)?.packet, "the \(side)'s stream ends inside record \(records.count) at offset \(offset): \(max(0, bytes.count - offset - 4)) of \(length.map(String.init) ?? "?") bytes captured"))
        }
        return records
    }

    /// Decrypts one direction's sealed records in order, names them, and decodes the envelopes
    /// that deposits (client) or fetches (relay) carry.
    private mutating func open(_ records: inout [Record], cipher: RecordCipher) {
        var transfer: Transfer?
        for index in records.indices where records[index].kind == "sealed" {
            guard let plaintext = try? cipher.open(records[index].body) else {
                problems.append(CaptureProblem(packet: records[index].packet, "the \(records[index].from)'s record \(index) does not open with the logged keys (altered, dropped or reordered); the rest of that direction stays sealed"))
                return
            }
            records[index].plaintext = plaintext
            let message: RelayMessage
            do { message = try RelayMessage(decoding: plaintext) } catch {
                records[index].command = "unknown"
                records[index].summary = error.localizedDescription
                continue
            }
            let (command, summary) = Self.describe(message)
            records[index].command = command
            records[index].summary = summary
            switch message {
            case .depositBegin, .fetchBegin: transfer = Transfer()
            case .data(let bytes): transfer?.add(bytes)
            case .end:
                if let done = transfer { records[index].envelope = done.inspection() }
                transfer = nil
            case .depositWhole(_, let envelope):
                var whole = Transfer()
                whole.add(envelope)
                records[index].envelope = whole.inspection()
            default: break
            }
        }
    }

    /// An envelope streamed in data records: its first bytes (enough for any header) and its size.
    private struct Transfer {
        var prefix: [UInt8] = []
        var total = 0

        mutating func add(_ bytes: [UInt8]) {
            if prefix.count < 16384 { prefix += bytes.prefix(16384 - prefix.count) }
            total += bytes.count
        }

        func inspection() -> EnvelopeInspection? {
            guard let header = try? EnvelopeHeader.read(from: MemorySource(prefix)) else { return nil }
            return try? EnvelopeInspection(header: header, afterHeader: total - header.byteCount, inputByteCount: total, armored: false)
        }
    }

    /// A message's command name and what it says, for people.
    static func describe(_ message: RelayMessage) -> (String, String?) {
        func id(_ bytes: [UInt8]) -> String { "id " + Hex.encode(bytes) }
        func text(_ json: [UInt8]) -> String { String(decoding: json.prefix(400), as: UTF8.self) + (json.count > 400 ? "…" : "") }
        switch message {
        case .statusRequest: return ("status-request", nil)
        case .login(let address, _): return ("login", "as \(address.checksummed)")
        case .depositBegin(let mailbox): return ("deposit-begin", "mailbox \(mailbox.checksummed)")
        case .depositWhole(let mailbox, let envelope): return ("deposit-whole", "mailbox \(mailbox.checksummed), \(envelope.count) bytes")
        case .list: return ("list", nil)
        case .fetch(let bytes): return ("fetch", id(bytes))
        case .acknowledge(let bytes): return ("acknowledge", id(bytes))
        case .subscribe: return ("subscribe", nil)
        case .publishCard(let json): return ("publish-card", text(json))
        case .lookupCard(let address): return ("lookup-card", address.checksummed)
        case .ping: return ("ping", nil)
        case .data(let bytes): return ("data", "\(bytes.count) bytes")
        case .end: return ("end", nil)
        case .status(let json): return ("status", text(json))
        case .ok: return ("ok", nil)
        case .stored(let bytes): return ("stored", id(bytes))
        case .listing(let entries): return ("listing", "\(entries.count) message(s)" + (entries.isEmpty ? "" : ": " + entries.map { "\(Hex.encode($0.id)) (\($0.size) bytes)" }.joined(separator: ", ")))
        case .fetchBegin(let bytes, let size): return ("fetch-begin", id(bytes) + ", \(size) bytes")
        case .notify(let entry): return ("notify", id(entry.id) + ", \(entry.size) bytes")
        case .card(let json): return ("card", text(json))
        case .receipt(let bytes):
            guard let receipt = try? DeliveryReceipt(decoding: bytes) else { return ("receipt", "malformed") }
            return ("receipt", "from \(receipt.relay.checksummed) for id \(Hex.encode(receipt.messageID)) at \(TimeText.format(Date(timeIntervalSince1970: TimeInterval(receipt.time))))")
        case .error(let code, let message): return ("error", "\(code) (\(code.rawValue)): \(message)")
        }
    }
}
