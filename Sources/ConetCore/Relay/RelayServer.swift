import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix

/// The relay: accepts sessions on a TCP port, serves mailboxes from a `MailboxStore`, purges
/// expired messages, and on `shutdown` stops accepting and lets sessions in flight finish.
public final class RelayServer: Sendable {
    public let identity: PrivateKey
    public let configuration: RelayConfiguration
    private let store: any MailboxStore
    private let stagingFolder: URL
    private let logger: Logger
    private let hub = SubscriptionHub()
    private let group: MultiThreadedEventLoopGroup
    private let serverChannel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let connections: ConnectionTable
    private let peers: PeerLinks
    private let replays: ReplayGuard
    private let forwardedLayers: ForwardedLayerLog
    private let uploads: UploadBudget
    /// The address and port actually bound (port 0 asks the system for one).
    public let host: String
    public let port: Int

    /// The relay's card text: `0xADDRESS@host:port`.
    public var endpoint: String { "\(identity.address.checksummed)@\(host):\(port)" }

    /// Binds the listening socket; `run` then serves.
    public init(
        identity: PrivateKey, host: String, port: Int, store: any MailboxStore, stagingFolder: URL,
        configuration: RelayConfiguration = RelayConfiguration(), logger: Logger
    ) async throws {
        self.identity = identity
        self.configuration = configuration
        self.store = store
        replays = ReplayGuard(started: store.startReplayMemory())
        self.stagingFolder = stagingFolder
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, System.coreCount))
        connections = ConnectionTable(limit: configuration.maxConnections, perAddress: configuration.maxConnectionsPerAddress)
        peers = PeerLinks(
            store: store, maxForwards: configuration.maxForwards, maxForwardsPerPeer: configuration.maxForwardsPerPeer,
            maxForwardsPerSource: configuration.maxForwardsPerAddress)
        uploads = UploadBudget(limit: min(configuration.uploadMaxBytes, configuration.storeMaxBytes))
        forwardedLayers = ForwardedLayerLog(store: store, logger: logger)
        let maxRecord = RelayMessage.maxPlaintext + XChaCha20Poly1305.tagByteCount
        let idle = TimeAmount.milliseconds(RelayConfiguration.milliseconds(configuration.idleTimeout))
        let recordTimeout = TimeAmount.milliseconds(RelayConfiguration.milliseconds(configuration.recordTimeout))
        do {
            serverChannel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let decoder = RecordFrameDecoder(maxRecord: maxRecord, deadline: RecordDeadline(timeout: recordTimeout))
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
                        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(RecordFrameEncoder()))
                        // After the framing: only whole records count as activity, not bytes.
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idle))
                        try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        self.host = host
        self.port = serverChannel.channel.localAddress?.port ?? port
        // Its own card, so clients building an onion path can look up this relay's key here.
        let card = try Card.make(key: identity, mailbox: endpoint, expires: nil)
        try await store.putCard(address: identity.address, json: [UInt8](card.jsonData()))
    }

    /// Makes another relay known for forwarding: its card must verify and name its endpoint.
    public func addPeer(_ card: Card) async throws {
        try card.verify()
        _ = try RelayEndpoint(card: card)
        try await store.putCard(address: card.address, json: [UInt8](card.jsonData()))
    }

    /// The status document: this relay's address, endpoint, version and limits (like NIP-11).
    public func statusJSON() -> [UInt8] {
        var object = configuration.limitsJSON
        object["address"] = identity.address.checksummed
        object["publicKey"] = "0x" + Hex.encode(identity.publicKey.compressed)
        object["endpoint"] = endpoint
        object["software"] = "conet"
        object["version"] = LibraryVersions.conetVersion
        object["protocol"] = Int(RelayHandshake.version)
        return (try? [UInt8](JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))) ?? []
    }

    /// Serves until `shutdown`, then until the sessions in flight have ended.
    public func run() async throws {
        let purger = Task { await purgeLoop() }
        defer { purger.cancel() }
        let status: @Sendable () -> [UInt8] = { [self] in statusJSON() }
        try await withThrowingDiscardingTaskGroup { tasks in
            try await serverChannel.executeThenClose { inbound in
                for try await connection in inbound {
                    let peer = Self.peerText(connection.channel.remoteAddress)
                    let ticket: Int
                    switch connections.admit(connection.channel) {
                    case .success(let admitted): ticket = admitted
                    case .failure(let refusal):
                        logger.warning("connection refused", metadata: ["peer": "\(peer)", "reason": "\(refusal)"])
                        // Through executeThenClose, which finishes the channel's writer: a writer
                        // dropped unfinished stops the process (NIO's precondition).
                        tasks.addTask { try? await connection.executeThenClose { _, _ in } }
                        continue
                    }
                    tasks.addTask(executorPreference: EventLoopTaskExecutor(connection.channel.eventLoop)) { [self] in
                        defer { connections.remove(ticket) }
                        await serve(connection, ticket: ticket, peer: peer, status: status)
                    }
                }
            }
        }
        peers.shutdown()
        try? await group.shutdownGracefully()
        await forwardedLayers.flush()
    }

    /// Stops accepting; sessions in flight may finish for `drainTimeout`, then the rest are
    /// closed (a closed session loses nothing: only a completed deposit is ever answered).
    public func shutdown(drainTimeout: TimeInterval = 10) {
        serverChannel.channel.close(promise: nil)
        logger.info("stopping", metadata: ["drainSeconds": "\(RelayConfiguration.seconds(drainTimeout))"])
        let connections = connections
        DispatchQueue.global().asyncAfter(deadline: .now() + drainTimeout) { connections.closeAll() }
    }

    private func serve(
        _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, ticket: Int, peer: String, status: @escaping @Sendable () -> [UInt8]
    ) async {
        let channel = connection.channel
        let connections = connections
        // The connection table already knows who is still in the handshake: no second flag.
        let timeout = TimeAmount.milliseconds(RelayConfiguration.milliseconds(configuration.handshakeTimeout))
        channel.eventLoop.scheduleTask(in: timeout) {
            if connections.isPending(ticket) { channel.close(promise: nil) }
        }
        var sessionLogger = logger
        sessionLogger[metadataKey: "peer"] = "\(peer)"
        let session = RelaySession(
            identity: identity, configuration: configuration, store: store, stagingFolder: stagingFolder, hub: hub,
            status: status, logger: sessionLogger, peers: peers, replays: replays, forwardedLayers: forwardedLayers,
            eventLoop: channel.eventLoop, source: ConnectionTable.addressKey(channel.remoteAddress), uploads: uploads)
        do {
            try await connection.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                try await session.run(inbound: &iterator, outbound: outbound) { connections.established(ticket) }
            }
        } catch {
            sessionLogger.info("session ended", metadata: ["reason": "\(error.localizedDescription)"])
        }
    }

    /// A remote address as `host:port` (`[v6]:port`), for logs.
    static func peerText(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress else { return "unknown" }
        let port = address.port.map(String.init) ?? "?"
        if case .v6 = address { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }

    private func purgeLoop() async {
        while !Task.isCancelled {
            if let purged = try? await store.purgeExpired(now: Date()), purged > 0 {
                logger.info("purged expired messages", metadata: ["count": "\(purged)"])
            }
            try? await Task.sleep(for: .seconds(configuration.purgeInterval))
        }
    }
}
