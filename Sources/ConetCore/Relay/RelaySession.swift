import Foundation
import Logging
import NIOCore

/// One client connection on the relay: the handshake, then requests until the client leaves, a
/// limit is hit or a record fails. Everything the relay knows about the client is its connection
/// address and, after a login, its mailbox address.
struct RelaySession {
    let identity: PrivateKey
    let configuration: RelayConfiguration
    let store: any MailboxStore
    let stagingFolder: URL
    let hub: SubscriptionHub
    let status: @Sendable () -> [UInt8]
    let logger: Logger
    let peers: PeerLinks
    let replays: ReplayGuard
    let forwardedLayers: ForwardedLayerLog
    /// The connection's event loop: sessions with other relays for this one's layers run there.
    let eventLoop: any EventLoop
    /// The remote address as the connection table counts it (an IPv6 /64), for per-address limits.
    var source = "unknown"
    /// The relay-wide budget for bytes of deposits being received.
    var uploads = UploadBudget(limit: .max)

    typealias Inbound = NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator

    /// How far ahead of this relay's clock a message may be dated.
    static let clockSkew: TimeInterval = 300

    /// Serialises writes: answers from the request loop and pushes from a subscription. Records
    /// are numbered when sealed, so they must reach the socket in sealing order: a send that
    /// finds another one writing leaves its record in the queue that one drains, instead of
    /// awaiting a write of its own (actor re-entrancy would let a later record overtake it).
    ///
    /// The actor runs on the channel's event loop. NIO hands a write made on the loop to the
    /// channel at once, but queues one made from another thread behind the loop's work; with the
    /// request loop on the event loop and a subscription's task on the cooperative pool, a
    /// notification written first could reach the socket after a later answer, and the client
    /// would see an out-of-order record and close the session.
    actor Writer {
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        let cipher: RecordCipher
        private let eventLoop: any EventLoop
        private var queued: [ByteBuffer] = []
        private var writing = false

        init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, cipher: RecordCipher, eventLoop: any EventLoop) {
            self.outbound = outbound
            self.cipher = cipher
            self.eventLoop = eventLoop
        }

        nonisolated var unownedExecutor: UnownedSerialExecutor {
            eventLoop.executor.asUnownedSerialExecutor()
        }

