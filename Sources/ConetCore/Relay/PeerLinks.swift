import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A relay's connections to other relays, for passing onion layers on. A peer is known only by a
/// verified card naming its endpoint (given with `--peer` or published to this relay); every
/// connection authenticates the peer's wallet in the handshake. Sessions run on the event loop
/// of the session whose layer they carry, and idle ones are kept for reuse on that loop.
final class PeerLinks: Sendable {
    enum Failure: Error {
        case unknown
        case unauthenticated
        case unreachable(String)
        case refused(code: UInt8, message: String)
        /// Too many layers are in flight (in all, or to this next relay).
        case busy

        /// A text for the relay that sent the layer: it names no address or endpoint, so nobody
        /// upstream learns where the path goes next.
        var upstreamText: String {
            switch self {
            case .unknown: "next relay unreachable: it is not known here (no verified card)"
            case .unauthenticated: "next relay unreachable: it failed to prove its wallet address"
            case .unreachable(let why): "next relay unreachable: \(why)"
            case .refused(_, let message): "via next relay: \(message)"
            case .busy: "this relay is passing on too many layers at once; try again later"
            }
        }
    }

    private let store: any MailboxStore
    private let pool: NIOThreadPool
    private let idle = NIOLockedValueBox<[Address: [PeerSession]]>([:])
    /// Endpoints from verified cards, kept for a minute: a forward should not wait on the store.
    private let endpoints = NIOLockedValueBox<[Address: (RelayEndpoint, Date)]>([:])
    static let endpointLifetime: TimeInterval = 60
    static let maxIdlePerPeer = 64
    /// Layers being passed on now, in all and per next relay. Each holds a session upstream and
    /// one downstream until the answer comes back, so a layer nested many times over and
    /// bouncing between relays would otherwise hold ever more connections on both.
    private let inFlight = NIOLockedValueBox<(total: Int, perPeer: [Address: Int], perSource: [String: Int])>((0, [:], [:]))
    private let maxForwards: Int
    private let maxForwardsPerPeer: Int
    private let maxForwardsPerSource: Int

    init(
        store: any MailboxStore, maxForwards: Int = 256, maxForwardsPerPeer: Int = 32, maxForwardsPerSource: Int = 16,
        threads: Int = max(2, System.coreCount)
    ) {
        self.store = store
        self.maxForwards = maxForwards
        self.maxForwardsPerPeer = maxForwardsPerPeer
        self.maxForwardsPerSource = maxForwardsPerSource
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    func shutdown() {
        let sessions = idle.withLockedValue { idle in
            defer { idle = [:] }
            return idle.values.joined()
        }
        for session in sessions { session.close() }
        try? pool.syncShutdownGracefully()
    }

    /// Runs blocking work (opening a large layer) off the event loops and the cooperative pool.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    /// Passes `layer` to the relay whose wallet is `address`, over a session on `eventLoop`;
    /// returns its answer's receipt.
    /// - Parameter source: the address key of the connection the layer came from.
    func forward(
        _ layer: @escaping @Sendable () throws -> ByteSource, to address: Address, from source: String, on eventLoop: any EventLoop
    ) async throws(Failure) -> [UInt8] {
        try claimSlot(for: address, from: source)
        defer { releaseSlot(for: address, from: source) }
        let endpoint = try await self.endpoint(of: address)
        do {
            let reused = take(address, on: eventLoop)
            do {
                let session = if let reused { reused } else { try await PeerSession.connect(to: endpoint, on: eventLoop) }
                return try await send(layer(), through: session, address: address)
            } catch RelayError.connection(_) where reused != nil {
                // A kept session the peer has since closed: one fresh attempt.
                return try await send(layer(), through: PeerSession.connect(to: endpoint, on: eventLoop), address: address)
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

    private func claimSlot(for address: Address, from source: String) throws(Failure) {
        let claimed = inFlight.withLockedValue { state in
            guard state.total < maxForwards, state.perPeer[address, default: 0] < maxForwardsPerPeer,
                  state.perSource[source, default: 0] < maxForwardsPerSource
            else { return false }
            state.total += 1
            state.perPeer[address, default: 0] += 1
            state.perSource[source, default: 0] += 1
            return true
        }
        guard claimed else { throw .busy }
    }

    private func releaseSlot(for address: Address, from source: String) {
        inFlight.withLockedValue { state in
            state.total -= 1
            let left = state.perPeer[address, default: 1] - 1
            state.perPeer[address] = left > 0 ? left : nil
            let fromSource = state.perSource[source, default: 1] - 1
            state.perSource[source] = fromSource > 0 ? fromSource : nil
        }
    }

    /// Layers being passed on now (for tests and the status document).
    var forwardsInFlight: Int { inFlight.withLockedValue { $0.total } }

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

    private func send(_ source: ByteSource, through session: PeerSession, address: Address) async throws -> [UInt8] {
        let receipt: DeliveryReceipt
        do {
            receipt = try await session.sendOnion(from: source)
        } catch {
            // Only a session that answered in step is kept.
            session.close()
            throw error
        }
        let surplus = idle.withLockedValue { sessions -> PeerSession? in
            guard sessions[address, default: []].count < Self.maxIdlePerPeer else { return session }
            sessions[address, default: []].append(session)
            return nil
        }
        surplus?.close()
        return receipt.encoded
    }

    /// A kept session with `address` on `eventLoop`, so the forward stays on one thread.
    private func take(_ address: Address, on eventLoop: any EventLoop) -> PeerSession? {
        idle.withLockedValue { sessions in
            guard let index = sessions[address]?.lastIndex(where: { $0.eventLoop === eventLoop }) else { return nil }
            return sessions[address]?.remove(at: index)
        }
    }
}
