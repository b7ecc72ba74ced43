import NIOCore
import NIOPosix

/// A session with another relay for passing onion layers on: the client half of the relay
/// protocol (handshake, then sealed records), run on one of this relay's event loops, so a
/// forward costs no thread of its own. It carries one layer at a time.
final class PeerSession: @unchecked Sendable {
    let endpoint: RelayEndpoint
    private let channel: any Channel
    private let answers: AnswerWaiter
    private let sender: RecordCipher
    private let receiver: RecordCipher
    /// For the connection and for each answer, as the blocking client has.
    static let timeout = TimeAmount.seconds(30)

    var eventLoop: any EventLoop { channel.eventLoop }

    private init(endpoint: RelayEndpoint, channel: any Channel, answers: AnswerWaiter, keys: RelayHandshake.Keys) {
        self.endpoint = endpoint
        self.channel = channel
        self.answers = answers
        sender = RecordCipher(key: keys.clientToRelay)
        receiver = RecordCipher(key: keys.relayToClient)
    }

    /// Connects on `eventLoop` and completes the handshake, which proves the peer's address.
    static func connect(to endpoint: RelayEndpoint, on eventLoop: any EventLoop) async throws -> PeerSession {
        let answers = AnswerWaiter()
        let maxRecord = RelayMessage.maxPlaintext + XChaCha20Poly1305.tagByteCount
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RecordFrameDecoder(maxRecord: maxRecord)))
                        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(RecordFrameEncoder()))
                        try channel.pipeline.syncOperations.addHandler(answers)
                    }
                }
                .connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            throw RelayError.connection("cannot connect to \(endpoint.host):\(endpoint.port): \(error)")
        }
        do {
            let ephemeral = PrivateKey.generate()
            let hello = RelayHandshake.clientHello(ephemeral: ephemeral)
            let serverHello = try await exchange(channel: channel, answers: answers, record: hello)
            let keys = try RelayHandshake.clientKeys(ephemeral: ephemeral, clientHello: hello, serverHello: serverHello, expected: endpoint.address)
            SessionKeyLog.append(keys)
            return PeerSession(endpoint: endpoint, channel: channel, answers: answers, keys: keys)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Hands the peer an onion layer sealed to it (in one record when it fits, else streamed)
    /// and returns the receipt it answers with, decoded but not yet checked against any address.
    func sendOnion(from source: ByteSource) async throws -> DeliveryReceipt {
        // One record is written to the socket before the next is taken: at most two pieces held.
        var records = DepositRecords(into: endpoint.address, from: source)
        var answer: [UInt8] = []
        while let record = try records.next() {
            if records.isFinished {
                answer = try await request(record)
            } else {
                try await write(record)
            }
        }
        return try RelayMessage(decoding: receiver.open(answer)).deliveryReceipt()
    }

    func close() {
        channel.close(promise: nil)
    }

    private func write(_ message: RelayMessage) async throws {
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: sender.seal(message.encoded))).get()
        } catch {
            throw RelayError.connection("the next relay closed the connection")
        }
    }

    private func request(_ message: RelayMessage) async throws -> [UInt8] {
        try await Self.exchange(channel: channel, answers: answers, record: sender.seal(message.encoded))
    }

    /// Writes `record` and waits for the one answer.
    private static func exchange(channel: any Channel, answers: AnswerWaiter, record: [UInt8]) async throws -> [UInt8] {
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        // The answer must find the request waiting: on the loop, before the write; from
        // elsewhere, queued ahead of the write, which is queued the same way.
        if channel.eventLoop.inEventLoop {
            answers.expect(promise, within: timeout)
        } else {
            channel.eventLoop.execute { answers.expect(promise, within: timeout) }
        }
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: record)).get()
            return Array(try await promise.futureResult.get().readableBytesView)
        } catch let error as RelayError {
            throw error
        } catch {
            throw RelayError.connection("the next relay closed the connection")
        }
    }
}

/// Completes the one request waiting on a peer session with the next record, or fails it when
/// the connection ends or the answer is late. Touched only on its channel's event loop.
final class AnswerWaiter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private var waiting: (EventLoopPromise<ByteBuffer>, Scheduled<Void>)?
    private var context: ChannelHandlerContext?
    private var ended = false

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func expect(_ promise: EventLoopPromise<ByteBuffer>, within timeout: TimeAmount) {
        guard !ended, let context else { return promise.fail(RelayError.connection("the next relay closed the connection")) }
        let timer = context.eventLoop.scheduleTask(in: timeout) { [self] in
            finish(with: .failure(RelayError.connection("the next relay did not answer in time")))
            self.context?.close(promise: nil)
        }
        waiting = (promise, timer)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard waiting != nil else {
            // A record nobody asked for: the peer is out of step.
            context.close(promise: nil)
            return
        }
        finish(with: .success(unwrapInboundIn(data)))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(with: .failure(RelayError.connection("the session with the next relay failed")))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ended = true
        finish(with: .failure(RelayError.connection("the next relay closed the connection")))
        context.fireChannelInactive()
    }

    private func finish(with result: Result<ByteBuffer, any Error>) {
        guard let (promise, timer) = waiting else { return }
        waiting = nil
        timer.cancel()
        promise.completeWith(result)
    }
}
