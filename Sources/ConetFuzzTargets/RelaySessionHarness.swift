#if DEBUG || CONET_FUZZ
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
@testable import ConetCore

/// Runs one relay session in-process for the relay-session target: the relay side is the relay's
/// own `RelaySession` on a NIO event loop, fed through NIO's testing inbound stream and answering
/// into its testing writer, so no socket, no framing and no scheduling between processes stand
/// between the fuzzer and the session's logic; the client side is played here, on the same loop.
///
/// What outlives an input is made once (the event loop, the peer links' thread pool, the staging
/// folder); what a session could leave behind is made anew or emptied per input (the store, the
/// replay memory, the subscription hub), so that an input's outcome depends on that input.
final class RelaySessionHarness: @unchecked Sendable {
    static let shared = RelaySessionHarness()

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let store = InMemoryMailboxStore()
    private let peers: PeerLinks
    private let forwardedLayers: ForwardedLayerLog
    private let logger = Logger(label: "conet.fuzz.relay") { _ in SwiftLogNoOpLogHandler() }
    private let staging: URL
    /// The relay's own card, which a relay keeps in its store (clients building a path look it up).
    private let relayCard: [UInt8]

    private init() {
        peers = PeerLinks(store: store, threads: 1)
        forwardedLayers = ForwardedLayerLog(store: store, logger: logger)
        staging = DepositRecordsTarget.staging
        // Port 1 on loopback: were a layer ever forwarded to this card's relay, the connection
        // would be refused at once (the relay refuses a layer sent back to itself anyway).
        let relay = FuzzKeys.relay
        let card = try! Card.make(key: relay, mailbox: "\(relay.address.checksummed)@127.0.0.1:1", created: FuzzKeys.seedCreated, expires: nil)
        relayCard = [UInt8](card.jsonData())
        // Stopped at exit, so that LeakSanitizer's check at exit finds the pool's queue freed
        // rather than held where it cannot see it (see Fuzz/Options/relay-session.flags).
        atexit { RelaySessionHarness.shared.shutdown() }
    }

    /// Stops the peer links' thread pool and the event loop.
    func shutdown() {
        peers.shutdown()
        try? group.syncShutdownGracefully()
    }

    func run(_ steps: [RelaySessionTarget.Step], stamps: Bool, tinyLimits: Bool) {
        var configuration = RelayConfiguration()
        configuration.inlineLimit = 32 << 10
        if stamps { configuration.stampBits = 8 }
        if tinyLimits {
            configuration.maxMessageBytes = 2 << 10
            configuration.quota = MailboxQuota(maxBytes: 4 << 10, maxCount: 2)
            configuration.storeMaxBytes = 8 << 10
        }
        // Both sides run on the event loop's thread, as a relay's session does, so the caller's
        // wait never holds up a thread of the cooperative pool that the session might need.
        let loop = group.next()
        let finished = DispatchSemaphore(value: 0)
        Task(executorPreference: EventLoopTaskExecutor(loop)) { [self] in
            await session(steps, configuration: configuration, loop: loop)
            finished.signal()
        }
        finished.wait()
    }

