import Foundation

/// One TCP conversation of a capture, decoded while its segments stream by. Until one direction
/// shows a conet client hello it is undecided (and holds little: a conversation without a hello
/// is other traffic); then each direction is cut into records as soon as they are complete,
/// the handshake read, records decrypted with the key log's keys and handed to the sink. Damage
/// ends one direction with a precise problem, as far as the capture shows it.
final class CapturedConversation {
    enum Kind { case undecided, session, other }

    /// Position among the capture's conversations: the order a report lists sessions in.
    let number: Int
    private(set) var kind = Kind.undecided
    /// The packet last seen, for letting go of the conversation idle longest.
    private(set) var lastPacket: Int
    /// Whether both sides closed (FIN) or one reset: a late packet is then no news.
    var closed: Bool { sawReset || (fromFirst.closed && fromSecond.closed) }
    /// Whether the conversation is over and every byte of it in: it can be finished now, and
    /// let go, instead of at the capture's end.
    var isComplete: Bool { sawReset || (fromFirst.isComplete && fromSecond.isComplete) }

    /// The source of the first segment seen, and the other side.
    private let first: TCPEndpoint, second: TCPEndpoint
    private let fromFirst: TCPStreamReassembler, fromSecond: TCPStreamReassembler
    private var sawReset = false
    private let context: Context
    private var session: CapturedRelaySession?
    private var client: Side!, relay: Side!
    private var captureEnded = false

    /// What every conversation of one capture shares.
    struct Context {
        let keyLog: [String: SessionKeyLog.Entry]?
        let limits: CaptureLimits
        let budget: CaptureMemoryBudget
        unowned let sink: CaptureDecodingSink
    }

    /// One direction of a session: its stream and how far its records were decoded.
    private final class Side {
        /// "client" or "relay".
        let name: String
        let stream: TCPStreamReassembler
        var records = 0
        /// The hello's body (client side: for the transcript).
        var hello: [UInt8]?
        /// Damage was reported; nothing more is decoded or said.
        var done = false
        var cipher: RecordCipher?
        var sealed = false
        var transfer: CapturedEnvelopeTransfer?
        /// Whether an envelope went undescribed for the memory limit (said once).
        var refusalReported = false

        init(_ name: String, _ stream: TCPStreamReassembler) {
            self.name = name
            self.stream = stream
        }
    }

    static let largestRecord = RelayMessage.maxPlaintext + XChaCha20Poly1305.tagByteCount
    private static let clientHelloStart = [0, 0, 0, UInt8(RelayHandshake.clientHelloByteCount)] + RelayHandshake.magic

    init(number: Int, first segment: TCPSegment, context: Context) {
        self.number = number
        first = segment.source
        second = segment.destination
        lastPacket = segment.packet
        self.context = context
        fromFirst = TCPStreamReassembler(budget: context.budget, limit: context.limits.bytesPerDirection)
        fromSecond = TCPStreamReassembler(budget: context.budget, limit: context.limits.bytesPerDirection)
    }

    /// Takes in one segment of this conversation and decodes what it completes.
    func add(_ segment: TCPSegment) throws {
        lastPacket = segment.packet
        if segment.rst { sawReset = true }
        (segment.source == first ? fromFirst : fromSecond).add(segment)
        switch kind {
        case .undecided: try classify()
        case .session: try decode()
        case .other: break
        }
    }

