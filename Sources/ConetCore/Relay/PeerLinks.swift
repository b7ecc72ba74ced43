import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// A relay's connections to other relays, for passing onion layers on. A peer is known only by a
/// verified card naming its endpoint (given with `--peer` or published to this relay); every
/// connection authenticates the peer's wallet in the handshake. The blocking client runs on a
/// thread pool of its own, never on the event loops; idle sessions are kept for reuse.
final class PeerLinks: Sendable {
    enum Failure: Error {
        case unknown
        case unauthenticated
        case unreachable(String)
        case refused(code: UInt8, message: String)

        /// A text for the relay that sent the layer: it names no address or endpoint, so nobody
        /// upstream learns where the path goes next.
        var upstreamText: String {
            switch self {
            case .unknown: "next relay unreachable: it is not known here (no verified card)"
            case .unauthenticated: "next relay unreachable: it failed to prove its wallet address"
            case .unreachable(let why): "next relay unreachable: \(why)"
            case .refused(_, let message): "via next relay: \(message)"
            }
        }
    }

    private let store: any MailboxStore
    private let pool: NIOThreadPool
    private let idle = NIOLockedValueBox<[Address: [RelayClient]]>([:])
    /// Endpoints from verified cards, kept for a minute: a forward should not wait on the store.
    private let endpoints = NIOLockedValueBox<[Address: (RelayEndpoint, Date)]>([:])
    static let endpointLifetime: TimeInterval = 60
    static let maxIdlePerPeer = 64

    init(store: any MailboxStore, threads: Int = 64) {
        self.store = store
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    func shutdown() {
        idle.withLockedValue { $0 = [:] }
        try? pool.syncShutdownGracefully()
    }

    /// Runs blocking work (opening a layer, a peer session) off the event loops and the
    /// cooperative pool.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    /// Passes `layer` to the relay whose wallet is `address`; returns its answer's receipt.
    func forward(_ layer: @escaping @Sendable () throws -> ByteSource, to address: Address) async throws(Failure) -> [UInt8] {
        let endpoint = try await self.endpoint(of: address)
        do {
            return try await run { [self] in
                let reused = take(address)
                do {
                    return try send(layer(), through: reused ?? RelayClient(endpoint: endpoint, timeout: 30), address: address)
                } catch RelayError.connection(_) where reused != nil {
                    // A kept session the peer has since closed: one fresh attempt.
                    return try send(layer(), through: RelayClient(endpoint: endpoint, timeout: 30), address: address)
                }
            }
        } catch RelayError.wrongRelay(_, _) {
            throw .unauthenticated
        } catch RelayError.refused(let code, let message) {
            throw .refused(code: code, message: message)
        } catch RelayError.connection(let why) {
            throw .unreachable(why.contains("cannot connect") ? "connection refused or timed out" : "the connection failed")
        } catch {
            throw .unreachable("the session failed")
        }
    }

    /// The endpoint of the relay `address`, from its verified card.
    private func endpoint(of address: Address) async throws(Failure) -> RelayEndpoint {
        let now = Date()
        if let (endpoint, fetched) = endpoints.withLockedValue({ $0[address] }), now.timeIntervalSince(fetched) < Self.endpointLifetime {
            return endpoint
        }
        do {
            guard let json = try await store.card(address: address) else { throw Failure.unknown }
            let card = try Card(json: Data(json))
            try card.verify()
            let endpoint = try RelayEndpoint(card: card)
            endpoints.withLockedValue { $0[address] = (endpoint, now) }
            return endpoint
        } catch {
            throw .unknown
        }
    }

    private func send(_ source: ByteSource, through client: RelayClient, address: Address) throws -> [UInt8] {
        let receipt = try client.sendOnion(from: source)
        idle.withLockedValue { clients in
            if clients[address, default: []].count < Self.maxIdlePerPeer { clients[address, default: []].append(client) }
        }
        return receipt.encoded
    }

    private func take(_ address: Address) -> RelayClient? {
        idle.withLockedValue { $0[address]?.popLast() }
    }
}
