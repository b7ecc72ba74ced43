import Foundation

/// A blocking client session with one relay: connect, handshake (checking the relay's address),
/// then requests. Used by `conet send/recv --relay` and the tests; one thread at a time.
public final class RelayClient: @unchecked Sendable {
    public let endpoint: RelayEndpoint
    public let keys: RelayHandshake.Keys
    private let socket: Int32
    private let sender: RecordCipher
    private let receiver: RecordCipher
    private var readBuffer: [UInt8] = []
    /// Set when a pushed notification was skipped while waiting for an answer; a follower then
    /// lists again instead of waiting for the next push.
    public var missedNotification = false

    /// Connects and completes the handshake.
    /// - Parameter timeout: for the connection and for each reply.
    public init(endpoint: RelayEndpoint, timeout: TimeInterval = 30) throws {
        self.endpoint = endpoint
        socket = try Self.connect(host: endpoint.host, port: endpoint.port, timeout: timeout)
        do {
            let ephemeral = PrivateKey.generate()
            let hello = RelayHandshake.clientHello(ephemeral: ephemeral)
            try Self.writeFrame(socket, hello)
            var buffer: [UInt8] = []
            let serverHello = try Self.readFrame(socket, buffer: &buffer)
            keys = try RelayHandshake.clientKeys(ephemeral: ephemeral, clientHello: hello, serverHello: serverHello, expected: endpoint.address)
            readBuffer = buffer
        } catch {
            close(socket)
            throw error
        }
        SessionKeyLog.append(keys)
        sender = RecordCipher(key: keys.clientToRelay)
        receiver = RecordCipher(key: keys.relayToClient)
    }

    deinit { close(socket) }

    // MARK: requests

    /// The relay's status document (JSON).
    public func status() throws -> [UInt8] {
        try send(.statusRequest)
        guard case .status(let json) = try expectAnswer() else { throw unexpected("status") }
        return json
    }

    /// Proves ownership of `key`'s address for this session.
    public func login(_ key: PrivateKey) throws {
        let message = RelayHandshake.loginMessage(relay: endpoint.address, keys: keys)
        try send(.login(address: key.publicKey.address, signature: PersonalMessage.sign(message, with: key)))
        guard case .ok = try expectAnswer() else { throw unexpected("login") }
    }

    /// Streams an envelope into `mailbox`: `produce` writes it through the given function.
    /// - Returns: the message id, once the relay has stored it durably.
    public func deposit(into mailbox: Address, produce: (_ write: @escaping @Sendable ([UInt8]) throws -> Void) throws -> Void) throws -> [UInt8] {
        guard case .stored(let id) = try upload(into: mailbox, produce: produce) else { throw unexpected("deposit") }
        return id
    }

    /// Deposits an envelope read from `source`: in one record when it fits, else streamed.
    public func deposit(into mailbox: Address, from source: ByteSource) throws -> [UInt8] {
        guard case .stored(let id) = try upload(into: mailbox, from: source) else { throw unexpected("deposit") }
        return id
    }

    /// Hands this relay an onion layer (an envelope sealed to its own wallet, deposited into its
    /// own address). The relay answers once the message is stored at the end of the path.
    /// - Returns: the mailbox relay's receipt, not yet checked against any address.
    public func sendOnion(produce: (_ write: @escaping @Sendable ([UInt8]) throws -> Void) throws -> Void) throws -> DeliveryReceipt {
        try upload(into: endpoint.address, produce: produce).deliveryReceipt()
    }

    /// `sendOnion` for a layer read from `source` (a relay passing a layer on).
    public func sendOnion(from source: ByteSource) throws -> DeliveryReceipt {
        try upload(into: endpoint.address, from: source).deliveryReceipt()
    }

    private func upload(into mailbox: Address, produce: (_ write: @escaping @Sendable ([UInt8]) throws -> Void) throws -> Void) throws -> RelayMessage {
        try send(.depositBegin(mailbox: mailbox))
        // Pieces are gathered into full data records: a 64 KiB chunk plus its 17-byte tag would
        // otherwise cost two records.
        let pending = PendingData()
        try produce { [self] bytes in
            pending.bytes += bytes
            var offset = 0
            while pending.bytes.count - offset >= RelayMessage.maxDataPiece {
                try send(.data(Array(pending.bytes[offset..<(offset + RelayMessage.maxDataPiece)])))
                offset += RelayMessage.maxDataPiece
            }
            pending.bytes.removeFirst(offset)
        }
        if !pending.bytes.isEmpty { try send(.data(pending.bytes)) }
        try send(.end)
        return try expectAnswer()
    }

