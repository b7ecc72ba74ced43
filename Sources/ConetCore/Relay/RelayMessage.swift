import Foundation

/// The requests and answers carried inside sealed records (docs/PROTOCOL.md §5.3): one type byte
/// and a body. Anything malformed is a protocol violation that ends the session.
public enum RelayMessage: Equatable, Sendable {
    // Client to relay.
    case statusRequest
    case login(address: Address, signature: RecoverableSignature)
    /// Starts a deposit into `mailbox`; the envelope follows in `data` records, then `end`.
    case depositBegin(mailbox: Address)
    /// A whole envelope of at most 64 KiB in one record (most messages): no data/end records.
    case depositWhole(mailbox: Address, envelope: [UInt8])
    case list
    /// The next page of the listing: entries stored after the entry `id` (the last of the page
    /// before), so no number of messages ahead of it can hide a newer one.
    case listAfter(id: [UInt8])
    case fetch(id: [UInt8])
    case acknowledge(id: [UInt8])
    case subscribe
    case publishCard(json: [UInt8])
    case lookupCard(address: Address)
    /// Keeps an idle session (a subscription) open; answered with `ok`.
    case ping
    // Either way: a piece of a streamed envelope, and the end of one.
    case data([UInt8])
    case end
    // Relay to client.
    case status(json: [UInt8])
    case ok
    case stored(id: [UInt8])
    case listing([MailboxEntry])
    /// Starts a fetched envelope of `size` bytes; `data` records and `end` follow.
    case fetchBegin(id: [UInt8], size: UInt64)
    case notify(MailboxEntry)
    case card(json: [UInt8])
    /// The answer to an onion layer: the mailbox relay's signed receipt, passed back along the path.
    case receipt([UInt8])
    case error(code: ErrorCode, message: String)

    /// Why a relay refused a request; the client maps them to exit codes.
    public enum ErrorCode: UInt8, Sendable {
        case badRequest = 1
        case notLoggedIn = 2
        case forbidden = 3
        case notFound = 4
        case tooLarge = 5
        case quotaExceeded = 6
        case stampRequired = 7
        case invalidMessage = 8
        case busy = 9
        case internalError = 10
        /// An onion layer could not be passed on: the next relay is unknown, unauthenticated or down.
        case unreachable = 11
        /// A message id this relay already stored or forwarded (until its TTL ran out).
        case replayed = 12
    }

    /// The largest data piece in one record.
    public static let maxDataPiece = 64 * 1024
    /// The largest record plaintext: a whole deposit (type, mailbox, 64 KiB), a data piece, a card or a listing page.
    public static let maxPlaintext = maxDataPiece + 21
    /// Entries per listing message.
    public static let maxListing = 2000

    public var encoded: [UInt8] {
        switch self {
        case .statusRequest: [0x01]
        case .login(let address, let signature): [0x02] + address.bytes + signature.bytes
        case .depositBegin(let mailbox): [0x03] + mailbox.bytes
        case .depositWhole(let mailbox, let envelope): [0x04] + mailbox.bytes + envelope
        case .list: [0x05]
        case .listAfter(let id): [0x0C] + id
        case .fetch(let id): [0x06] + id
        case .acknowledge(let id): [0x07] + id
        case .subscribe: [0x08]
        case .publishCard(let json): [0x09] + json
        case .lookupCard(let address): [0x0A] + address.bytes
        case .ping: [0x0B]
        case .data(let bytes): [0x10] + bytes
        case .end: [0x11]
        case .status(let json): [0x81] + json
        case .ok: [0x82]
        case .stored(let id): [0x83] + id
        case .listing(let entries): [0x85] + BigEndian.bytes(UInt32(entries.count)) + entries.flatMap(\.encoded)
        case .fetchBegin(let id, let size): [0x86] + id + BigEndian.bytes(size)
        case .notify(let entry): [0x88] + entry.encoded
        case .card(let json): [0x89] + json
        case .receipt(let bytes): [0x8A] + bytes
        case .error(let code, let message): [0xFF, code.rawValue] + Array(message.utf8.prefix(1000))
        }
    }