    /// Decodes what is left as the capture ends (or as the conversation is let go) and reports
    /// each direction's end. - Parameter evictedAt: the packet at which a full table let it go.
    /// - Returns: whether it was a conet session.
    @discardableResult
    func finish(evictedAt packet: Int? = nil) throws -> Bool {
        guard kind == .session, session != nil else {
            kind = .other
            return false
        }
        captureEnded = true
        try decode()
        for side in [client!, relay!] where !side.done {
            let stream = side.stream
            if let gap = stream.finalGap() {
                report(gap.packet, "the \(side.name)'s stream misses \(gap.missing) bytes at offset \(gap.offset) (segments lost or not captured); records from there on (\(gap.skipped) captured bytes) are not decoded")
            } else if case .directionLimit(let offset, let packet, let limit) = stream.stop {
                report(packet, "the \(side.name)'s stream held more than \(limit) bytes it could not decode yet (at offset \(offset)); the rest of that direction is not decoded")
            } else if case .captureLimit(let offset, let packet, let limit) = stream.stop {
                report(packet, "the capture-wide limit of \(limit) bytes held at once was reached at offset \(offset) of the \(side.name)'s stream; the rest of that direction is not decoded")
            } else if stream.available > 0 {
                let length = stream.available >= 4 ? String(stream.u32(at: stream.start)) : "?"
                report(stream.mark(at: stream.start)?.packet, "the \(side.name)'s stream ends inside record \(side.records) at offset \(stream.start): \(max(0, stream.available - 4)) of \(length) bytes captured")
            }
        }
        if let packet, !closed {
            report(packet, "more than \(context.limits.conversations) TCP conversations were open at once: this one was let go at packet \(packet), and its later packets are not decoded")
        }
        var ended = session!
        ended.records = []
        session = nil
        try context.sink.sessionEnded(ended, session: number)
        return true
    }

    // MARK: deciding

    private enum HelloSign { case hello, notHello, unknown }

    /// Whether `stream` starts like a conet client: a 38-byte record opening with "CNRL".
    private func sign(_ stream: TCPStreamReassembler) -> HelloSign {
        if stream.available >= 8 {
            return stream.copy(stream.start..<(stream.start + 8)) == Self.clientHelloStart ? .hello : .notHello
        }
        return stream.isOpen && !captureEnded ? .unknown : .notHello
    }

    private func classify() throws {
        let signs = (sign(fromFirst), sign(fromSecond))
        if signs.0 == .hello || signs.1 == .hello {
            let firstIsClient = signs.0 == .hello
            let (clientEnd, relayEnd) = firstIsClient ? (first, second) : (second, first)
            session = CapturedRelaySession(client: clientEnd.description, relay: relayEnd.description)
            client = Side("client", firstIsClient ? fromFirst : fromSecond)
            relay = Side("relay", firstIsClient ? fromSecond : fromFirst)
            kind = .session
            try decode()
        } else if signs == (.notHello, .notHello) || max(fromFirst.held, fromSecond.held) > context.limits.bytesBeforeHello {
            kind = .other
        }
    }

    // MARK: decoding

    /// Whether a side's hello is as known as it will be: decoded, or never coming.
    private func settled(_ side: Side) -> Bool {
        side.records > 0 || side.done || !side.stream.isOpen || captureEnded
    }

    /// Cuts both directions into records as far as they go. The relay's hello is read after the
    /// client's (the transcript needs both) and the client's sealed records after the relay's
    /// hello (the keys need the transcript); a side that must wait holds its bytes, within its
    /// stream's limit.
    private func decode() throws {
        var progress = true
        while progress {
            progress = false
            if client.records == 0 { progress = try frame(client, upTo: 1) }
            if settled(client) { progress = try frame(relay, upTo: .max) || progress }
            if client.records > 0 && settled(relay) { progress = try frame(client, upTo: .max) || progress }
        }
    }

    /// Decodes the complete records at the front of `side`'s stream while it has fewer than
    /// `limit`. - Returns: whether any was decoded.
    private func frame(_ side: Side, upTo limit: Int) throws -> Bool {
        let stream = side.stream
        var progress = false
        while !side.done, side.records < limit, stream.available >= 4 {
            let offset = stream.start
            let length = Int(stream.u32(at: offset))
            guard length > 0, length <= Self.largestRecord else {
                report(stream.mark(at: offset)?.packet, "the \(side.name)'s record \(side.records) at stream offset \(offset) claims \(length) bytes (outside 1...\(Self.largestRecord)); the rest of that direction is not decoded")
                side.done = true
                stream.abandon()
                break
            }
            guard stream.available >= 4 + length else { break }
            let mark = stream.mark(at: offset + 3 + length)
            let body = stream.copy((offset + 4)..<(offset + 4 + length))
            stream.consume(4 + length)
            var record = CapturedRelaySession.Record(
                from: side.name, index: side.records, packet: mark?.packet ?? 0, time: mark?.time ?? 0, offset: offset, size: length,
                kind: side.records == 0 ? "hello" : "sealed", body: body)
            side.records += 1
            if record.index == 0 {
                hello(record, side: side)
            } else {
                open(&record, side: side)
            }
            try context.sink.record(record, session: number)
            progress = true
        }
        return progress
    }