    private func upload(into mailbox: Address, from source: ByteSource) throws -> RelayMessage {
        var records = DepositRecords(into: mailbox, from: source)
        while let record = try records.next() { try send(record) }
        return try expectAnswer()
    }

    /// Every waiting message, page after page (a mailbox may hold more than one listing message).
    /// - Parameter maxEntries: stop after this many (a relay could otherwise page forever).
    public func list(maxEntries: Int = 100_000) throws -> [MailboxEntry] {
        var entries: [MailboxEntry] = []
        var seen = Set<[UInt8]>()
        while entries.count < maxEntries {
            try send(entries.last.map { .listAfter(id: $0.id) } ?? .list)
            guard case .listing(let page) = try expectAnswer() else { throw unexpected("list") }
            // A relay repeating an entry is not trusted to page on.
            let fresh = page.filter { seen.insert($0.id).inserted }
            entries += fresh
            guard page.count == RelayMessage.maxListing, fresh.count == page.count else { break }
        }
        return entries
    }

    /// Starts fetching a message; read it from the returned source to its end before the next request.
    /// - Parameter maxBytes: a message the relay announces as larger is refused (the session
    ///   ends): a relay could otherwise keep a reader draining a failed message for ever.
    public func fetch(_ id: [UInt8], maxBytes: UInt64 = .max) throws -> ByteSource {
        try send(.fetch(id: id))
        guard case .fetchBegin(let sent, let size) = try expectAnswer() else { throw unexpected("fetch") }
        guard sent == id else { throw RelayError.protocolViolation("asked for message \(Hex.encode(id)), the relay began \(Hex.encode(sent))") }
        guard size <= maxBytes else {
            throw RelayError.protocolViolation("the relay announces message \(Hex.encode(id)) as \(size) bytes, over the \(maxBytes)-byte limit")
        }
        return FetchSource(client: self, size: size)
    }

    public func acknowledge(_ id: [UInt8]) throws {
        try send(.acknowledge(id: id))
        guard case .ok = try expectAnswer() else { throw unexpected("acknowledge") }
    }

    public func subscribe() throws {
        try send(.subscribe)
        guard case .ok = try expectAnswer() else { throw unexpected("subscribe") }
    }