    public init(decoding bytes: [UInt8]) throws(RelayError) {
        guard let type = bytes.first else { throw .protocolViolation("an empty record") }
        let body = Array(bytes.dropFirst())
        func need(_ count: Int) throws(RelayError) {
            guard body.count == count else { throw .protocolViolation(String(format: "message 0x%02x has %d body bytes, expected %d", type, body.count, count)) }
        }
        func address(_ slice: [UInt8]) throws(RelayError) -> Address {
            do { return try Address(bytes: slice) } catch { throw .protocolViolation("bad address") }
        }
        switch type {
        case 0x01: try need(0); self = .statusRequest
        case 0x02:
            try need(20 + 65)
            guard let signature = try? RecoverableSignature(bytes: Array(body[20...])) else { throw .protocolViolation("malformed login signature") }
            self = .login(address: try address(Array(body[..<20])), signature: signature)
        case 0x03: try need(20); self = .depositBegin(mailbox: try address(body))
        case 0x04:
            guard body.count > 20, body.count <= 20 + Self.maxDataPiece else { throw .protocolViolation("a whole deposit must hold 1 byte to 64 KiB") }
            self = .depositWhole(mailbox: try address(Array(body[..<20])), envelope: Array(body[20...]))
        case 0x05: try need(0); self = .list
        case 0x06: try need(16); self = .fetch(id: body)
        case 0x07: try need(16); self = .acknowledge(id: body)
        case 0x08: try need(0); self = .subscribe
        case 0x09: self = .publishCard(json: body)
        case 0x0A: try need(20); self = .lookupCard(address: try address(body))
        case 0x0B: try need(0); self = .ping
        case 0x0C: try need(16); self = .listAfter(id: body)
        case 0x10:
            guard body.count <= Self.maxDataPiece else { throw .protocolViolation("data record over 64 KiB") }
            self = .data(body)
        case 0x11: try need(0); self = .end
        case 0x81: self = .status(json: body)
        case 0x82: try need(0); self = .ok
        case 0x83: try need(16); self = .stored(id: body)
        case 0x85:
            guard body.count >= 4 else { throw .protocolViolation("short listing") }
            let count = Int(BigEndian.value(body[0..<4], as: UInt32.self))
            guard count <= Self.maxListing, body.count == 4 + count * MailboxEntry.byteCount else { throw .protocolViolation("malformed listing") }
            self = .listing((0..<count).map { MailboxEntry(body[(4 + $0 * MailboxEntry.byteCount)...].prefix(MailboxEntry.byteCount)) })
        case 0x86:
            try need(24)
            self = .fetchBegin(id: Array(body[..<16]), size: BigEndian.value(body[16..<24], as: UInt64.self))
        case 0x88: try need(MailboxEntry.byteCount); self = .notify(MailboxEntry(body[...]))
        case 0x89: self = .card(json: body)
        case 0x8A: try need(DeliveryReceipt.byteCount); self = .receipt(body)
        case 0xFF:
            guard let raw = body.first else { throw .protocolViolation("empty error") }
            self = .error(code: ErrorCode(rawValue: raw) ?? .internalError, message: String(decoding: body.dropFirst(), as: UTF8.self))
        default: throw .protocolViolation(String(format: "unknown message type 0x%02x", type))
        }
    }
}

/// One stored message as a mailbox listing shows it.
public struct MailboxEntry: Equatable, Sendable {
    public let id: [UInt8]
    public let size: UInt64
    /// When the relay stored it (Unix seconds).
    public let received: UInt64

    public static let byteCount = 16 + 8 + 8

    public init(id: [UInt8], size: UInt64, received: UInt64) {
        self.id = id
        self.size = size
        self.received = received
    }

    init(_ bytes: ArraySlice<UInt8>) {
        let base = bytes.startIndex
        id = Array(bytes[base..<(base + 16)])
        size = BigEndian.value(bytes[(base + 16)..<(base + 24)], as: UInt64.self)
        received = BigEndian.value(bytes[(base + 24)..<(base + 32)], as: UInt64.self)
    }

    var encoded: [UInt8] { id + BigEndian.bytes(size) + BigEndian.bytes(received) }
}
