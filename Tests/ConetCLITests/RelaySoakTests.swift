import ConetCore
import Foundation
import Testing

/// A bounded soak: a few hundred connections at once mixing valid deposits, duplicates, garbage,
/// drips and oversized claims from many loopback addresses, with the relay killed (SIGKILL) and
/// restarted on its data in the middle. Afterwards every deposit answered "stored" is fetched,
/// intact, exactly once.
@Suite(.serialized) struct RelaySoakTests {
    /// The relay's current port, which changes at the restart.
    final class Target: @unchecked Sendable {
        private let lock = NSLock()
        private var endpoint: RelayEndpoint
        init(_ endpoint: RelayEndpoint) { self.endpoint = endpoint }
        var current: RelayEndpoint { lock.withLock { endpoint } }
        func move(to endpoint: RelayEndpoint) { lock.withLock { self.endpoint = endpoint } }
    }

    /// Deposits tried, and those the relay answered "stored", by mailbox and id. A deposit cut off
    /// by the kill may be stored unanswered: it may be listed, but must be intact too.
    final class Ledger: @unchecked Sendable {
        private let lock = NSLock()
        private var tried: [Address: [[UInt8]: [UInt8]]] = [:]
        private var stored: [Address: Set<[UInt8]>] = [:]
        private(set) var hostile = 0
        func attempt(_ envelope: [UInt8], mailbox: Address) {
            lock.withLock { tried[mailbox, default: [:]][Array(envelope[8..<24])] = envelope }
        }
        func record(id: [UInt8], mailbox: Address) { lock.withLock { _ = stored[mailbox, default: []].insert(id) } }
        func countHostile() { lock.withLock { hostile += 1 } }
        var snapshot: (tried: [Address: [[UInt8]: [UInt8]]], stored: [Address: Set<[UInt8]>]) { lock.withLock { (tried, stored) } }
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    @Test(.timeLimit(.minutes(3))) func mixedHostileLoadAndAKillLoseNoStoredDeposit() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet, arguments: ["--record-timeout", "3s", "--handshake-timeout", "3s", "--idle-timeout", "10s"])
        let target = Target(relay.parsedEndpoint)
        let owners = (0..<6).map { _ in PrivateKey.generate() }
        let ledger = Ledger()
        let deadline = Date().addingTimeInterval(24)
        let killAt = Date().addingTimeInterval(10)
        let envelopeOptions = {
            var options = EnvelopeOptions()
            options.compression = .none
            return options
        }()
        // 300 workers: each opens connection after connection until the deadline.
        let group = DispatchGroup()
        for worker in 0..<300 {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var turn = 0
                while Date() < deadline {
                    turn += 1
                    let source = "127.0.\(1 + worker % 50).\(10 + worker % 200)"
                    let port = target.current.port
                    switch (worker + turn) % 6 {
                    case 0, 1:
                        // A valid deposit; every fourth a large one (a file body), and every
                        // third deposited twice (a duplicate must not change the first).
                        let owner = owners[(worker + turn) % owners.count]
                        let size = turn % 4 == 0 ? 300_000 : 200 + turn
                        guard let envelope = try? HostileRelayTests.seal(SecureRandom.bytes(size), to: owner.publicKey, options: envelopeOptions),
                              let client = try? RelayClient(endpoint: target.current, timeout: 10)
                        else { continue }
                        ledger.attempt(envelope, mailbox: owner.address)
                        let first: Result<[UInt8], any Error> = Result { try client.deposit(into: owner.address, from: MemorySource(envelope)) }
                        guard case .success(let id) = first else { continue }
                        ledger.record(id: id, mailbox: owner.address)
                        if turn % 3 == 0, let again = try? client.deposit(into: owner.address, from: MemorySource(envelope)) {
                            Issue.record("a duplicate deposit was stored: \(Hex.encode(again))")
                        }
                    case 2, 3:
                        // Garbage in place of a hello, or an oversized record claim.
                        guard let fd = try? RawSocket.connect(port: port, from: source) else { continue }
                        let claim: [UInt8] = (worker + turn) % 6 == 2 ? [0, 0, 0, 40] : [0xFF, 0xFF, 0xFF, 0xF0]
                        Self.send(fd, claim + SecureRandom.bytes(100))
                        _ = RawSocket.closedByPeer(fd, within: 2)
                        close(fd)
                        ledger.countHostile()
                    case 4:
                        // A drip: a started record, a byte now and then.
                        guard let fd = try? RawSocket.connect(port: port, from: source) else { continue }
                        Self.send(fd, [0, 0, 0, 200])
                        for _ in 0..<8 where Date() < deadline {
                            Self.send(fd, [1])
                            if RawSocket.closedByPeer(fd, within: 0.5) { break }
                        }
                        close(fd)
                        ledger.countHostile()
                    default:
                        // A connection that says nothing at all.
                        guard let fd = try? RawSocket.connect(port: port, from: source) else { continue }
                        _ = RawSocket.closedByPeer(fd, within: 4)
                        close(fd)
                        ledger.countHostile()
                    }
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        while Date() < killAt { usleep(100_000) }
        relay.killHard()
        try relay.restart()
        target.move(to: relay.parsedEndpoint)
        #expect(group.wait(timeout: .now() + 60) == .success, "workers did not finish")
        let (tried, stored) = ledger.snapshot
        let count = stored.values.map(\.count).reduce(0, +)
        #expect(count > 50, "only \(count) deposits were stored under load")
        #expect(ledger.hostile > 100)
        // Every stored deposit, exactly once and intact, and nothing else.
        for owner in owners {
            let client = try RelayClient(endpoint: relay.parsedEndpoint, timeout: 30)
            try client.login(owner)
            let listed = try client.list().map(\.id)
            #expect(Set(listed).count == listed.count, "an id is listed twice")
            let answered = stored[owner.address] ?? [], sent = tried[owner.address] ?? [:]
            #expect(answered.isSubset(of: Set(listed)), "mailbox \(owner.address): \(answered.subtracting(listed).count) stored deposits are missing")
            for id in listed {
                let fetched = try client.fetch(id).readAll()
                #expect(fetched == sent[id], "message \(Hex.encode(id)) is not intact, or was never sent")
            }
        }
        try HostileRelayTests.expectServing(relay)
    }
}