    private func session(_ steps: [RelaySessionTarget.Step], configuration: RelayConfiguration, loop: any EventLoop) async {
        store.reset()
        try? await store.putCard(address: FuzzKeys.relay.address, json: relayCard)
        let (inbound, source) = NIOAsyncChannelInboundStream<ByteBuffer>.makeTestingStream()
        let (outbound, sink) = NIOAsyncChannelOutboundWriter<ByteBuffer>.makeTestingWriter()
        let relaySession = RelaySession(
            identity: FuzzKeys.relay, configuration: configuration, store: store, stagingFolder: staging, hub: SubscriptionHub(),
            status: { Array("{}".utf8) }, logger: logger, peers: peers, replays: ReplayGuard(started: .distantPast),
            forwardedLayers: forwardedLayers, eventLoop: loop)
        // As the server runs a session: on its connection's event loop.
        let relay = Task(executorPreference: EventLoopTaskExecutor(loop)) {
            var iterator = inbound.makeAsyncIterator()
            try? await relaySession.run(inbound: &iterator, outbound: outbound) {}
            outbound.finish()
        }

        let hello = RelayHandshake.clientHello(ephemeral: FuzzKeys.client)
        source.yield(ByteBuffer(bytes: hello))
        var answers = sink.makeAsyncIterator()
        guard let serverHello = await answers.next() else {
            FuzzInvariant.require(false, "the relay did not answer a valid client hello")
            return
        }
        let keys: RelayHandshake.Keys
        do {
            keys = try RelayHandshake.clientKeys(
                ephemeral: FuzzKeys.client, clientHello: hello, serverHello: Array(serverHello.readableBytesView), expected: FuzzKeys.relay.address)
        } catch {
            FuzzInvariant.require(false, "the relay's hello does not prove its address: \(error)")
            return
        }

        let sealer = RecordCipher(key: keys.clientToRelay)
        var deposited: [[UInt8]] = []
        var streaming = false
        // Records that call for one answer each: every request but the begin and data of a
        // streamed deposit (its end is answered). The relay may answer fewer (it ends the session
        // on a violation), never more.
        var requests = 0
        for step in steps {
            let record: [UInt8]
            switch step {
            case .login:
                let signed = RelayHandshake.loginMessage(relay: FuzzKeys.relay.address, keys: keys)
                record = sealer.seal(RelayMessage.login(address: FuzzKeys.owner.address, signature: PersonalMessage.sign(signed, with: FuzzKeys.owner)).encoded)
            case .wrongLogin:
                let signed = RelayHandshake.loginMessage(relay: FuzzKeys.relay.address, keys: keys)
                record = sealer.seal(RelayMessage.login(address: FuzzKeys.owner.address, signature: PersonalMessage.sign(signed, with: FuzzKeys.sender)).encoded)
            case .message(let message):
                // Message ids the script can fetch later: an envelope's bytes 8..<24.
                switch message {
                case .depositWhole(_, let envelope): Self.noteID(envelope, in: &deposited)
                case .depositBegin: streaming = true
                case .data(let bytes) where streaming:
                    Self.noteID(bytes, in: &deposited)
                    streaming = false
                default: break
                }
                switch message {
                case .depositBegin, .data: break
                default: requests += 1
                }
                record = sealer.seal(message.encoded)
            case .fetch(let index), .acknowledge(let index), .listAfter(let index):
                guard !deposited.isEmpty else { continue }
                let id = deposited[index % deposited.count]
                let message: RelayMessage = switch step {
                case .fetch: .fetch(id: id)
                case .acknowledge: .acknowledge(id: id)
                default: .listAfter(id: id)
                }
                record = sealer.seal(message.encoded)
            case .garbage(let bytes):
                record = bytes.isEmpty ? [0] : bytes
            }
            if case .login = step { requests += 1 }
            if case .wrongLogin = step { requests += 1 }
            if case .fetch = step { requests += 1 }
            if case .acknowledge = step { requests += 1 }
            if case .listAfter = step { requests += 1 }
            source.yield(ByteBuffer(bytes: record))
        }
        source.finish()
        await relay.value

        // Everything the relay sent, read as the client reads it.
        let opener = RecordCipher(key: keys.relayToClient)
        var fetching: (size: UInt64, received: UInt64)?
        var answered = 0
        while let buffer = await answers.next() {
            let plaintext: [UInt8]
            do { plaintext = try opener.open(Array(buffer.readableBytesView)) } catch {
                FuzzInvariant.require(false, "a record from the relay does not open")
                return
            }
            guard let message = try? RelayMessage(decoding: plaintext) else {
                FuzzInvariant.require(false, "the relay sent a message a client cannot decode: \(Hex.encode(plaintext.prefix(64)))")
                return
            }
            if Self.tracing {
                let (command, summary) = CapturedRelaySession.describe(message)
                print("relay: \(command)\(summary.map { " \($0)" } ?? "")")
            }
            switch message {
            case .notify: break
            case .data, .end: if fetching == nil { answered += 1 }
            default: answered += 1
            }
            FuzzInvariant.require(answered <= requests, "the relay sent \(answered) answers to \(requests) requests")
            switch message {
            case .fetchBegin(_, let size): fetching = (size, 0)
            case .data(let bytes): fetching?.received += UInt64(bytes.count)
            case .end:
                if let (size, received) = fetching {
                    FuzzInvariant.require(size == received, "a fetch announced \(size) bytes and sent \(received)")
                }
                fetching = nil
            case .receipt: _ = try? message.deliveryReceipt()
            default: break
            }
        }
    }

    /// `CONET_FUZZ_TRACE=1` prints the relay's answers, to see what an input reaches.
    static let tracing = ProcessInfo.processInfo.environment["CONET_FUZZ_TRACE"] == "1"

    private static func noteID(_ envelope: [UInt8], in ids: inout [[UInt8]]) {
        let start = EnvelopeFormat.messageIDOffset, end = start + EnvelopeFormat.messageIDByteCount
        if envelope.count >= end && ids.count < 256 { ids.append(Array(envelope[start..<end])) }
    }
}
#endif