        func send(_ message: RelayMessage) async throws {
            queued.append(ByteBuffer(bytes: cipher.seal(message.encoded)))
            guard !writing else { return }
            writing = true
            defer { writing = false }
            while !queued.isEmpty {
                let batch = queued
                queued.removeAll()
                try await outbound.write(contentsOf: batch)
            }
        }
    }

    func run(inbound: inout Inbound, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, handshakeDone: @Sendable () -> Void) async throws {
        guard let first = try await inbound.next() else { return }
        let hello = Array(first.readableBytesView)
        let clientKey = try RelayHandshake.parseClientHello(hello)
        let ephemeral = PrivateKey.generate()
        let challenge = SecureRandom.bytes(32)
        let serverHello = RelayHandshake.serverHello(relay: identity.publicKey, ephemeral: ephemeral, challenge: challenge)
        try await outbound.write(ByteBuffer(bytes: serverHello))
        let keys = RelayHandshake.relayKeys(
            relay: identity, ephemeral: ephemeral, clientKey: clientKey, clientHello: hello, serverHello: serverHello)
        handshakeDone()
        SessionKeyLog.append(keys)
        let receive = RecordCipher(key: keys.clientToRelay)
        let writer = Writer(outbound: outbound, cipher: RecordCipher(key: keys.relayToClient), eventLoop: eventLoop)
        var limiter = RateLimiter(perSecond: configuration.recordsPerSecond)
        var owner: Address?
        var subscription: (Address, Int, Task<Void, Never>)?
        defer {
            if let (mailbox, id, task) = subscription {
                task.cancel()
                hub.unsubscribe(mailbox, id: id)
            }
        }

        func nextMessage() async throws -> RelayMessage? {
            guard let buffer = try await inbound.next() else { return nil }
            await limiter.wait()
            return try RelayMessage(decoding: receive.open(Array(buffer.readableBytesView)))
        }

        while let message = try await nextMessage() {
            switch message {
            case .statusRequest:
                try await writer.send(.status(json: status()))
            case .login(let address, let signature):
                let signed = RelayHandshake.loginMessage(relay: identity.address, keys: keys)
                // A session speaks for one mailbox: a second login as someone else is refused
                // (the same wallet again changes nothing).
                if let owner, owner != address {
                    try await writer.send(refusal(.forbidden, "this session is already logged in as \(owner)"))
                    continue
                }
                guard PersonalMessage.verify(signed, signature: signature, address: address) else {
                    try await writer.send(.error(code: .forbidden, message: "the login signature is not \(address)'s over this session"))
                    return
                }
                owner = address
                try await writer.send(.ok)
            case .depositBegin(let mailbox):
                let answer = try await receiveDeposit(into: mailbox, loggedIn: owner != nil, next: nextMessage)
                logIfRefused(answer, mailbox: mailbox)
                try await writer.send(answer)
                if case .error = answer { return }
            case .depositWhole(let mailbox, let envelope):
                var upload = try DepositUpload(staging: stagingFolder, inlineLimit: configuration.inlineLimit)
                let answer: RelayMessage
                if envelope.count > configuration.maxMessageBytes {
                    answer = .error(code: .tooLarge, message: "the message is over this relay's \(configuration.maxMessageBytes)-byte limit")
                } else {
                    try upload.append(envelope)
                    answer = try await finish(upload, mailbox: mailbox, loggedIn: owner != nil)
                }
                // A refused whole deposit leaves the session in step, so it may go on.
                logIfRefused(answer, mailbox: mailbox)
                try await writer.send(answer)
            case .list, .listAfter:
                guard let owner else { try await writer.send(.error(code: .notLoggedIn, message: "log in to list a mailbox")); continue }
                var after: [UInt8]?
                if case .listAfter(let id) = message { after = id }
                try await writer.send(.listing(try await store.list(mailbox: owner, limit: RelayMessage.maxListing, after: after)))
            case .fetch(let id):
                guard let owner else { try await writer.send(.error(code: .notLoggedIn, message: "log in to fetch")); continue }
                guard let body = try await store.body(id: id, mailbox: owner) else {
                    try await writer.send(.error(code: .notFound, message: "no message \(Hex.encode(id)) in this mailbox"))
                    continue
                }
                try await send(body, id: id, through: writer)
            case .acknowledge(let id):
                guard let owner else { try await writer.send(.error(code: .notLoggedIn, message: "log in to acknowledge")); continue }
                if try await store.delete(id: id, mailbox: owner) {
                    logger.debug("acknowledged", metadata: ["mailbox": "\(owner)", "id": "\(Hex.encode(id))"])
                    try await writer.send(.ok)
                } else {
                    try await writer.send(.error(code: .notFound, message: "no message \(Hex.encode(id)) in this mailbox"))
                }
            case .subscribe:
                guard let owner else { try await writer.send(.error(code: .notLoggedIn, message: "log in to subscribe")); continue }
                if subscription == nil {
                    let (id, stream) = hub.subscribe(owner)
                    let task = Task {
                        for await entry in stream { try? await writer.send(.notify(entry)) }
                    }
                    subscription = (owner, id, task)
                }
                try await writer.send(.ok)
            case .publishCard(let json):
                guard json.count <= Card.maxSize, let card = try? Card(json: Data(json)) else {
                    try await writer.send(.error(code: .badRequest, message: "not a card"))
                    continue
                }
                do { try card.verify() } catch {
                    try await writer.send(.error(code: .invalidMessage, message: error.localizedDescription))
                    continue
                }
                try await store.putCard(address: card.address, json: json)
                logger.info("card published", metadata: ["address": "\(card.address)"])
                try await writer.send(.ok)
            case .lookupCard(let address):
                if let json = try await store.card(address: address) {
                    try await writer.send(.card(json: json))
                } else {
                    try await writer.send(.error(code: .notFound, message: "no card for \(address) on this relay"))
                }
            case .ping:
                try await writer.send(.ok)
            default:
                throw RelayError.protocolViolation("unexpected message from a client")
            }
        }
    }

    /// Receives a streamed envelope, checks it, and stores it durably before answering.
    private func receiveDeposit(
        into mailbox: Address, loggedIn: Bool, next: () async throws -> RelayMessage?
    ) async throws -> RelayMessage {
        var upload = try DepositUpload(staging: stagingFolder, inlineLimit: configuration.inlineLimit)
        var tooLarge = false, overBudget = false
        // Staged bytes count against the relay-wide upload budget until the deposit is answered.
        var reserved = 0
        defer { uploads.release(reserved) }
        while true {
            guard let message = try await next() else { throw RelayError.connection("the client left during a deposit") }
            switch message {
            case .data(let piece):
                if upload.size + piece.count > configuration.maxMessageBytes { tooLarge = true }
                if !tooLarge && !overBudget {
                    if uploads.reserve(piece.count) { reserved += piece.count } else { overBudget = true }
                }
                if !tooLarge && !overBudget { try upload.append(piece) }
            case .end:
                if tooLarge {
                    return .error(code: .tooLarge, message: "the message is over this relay's \(configuration.maxMessageBytes)-byte limit")
                }
                if overBudget {
                    return .error(code: .busy, message: "this relay is receiving too much at once; try again later")
                }
                return try await finish(upload, mailbox: mailbox, loggedIn: loggedIn)
            default:
                throw RelayError.protocolViolation("a deposit must continue with data or end")
            }
        }
    }

    func finish(_ upload: DepositUpload, mailbox: Address, loggedIn: Bool) async throws -> RelayMessage {
        let header: EnvelopeHeader
        do {
            header = try EnvelopeHeader.read(from: MemorySource(upload.prefix))
        } catch {
            return .error(code: .invalidMessage, message: "not a conet message: \(error.localizedDescription)")
        }
        guard upload.size >= header.byteCount + 2 * SecretStreamEncryptor.chunkOverhead + EnvelopeTrailer.byteCount + 1 else {
            return .error(code: .invalidMessage, message: "the message is truncated")
        }
        if configuration.stampBits > 0 && !loggedIn && header.stampWork() < configuration.stampBits {
            return .error(code: .stampRequired, message: "anonymous deposits need a stamp of \(configuration.stampBits) bits (this one has \(header.stampWork()))")
        }
        let now = Date()
        let expires = min(header.expires, now.addingTimeInterval(configuration.maxTTL))
        guard expires > now else { return .error(code: .invalidMessage, message: "the message expired at \(TimeText.format(header.expires))") }
        guard header.created <= now.addingTimeInterval(Self.clockSkew) else {
            return .error(code: .invalidMessage, message: "the message is dated in the future (\(TimeText.format(header.created)))")
        }
        if mailbox == identity.address {
            return try await route(upload, header: header, expires: expires)
        }
        let deposit = try upload.deposit(id: header.messageID, mailbox: mailbox, received: now, expires: expires)
        do {
            try await store.commit(deposit, quota: configuration.quota)
        } catch let error as MailboxStoreError {
            switch error {
            case .quotaExceeded, .storeFull: return .error(code: .quotaExceeded, message: error.localizedDescription)
            case .duplicate: return .error(code: .replayed, message: error.localizedDescription)
            case .storage: return .error(code: .internalError, message: error.localizedDescription)
            }
        }
        logger.debug("stored", metadata: ["mailbox": "\(mailbox)", "id": "\(Hex.encode(header.messageID))", "bytes": "\(upload.size)"])
        let entry = MailboxEntry(id: header.messageID, size: UInt64(upload.size), received: UInt64(now.timeIntervalSince1970))
        hub.publish(entry, to: mailbox)
        return .stored(id: header.messageID)
    }

    /// An error answer, logged with its reason (a relay operator sees every refusal).
    func refusal(_ code: RelayMessage.ErrorCode, _ message: String) -> RelayMessage {
        logger.info("refused", metadata: ["code": "\(code)", "reason": "\(message)"])
        return .error(code: code, message: message)
    }

    private func logIfRefused(_ answer: RelayMessage, mailbox: Address) {
        guard case .error(let code, let message) = answer else { return }
        logger.info("deposit refused", metadata: ["mailbox": "\(mailbox)", "code": "\(code)", "reason": "\(message)"])
    }

    private func send(_ body: StoredBody, id: [UInt8], through writer: Writer) async throws {
        switch body {
        case .inline(let bytes):
            try await writer.send(.fetchBegin(id: id, size: UInt64(bytes.count)))
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + RelayMessage.maxDataPiece)
                try await writer.send(.data(Array(bytes[offset..<end])))
                offset = end
            }
        case .file(let url, let size):
            // A body that cannot be opened is refused in step, so the session (and the rest of
            // the mailbox) stays usable.
            guard let source = try? FileDescriptorSource(path: url.path) else {
                logger.error("stored body missing", metadata: ["id": "\(Hex.encode(id))"])
                try await writer.send(.error(code: .internalError, message: "message \(Hex.encode(id)) cannot be read on this relay"))
                return
            }
            try await writer.send(.fetchBegin(id: id, size: UInt64(size)))
            var sent = 0
            while sent < size {
                let piece = try source.read(upTo: RelayMessage.maxDataPiece)
                guard !piece.isEmpty else { throw RelayError.connection("stored body \(Hex.encode(id)) is shorter than its record") }
                try await writer.send(.data(piece))
                sent += piece.count
            }
        }
        try await writer.send(.end)
    }
}