    /// Waits up to `timeout` for a pushed notification; nil on timeout.
    public func nextNotification(timeout: TimeInterval) throws -> MailboxEntry? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0, try Self.waitReadable(socket, buffered: !readBuffer.isEmpty, timeout: left) else { return nil }
            switch try receive() {
            case .notify(let entry): return entry
            case .error(let code, let message): throw RelayError.refused(code: code.rawValue, message: message)
            default: throw unexpected("notification")
            }
        }
    }

    /// Keeps a quiet session open, and waits for the answer: left unread, it would be taken for
    /// the answer to the next request. A notification arriving meanwhile sets `missedNotification`.
    public func ping() throws {
        try send(.ping)
        guard case .ok = try expectAnswer() else { throw unexpected("ping") }
    }

    public func publishCard(_ card: Card) throws {
        try send(.publishCard(json: [UInt8](card.jsonData())))
        guard case .ok = try expectAnswer() else { throw unexpected("publish") }
    }

    /// The card the relay holds for `address`, verified (signature, key, expiry) before it is returned.
    public func lookupCard(_ address: Address) throws -> Card {
        try send(.lookupCard(address: address))
        guard case .card(let json) = try expectAnswer() else { throw unexpected("card lookup") }
        let card: Card
        do { card = try Card(json: Data(json)) } catch { throw RelayError.protocolViolation("the relay sent a malformed card: \(error.localizedDescription)") }
        try card.verify()
        guard card.address == address else { throw CardError.forged("the relay answered for \(address) with the card of \(card.address)") }
        return card
    }

    // MARK: records

    /// Sends one message as is: for tools and tests that speak the protocol directly.
    public func send(_ message: RelayMessage) throws {
        try Self.writeFrame(socket, sender.seal(message.encoded))
    }

    func receive() throws -> RelayMessage {
        try RelayMessage(decoding: receiver.open(Self.readFrame(socket, buffer: &readBuffer)))
    }

    /// The next answer, skipping pushed notifications; a relay error becomes `RelayError.refused`.
    public func expectAnswer() throws -> RelayMessage {
        while true {
            let message = try receive()
            if case .notify = message {
                missedNotification = true
                continue
            }
            if case .error(let code, let text) = message { throw RelayError.refused(code: code.rawValue, message: text) }
            return message
        }
    }

    private func unexpected(_ request: String) -> RelayError {
        .protocolViolation("unexpected answer to \(request)")
    }

    // MARK: sockets

    static func connect(host: String, port: Int, timeout: TimeInterval) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw RelayError.connection("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = Foundation.socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var result = Foundation.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen)
            if result != 0 && errno == EINPROGRESS {
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&poller, 1, Int32(timeout * 1000)) == 1 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    result = error == 0 ? 0 : -1
                    errno = error
                } else {
                    errno = ETIMEDOUT
                }
            }
            if result == 0 {
                _ = fcntl(fd, F_SETFL, flags)
                var seconds = timeval(tv_sec: Int(timeout), tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            lastError = String(cString: strerror(errno))
            close(fd)
        }
        throw RelayError.connection("cannot connect to \(host):\(port): \(lastError)")
    }

    static func writeFrame(_ fd: Int32, _ body: [UInt8]) throws {
        do {
            try FileDescriptorWriter(descriptor: fd, name: "the relay").write(BigEndian.bytes(UInt32(body.count)) + body)
        } catch {
            throw RelayError.connection("the relay closed the connection (\(error.localizedDescription))")
        }
    }

    static func readFrame(_ fd: Int32, buffer: inout [UInt8]) throws -> [UInt8] {
        let maxRecord = RelayMessage.maxPlaintext + XChaCha20Poly1305.tagByteCount + 4096
        func fill(_ count: Int) throws {
            while buffer.count < count {
                var n = 0
                // Uninitialized: recv fills it, and only what it filled is kept.
                let chunk = [UInt8](unsafeUninitializedCapacity: max(65536, count - buffer.count)) { space, filled in
                    n = Foundation.recv(fd, space.baseAddress, space.count, 0)
                    filled = max(0, n)
                }
                if n > 0 {
                    buffer += chunk
                } else if n == 0 {
                    throw RelayError.connection("the relay closed the connection")
                } else if errno != EINTR {
                    throw RelayError.connection(errno == EAGAIN ? "the relay did not answer in time" : String(cString: strerror(errno)))
                }
            }
        }
        try fill(4)
        let length = Int(BigEndian.value(buffer[0..<4], as: UInt32.self))
        guard length > 0, length <= maxRecord else { throw RelayError.protocolViolation("record length \(length) out of range") }
        try fill(4 + length)
        let frame = Array(buffer[4..<(4 + length)])
        buffer.removeFirst(4 + length)
        return frame
    }

    static func waitReadable(_ fd: Int32, buffered: Bool, timeout: TimeInterval) throws -> Bool {
        if buffered { return true }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(max(1, timeout * 1000)))
        return ready == 1
    }
}

/// Bytes written to a deposit and not yet sent as a full data record.
private final class PendingData: @unchecked Sendable {
    var bytes: [UInt8] = []
}

/// The bytes of one fetched message, pulled record by record from the session.
final class FetchSource: ByteSource {
    private let client: RelayClient
    private var remaining: UInt64
    private var pending: [UInt8] = []
    private var ended = false

    init(client: RelayClient, size: UInt64) {
        self.client = client
        remaining = size
    }

    func read(upTo count: Int) throws -> [UInt8] {
        while pending.isEmpty && !ended {
            switch try client.expectAnswer() {
            case .data(let piece):
                guard UInt64(piece.count) <= remaining else { throw RelayError.protocolViolation("the relay sent more than the message size") }
                remaining -= UInt64(piece.count)
                pending = piece
            case .end:
                guard remaining == 0 else { throw RelayError.protocolViolation("the relay ended a message early") }
                ended = true
            default:
                throw RelayError.protocolViolation("unexpected record inside a fetched message")
            }
        }
        let taken = Array(pending.prefix(count))
        pending.removeFirst(taken.count)
        return taken
    }
}
