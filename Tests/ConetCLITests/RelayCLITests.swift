import ConetCore
import Foundation
import Testing

/// Collects envelope bytes from a writer's worker thread.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [UInt8] = []
    func append(_ bytes: [UInt8]) { lock.lock(); storage += bytes; lock.unlock() }
    var bytes: [UInt8] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// Message ids acknowledged by the relay, from many threads.
final class IDList: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [[UInt8]] = []
    func append(_ id: [UInt8]) { lock.lock(); ids.append(id); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return ids.count }
    var all: [[UInt8]] { lock.lock(); defer { lock.unlock() }; return ids }
}

/// Relays run as real processes on 127.0.0.1; every wait is bounded.
@Suite(.serialized) struct RelayCLITests {
    static func envelope(_ content: [UInt8], to recipient: PublicKey, from sender: PrivateKey, stampBits: Int = 0) throws -> [UInt8] {
        let collected = Collected()
        var options = EnvelopeOptions()
        options.stampBits = stampBits
        let writer = try EnvelopeWriter(recipients: [recipient], sender: sender, options: options) { collected.append($0) }
        try writer.write(content)
        _ = try writer.finish()
        return collected.bytes
    }

    func address(_ conet: ConetProcess, _ name: String) throws -> String { try conet.walletField(name) }

    func wallets(_ conet: ConetProcess, _ names: [String]) throws { try conet.makeWallets(names) }

    @Test func twoWalletsExchangeMessagesByAddressAlone() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        try wallets(conet, ["alice", "bob"])
        let bob = try address(conet, "bob")
        #expect(try conet.run(["wallet", "card", "bob", "--publish", relay.endpoint], password: "pw").status == 0)
        var sent: [String: Data] = [:]
        for size in [0, 1, 70_000, 5 << 20, 50 << 20] {
            let data = Data((0..<size).map { UInt8(truncatingIfNeeded: ($0 * 7919) >> 3) })
            let input = conet.home.appendingPathComponent("in-\(size)")
            try data.write(to: input)
            let result = try conet.run(["send", "--relay", relay.endpoint, "--from", "alice", "--to", bob, input.path, "--json"], password: "pw")
            #expect(result.status == 0, "\(size): \(result.stderr)")
            sent[try #require(try result.json()["messageId"] as? String)] = data
        }
        let received = try conet.run(["recv", "--relay", relay.endpoint, "--wallet", "bob", "-o", "inbox", "--json"], password: "pw")
        #expect(received.status == 0, "\(received.stderr)")
        for (id, data) in sent {
            let got = try Data(contentsOf: conet.home.appendingPathComponent("inbox/\(id)"))
            #expect(got == data, "message \(id)")
        }
        #expect(received.text.split(separator: "\n").count == sent.count)
        // Acknowledged means deleted: a second fetch finds nothing.
        let again = try conet.run(["recv", "--relay", relay.endpoint, "--wallet", "bob", "-o", "inbox2", "--json"], password: "pw")
        #expect(again.status == 0 && again.text.isEmpty)
        #expect(relay.stop() == 0, "SIGTERM should stop the relay cleanly")
    }

    @Test func manySendersOneMailboxAndLivePush() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        try wallets(conet, ["bob"])
        let bobKey = try conet.run(["wallet", "show", "bob", "--json"]).json()["publicKey"] as! String
        let bobPublic = try PublicKey(bytes: Hex.decode(String(bobKey.dropFirst(2))))
        // A follower that receives as messages arrive.
        let follower = Process()
        follower.executableURL = ConetProcess.binary
        follower.arguments = ["recv", "--relay", relay.endpoint, "--wallet", "bob", "--follow", "-o", conet.home.appendingPathComponent("live").path]
        var environment = ProcessInfo.processInfo.environment
        environment["CONET_HOME"] = conet.home.path
        environment["CONET_PASSWORD"] = "pw"
        follower.environment = environment
        follower.standardOutput = FileHandle.nullDevice
        follower.standardError = FileHandle.nullDevice
        try follower.run()
        defer { follower.terminate(); follower.waitUntilExit() }
        usleep(500_000)

