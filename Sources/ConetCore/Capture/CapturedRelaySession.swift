import Foundation

/// A conet relay session found in a capture: its endpoints, the handshake (in the clear), and
/// every record in both directions with its time and size. With the session's keys from a key
/// log (`CONET_KEYLOG`), records are decrypted, named, and any envelope carried by a deposit or a
/// fetch is decoded like a file (`conet inspect`). `CapturedConversation` fills it in as the
/// capture streams by; a `CaptureDecodingSink` receives the records one by one, so `records`
/// stays empty unless the sink collects them (`CaptureInspection`).
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
        /// A streaming sink renders them when the record arrives and lets them go.
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

    init(client: String, relay: String) {
        self.client = client
        self.relay = relay
    }

    /// Listing entries a summary names.
    static let listedEntries = 20

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
        case .listAfter(let bytes): return ("list-after", id(bytes))
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
        case .listing(let entries):
            // A page holds up to 2,000 entries: name the first few, count the rest.
            let named = entries.prefix(listedEntries).map { "\(Hex.encode($0.id)) (\($0.size) bytes)" }.joined(separator: ", ")
            let more = entries.count > listedEntries ? ", and \(entries.count - listedEntries) more" : ""
            return ("listing", "\(entries.count) message(s)" + (entries.isEmpty ? "" : ": " + named + more))
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