/// An envelope arriving in pieces: kept in memory while small, spilled to a staged file (fsynced
/// before the index row commits) once it grows past the inline limit.
struct DepositUpload: @unchecked Sendable {
    let staging: URL
    let inlineLimit: Int
    private(set) var size = 0
    private var memory: [UInt8] = []
    private var file: StagedFile?
    /// The first bytes, enough for the envelope header.
    private(set) var prefix: [UInt8] = []

    init(staging: URL, inlineLimit: Int) throws {
        self.staging = staging
        self.inlineLimit = inlineLimit
    }

    mutating func append(_ piece: [UInt8]) throws {
        size += piece.count
        if prefix.count < 8192 { prefix += piece.prefix(8192 - prefix.count) }
        if let file {
            try file.write(piece)
            return
        }
        memory += piece
        if memory.count > inlineLimit {
            let staged = try StagedFile(destination: staging.appendingPathComponent("upload"), mode: 0o600)
            try staged.write(memory)
            memory = []
            file = staged
        }
    }

    /// Whether the upload stayed in memory (it is small) rather than in a staged file.
    var isInMemory: Bool { file == nil }

    /// The bytes received so far, from the start (for opening or passing on an onion layer).
    func source() throws -> ByteSource {
        if let file { return try FileDescriptorSource(path: file.temporaryPath) }
        return MemorySource(memory)
    }

    func deposit(id: [UInt8], mailbox: Address, received: Date, expires: Date) throws -> Deposit {
        // A spilled body is fsynced here; the store renames it in before its row commits.
        let body = try file.map { Deposit.Body.file(try $0.detach()) } ?? .inline(memory)
        return Deposit(id: id, mailbox: mailbox, size: size, received: received, expires: expires, body: body)
    }
}

/// Slows a connection that sends more than `perSecond` records in a second.
struct RateLimiter {
    let perSecond: Int
    private var windowStart = ContinuousClock.now
    private var count = 0

    init(perSecond: Int) { self.perSecond = perSecond }

    mutating func wait() async {
        count += 1
        guard count > perSecond else { return }
        let elapsed = ContinuousClock.now - windowStart
        if elapsed < .seconds(1) { try? await Task.sleep(for: .seconds(1) - elapsed) }
        windowStart = ContinuousClock.now
        count = 0
    }
}