        let endpoint = relay.parsedEndpoint
        let failures = Collected()
        DispatchQueue.concurrentPerform(iterations: 8) { sender in
            do {
                let key = PrivateKey.generate()
                let client = try RelayClient(endpoint: endpoint)
                for index in 0..<5 {
                    let bytes = try Self.envelope(Array("from \(sender) #\(index)".utf8), to: bobPublic, from: key)
                    _ = try client.deposit(into: bobPublic.address, from: MemorySource(bytes))
                }
            } catch {
                failures.append([1])
            }
        }
        #expect(failures.bytes.isEmpty)
        let live = conet.home.appendingPathComponent("live")
        let deadline = Date().addingTimeInterval(30)
        var count = 0
        while Date() < deadline {
            count = ((try? FileManager.default.contentsOfDirectory(atPath: live.path)) ?? []).filter { !$0.hasPrefix(".") }.count
            if count == 40 { break }
            usleep(100_000)
        }
        #expect(count == 40, "the follower received \(count) of 40 messages")
    }

    /// kill -9 while 500 deposits are in flight: every acknowledged one survives and is fetched
    /// exactly once; after its ack it is never fetched again.
    @Test func killNineLosesNoAcknowledgedDeposit() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        let bob = PrivateKey.generate()
        let endpoint = relay.parsedEndpoint
        let acknowledged = IDList()
        let killer = Thread {
            // Kill once a good share has been acknowledged, while the rest are in flight.
            while acknowledged.count < 150 { usleep(2000) }
            relay.killHard()
        }
        killer.start()
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            guard let client = try? RelayClient(endpoint: endpoint, timeout: 10) else { return }
            let sender = PrivateKey.generate()
            for index in 0..<32 where worker * 32 + index < 500 {
                guard let bytes = try? Self.envelope(SecureRandom.bytes(1024), to: bob.publicKey, from: sender),
                      let id = try? client.deposit(into: bob.publicKey.address, from: MemorySource(bytes))
                else { return }
                acknowledged.append(id)
            }
        }
        while killer.isExecuting || !killer.isFinished { usleep(10_000) }
        let ids = acknowledged.all
        #expect(ids.count >= 150)
        #expect(ids.count < 500, "the relay died only after every deposit finished; the test proved nothing")

        try relay.restart()
        let client = try RelayClient(endpoint: relay.parsedEndpoint)
        try client.login(bob)
        var fetched: [[UInt8]: Int] = [:]
        var entries = try client.list()
        while !entries.isEmpty {
            for entry in entries {
                let source = try client.fetch(entry.id)
                let reader = try EnvelopeReader(source: source)
                #expect(try reader.unlock(with: bob))
                _ = try reader.readPayload { _ in }
                fetched[entry.id, default: 0] += 1
                try client.acknowledge(entry.id)
            }
            entries = try client.list()
        }
        for id in ids { #expect(fetched[id] == 1, "acknowledged deposit \(Hex.encode(id)) fetched \(fetched[id] ?? 0) times") }
        #expect(fetched.values.allSatisfy { $0 == 1 })
        #expect(try client.list().isEmpty)
    }

    @Test func onlyTheOwnerReadsAMailboxAndRelaysAreAuthenticated() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        let bob = PrivateKey.generate(), carol = PrivateKey.generate()
        let endpoint = relay.parsedEndpoint
        let id = try RelayClient(endpoint: endpoint).deposit(
            into: bob.publicKey.address, from: MemorySource(Self.envelope([1, 2, 3], to: bob.publicKey, from: carol)))
        // Not logged in: no listing, fetching or acknowledging.
        let anonymous = try RelayClient(endpoint: endpoint)
        #expect(throws: RelayError.self) { try anonymous.list() }
        #expect(throws: RelayError.self) { _ = try anonymous.fetch(id) }
        #expect(throws: RelayError.self) { try anonymous.acknowledge(id) }
        // Carol logged in sees only her own (empty) mailbox and cannot touch bob's message.
        let asCarol = try RelayClient(endpoint: endpoint)
        try asCarol.login(carol)
        #expect(try asCarol.list().isEmpty)
        #expect(throws: RelayError.self) { _ = try asCarol.fetch(id) }
        #expect(throws: RelayError.self) { try asCarol.acknowledge(id) }
        // A login signed by one key for another address is refused.
        let forger = try RelayClient(endpoint: endpoint)
        let signature = PersonalMessage.sign(RelayHandshake.loginMessage(relay: endpoint.address, keys: forger.keys), with: carol)
        try forger.send(.login(address: bob.publicKey.address, signature: signature))
        #expect(throws: RelayError.self) { _ = try forger.expectAnswer() }
        // Bob gets it.
        let asBob = try RelayClient(endpoint: endpoint)
        try asBob.login(bob)
        #expect(try asBob.list().map(\.id) == [id])

        // A relay at the right port but with another address is refused by the client.
        let impostor = RelayEndpoint(address: carol.publicKey.address, host: "127.0.0.1", port: endpoint.port)
        #expect(throws: RelayError.wrongRelay(expected: carol.publicKey.address, actual: endpoint.address)) {
            _ = try RelayClient(endpoint: impostor)
        }
        try wallets(conet, ["alice"])
        let cli = try conet.run(["send", "--relay", impostor.description, "--from", "alice", "--to", "alice"], password: "pw", stdin: Data("x".utf8))
        #expect(cli.status == 1)
        #expect(cli.stderr.contains("not the expected"))

        // Forged cards: refused on publish, and a relay answering with one is caught on look-up.
        let card = try Card.make(key: carol, mailbox: nil, expires: nil)
        var object = try #require(try JSONSerialization.jsonObject(with: card.jsonData()) as? [String: Any])
        object["address"] = bob.publicKey.address.checksummed
        try asCarol.send(.publishCard(json: [UInt8](try JSONSerialization.data(withJSONObject: object))))
        #expect(throws: RelayError.self) { _ = try asCarol.expectAnswer() }
        #expect(throws: RelayError.self) { _ = try asCarol.lookupCard(bob.publicKey.address) }
        try asCarol.publishCard(card)
        #expect(try asCarol.lookupCard(carol.publicKey.address) == card)
    }

    @Test func hostileInputGetsAnErrorOrATimeoutAndLosesNothing() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet, arguments: [
            "--handshake-timeout", "1s", "--idle-timeout", "3s", "--max-connections", "100", "--mailbox-messages", "3",
            "--max-message-size", "64KiB", "--stamp-bits", "10",
        ])
        let bob = PrivateKey.generate(), alice = PrivateKey.generate()
        let endpoint = relay.parsedEndpoint
        let stored = try RelayClient(endpoint: endpoint).deposit(
            into: bob.publicKey.address, from: MemorySource(Self.envelope([7], to: bob.publicKey, from: alice, stampBits: 10)))

        // Garbage, an oversized length and a truncated record: the relay hangs up.
        for bytes: [UInt8] in [Array("GET / HTTP/1.1\r\n\r\n".utf8), [0xFF, 0xFF, 0xFF, 0xFF, 1], [0, 0, 0, 38] + Array("CNRL".utf8)] {
            let fd = try RawSocket.connect(port: endpoint.port)
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            if bytes.count < 10 { shutdown(fd, Int32(SHUT_WR)) }
            #expect(RawSocket.closedByPeer(fd, within: 5), "the relay kept a connection that sent \(bytes.prefix(8))")
            close(fd)
        }
        // A stalled handshake is dropped after the handshake timeout.
        let stalled = try RawSocket.connect(port: endpoint.port)
        #expect(RawSocket.closedByPeer(stalled, within: 5))
        close(stalled)

        // No stamp, too large, over quota: clear refusals; the session survives a refusal it can.
        let anonymous = try RelayClient(endpoint: endpoint)
        do {
            _ = try anonymous.deposit(into: bob.publicKey.address, from: MemorySource(Self.envelope([1], to: bob.publicKey, from: alice)))
            Issue.record("a deposit without the required stamp was accepted")
        } catch RelayError.refused(let code, let message) {
            #expect(code == RelayMessage.ErrorCode.stampRequired.rawValue, "\(message)")
        }
        let big = try Self.envelope(SecureRandom.bytes(100_000), to: bob.publicKey, from: alice, stampBits: 10)
        #expect(throws: RelayError.self) { _ = try RelayClient(endpoint: endpoint).deposit(into: bob.publicKey.address, from: MemorySource(big)) }
        let owner = try RelayClient(endpoint: endpoint)
        try owner.login(bob)
        for _ in 0..<2 {
            _ = try owner.deposit(into: bob.publicKey.address, from: MemorySource(Self.envelope([2], to: bob.publicKey, from: alice)))
        }
        do {
            _ = try owner.deposit(into: bob.publicKey.address, from: MemorySource(Self.envelope([3], to: bob.publicKey, from: alice)))
            Issue.record("a deposit over the mailbox quota was accepted")
        } catch RelayError.refused(let code, _) {
            #expect(code == RelayMessage.ErrorCode.quotaExceeded.rawValue)
        }

        // 1,000 idle connections against a limit of 100: newcomers push out the oldest idle ones,
        // the rest time out, and a real client is still served meanwhile.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = max(limit.rlim_cur, min(limit.rlim_max, 4096))
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        var idle: [Int32] = []
        for _ in 0..<1000 { if let fd = try? RawSocket.connect(port: endpoint.port) { idle.append(fd) } }
        #expect(idle.count == 1000)
        usleep(300_000)
        let served = try RelayClient(endpoint: endpoint, timeout: 10)
        try served.login(bob)
        #expect(try served.list().count == 3)
        #expect(idle.filter { RawSocket.closedByPeer($0, within: 6) }.count == idle.count)
        idle.forEach { close($0) }

        // Nothing stored was lost, and the relay is still up.
        let after = try RelayClient(endpoint: endpoint)
        try after.login(bob)
        #expect(try after.list().map(\.id).contains(stored))
        #expect(relay.process.isRunning)
    }

    /// A follower pings a quiet session to keep it open (`recv --follow` does every 30 s); the
    /// ping's answer must not be taken for the answer to the next request.
    @Test func aPingedFollowerStillListsAndIsNotified() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        let bob = PrivateKey.generate()
        let follower = try RelayClient(endpoint: relay.parsedEndpoint)
        try follower.login(bob)
        try follower.subscribe()
        try follower.ping()
        #expect(try follower.list().isEmpty)
        let message = try Self.envelope(Array("after a ping".utf8), to: bob.publicKey, from: PrivateKey.generate())
        let id = try RelayClient(endpoint: relay.parsedEndpoint).deposit(into: bob.publicKey.address, from: MemorySource(message))
        #expect(try follower.nextNotification(timeout: 10)?.id == id)
        try follower.ping()
        #expect(try follower.list().map(\.id) == [id])
    }

    /// SIGTERM with a session still open (a follower): the relay drains, closes it, exits 0.
    @Test func stopsWithinTheDrainTimeoutEvenWithOpenSessions() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet, arguments: ["--drain-timeout", "1s"])
        let follower = try RelayClient(endpoint: relay.parsedEndpoint)
        try follower.login(PrivateKey.generate())
        try follower.subscribe()
        let started = Date()
        #expect(relay.stop() == 0)
        #expect(Date().timeIntervalSince(started) < 8, "the relay took \(Date().timeIntervalSince(started)) s to stop")
        #expect(throws: RelayError.self) { _ = try follower.nextNotification(timeout: 2) ?? { throw RelayError.connection("still open") }() }
    }

    /// A reader that never reads does not make the relay buffer a large message in memory.
    @Test func aSlowReaderDoesNotGrowTheRelay() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        let bob = PrivateKey.generate(), alice = PrivateKey.generate()
        let endpoint = relay.parsedEndpoint
        let message = try Self.envelope(SecureRandom.bytes(60 << 20), to: bob.publicKey, from: alice)
        let id = try RelayClient(endpoint: endpoint).deposit(into: bob.publicKey.address, from: MemorySource(message))
        let before = relay.residentKiB
        let slow = try RelayClient(endpoint: endpoint)
        try slow.login(bob)
        try slow.send(.fetch(id: id))
        usleep(1_500_000)
        let during = relay.residentKiB
        #expect(during - before < 30 * 1024, "relay RSS grew from \(before) to \(during) KiB for a reader that does not read")
        // Others are still served.
        let other = try RelayClient(endpoint: endpoint, timeout: 10)
        #expect(!(try other.status()).isEmpty)
    }
}