    /// Reads a hello: the client's key; the relay's keys and challenge, and with both hellos the
    /// transcript, by which the key log names the session's keys.
    private func hello(_ record: CapturedRelaySession.Record, side: Side) {
        side.hello = record.body
        if side === client {
            if let key = try? RelayHandshake.parseClientHello(record.body) {
                session?.clientKey = "0x" + Hex.encode(key.compressed)
            } else {
                report(record.packet, "the client hello is malformed")
            }
            return
        }
        do {
            let hello = try RelayHandshake.parseServerHello(record.body)
            session?.relayKey = "0x" + Hex.encode(hello.relayKey.compressed)
            session?.relayAddress = hello.relayKey.address.checksummed
            session?.challenge = Hex.encode(hello.challenge)
        } catch {
            report(record.packet, "the relay's hello is malformed: \(error.localizedDescription)")
            return
        }
        guard let clientHello = client.hello else { return }
        let transcript = Hex.encode(RelayHandshake.transcript(clientHello: clientHello, serverHello: record.body))
        session?.transcript = transcript
        guard let keyLog = context.keyLog else { return }
        guard let keys = keyLog[transcript] else {
            report(nil, "the key log has no keys for this session (transcript \(transcript))")
            return
        }
        session?.decrypted = true
        client.cipher = RecordCipher(key: keys.clientToRelay)
        relay.cipher = RecordCipher(key: keys.relayToClient)
    }

    /// Decrypts a sealed record in its direction's order, names it, and decodes the envelope
    /// that a deposit (client) or a fetch (relay) carries once its last piece is in.
    private func open(_ record: inout CapturedRelaySession.Record, side: Side) {
        guard let cipher = side.cipher, !side.sealed else { return }
        guard let plaintext = try? cipher.open(record.body) else {
            report(record.packet, "the \(side.name)'s record \(record.index) does not open with the logged keys (altered, dropped or reordered); the rest of that direction stays sealed")
            side.sealed = true
            side.transfer = nil
            return
        }
        record.plaintext = plaintext
        let message: RelayMessage
        do { message = try RelayMessage(decoding: plaintext) } catch {
            record.command = "unknown"
            record.summary = error.localizedDescription
            return
        }
        (record.command, record.summary) = CapturedRelaySession.describe(message)
        switch message {
        case .depositBegin, .fetchBegin:
            side.transfer = CapturedEnvelopeTransfer(budget: context.budget)
        case .data(let bytes):
            side.transfer?.add(bytes)
        case .end:
            if let transfer = side.transfer { record.envelope = describe(transfer, record: record, side: side) }
            side.transfer = nil
        case .depositWhole(_, let envelope):
            let whole = CapturedEnvelopeTransfer(budget: context.budget)
            whole.add(envelope)
            record.envelope = describe(whole, record: record, side: side)
        default:
            break
        }
    }

    private func describe(_ transfer: CapturedEnvelopeTransfer, record: CapturedRelaySession.Record, side: Side) -> EnvelopeInspection? {
        if transfer.refused && !side.refusalReported {
            side.refusalReported = true
            report(record.packet, "the envelope that the \(record.from)'s record \(record.index) ends is not decoded (nor later ones of that side that meet the same limit): the capture-wide limit of \(context.budget.limit) bytes held at once was reached")
        }
        return transfer.inspection()
    }

    private func report(_ packet: Int?, _ message: String) {
        session?.problems.append(CaptureProblem(packet: packet, message))
    }
}
