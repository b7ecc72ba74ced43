import ConetCore
import Foundation
import Testing

/// Onion routing over real relay processes on 127.0.0.1: paths of one to three relays, what each
/// relay's own data and logs reveal, replays, bad paths and failing hops. Every wait is bounded.
@Suite(.serialized) struct RoutingCLITests {
    /// Relays A → B → M (M is bob's mailbox relay), each knowing the next by a --peer card, and
    /// alice holding bob's card and M's relay card as contacts.
    final class Network {
        let conet: ConetProcess
        let m: RelayProcess, b: RelayProcess, a: RelayProcess

        init() throws {
            conet = try ConetProcess()
            for name in ["alice", "bob"] {
                let made = try conet.run(["wallet", "new", name, "--light"], password: "pw")
                try #require(made.status == 0, "\(made.stderr)")
            }
            m = try RelayProcess(conet, wallet: "rM")
            let mCard = try Network.relayCard(conet, m)
            b = try RelayProcess(conet, wallet: "rB", arguments: ["--peer", mCard])
            a = try RelayProcess(conet, wallet: "rA", arguments: ["--peer", try Network.relayCard(conet, b)])
            let bobCard = conet.home.appendingPathComponent("bob.card").path
            try #require(try conet.run(["wallet", "card", "bob", "--mailbox", m.endpoint, "-o", bobCard], password: "pw").status == 0)
            try #require(try conet.run(["wallet", "contacts", "add", bobCard, "--name", "bob-card"]).status == 0)
            try #require(try conet.run(["wallet", "contacts", "add", mCard, "--name", "relay-m"]).status == 0)
        }

        static func relayCard(_ conet: ConetProcess, _ relay: RelayProcess) throws -> String {
            let path = conet.home.appendingPathComponent("\(relay.wallet).card").path
            let made = try conet.run(["wallet", "card", relay.wallet, "--mailbox", relay.endpoint, "-o", path, "--force"], password: "pw")
            try #require(made.status == 0, "\(made.stderr)")
            return path
        }

        func address(_ wallet: String) throws -> String {
            try #require(try conet.run(["wallet", "show", wallet, "--json"]).json()["address"] as? String)
        }

        func key(_ wallet: String) throws -> PublicKey {
            let hex = try #require(try conet.run(["wallet", "show", wallet, "--json"]).json()["publicKey"] as? String)
            return try PublicKey(bytes: Hex.decode(String(hex.dropFirst(2))))
        }

        func send(_ content: String, via: [RelayProcess], extra: [String] = []) throws -> ConetProcess.Result {
            let note = conet.home.appendingPathComponent("note-\(UUID().uuidString.prefix(6)).txt")
            try Data(content.utf8).write(to: note)
            return try conet.run(
                ["send", "--from", "alice", "--to", "bob-card", "--json", note.path] + via.flatMap { ["--via", $0.endpoint] } + extra, password: "pw")
        }

        /// Receives everything in bob's mailbox on M; returns the contents.
        func receive() throws -> [String] {
            let folder = conet.home.appendingPathComponent("in-\(UUID().uuidString.prefix(6))")
            let result = try conet.run(["recv", "--relay", m.endpoint, "--wallet", "bob", "-o", folder.path, "--json"], password: "pw")
            try #require(result.status == 0, "\(result.stderr)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return try names.map { String(decoding: try Data(contentsOf: folder.appendingPathComponent($0)), as: UTF8.self) }
        }

        func stop() {
            for relay in [a, b, m] { relay.stop() }
            conet.cleanUp()
        }
    }

    @Test func messagesArriveOverOneTwoAndThreeRelaysWithAVerifiedReceipt() throws {
        let net = try Network()
        defer { net.stop() }
        let mAddress = try net.address("rM")
        // One relay: today's direct deposit.
        let direct = try net.conet.run(["send", "--from", "alice", "--to", "bob-card", "--relay", net.m.endpoint, "-"], password: "pw", stdin: Data("one hop".utf8))
        #expect(direct.status == 0, "\(direct.stderr)")
        for (text, via) in [("two hops", [net.b]), ("three hops", [net.a, net.b])] {
            let sent = try net.send(text, via: via, extra: ["--wait-receipt"])
            try #require(sent.status == 0, "\(sent.stderr)")
            let report = try sent.json()
            #expect((report["path"] as? [String])?.count == via.count + 1)
            #expect((report["path"] as? [String])?.last == mAddress)
            let receipt = try #require(report["receipt"] as? [String: Any])
            #expect(receipt["relay"] as? String == mAddress)
            #expect(receipt["messageId"] as? String == report["messageId"] as? String)
            #expect(receipt["verified"] as? Bool == true)
        }
        // Relays open layers of up to 64 KiB on the session's task and larger ones on their thread
        // pool: a 300 KB message takes the second path at each hop.
        let large = String(repeating: "onion ", count: 50_000)
        let big = try net.send(large, via: [net.a, net.b], extra: ["--no-compress"])
        #expect(big.status == 0, "\(big.stderr)")
        let received = try net.receive()
        #expect(Set(received.filter { $0.count < 100 }) == ["one hop", "two hops", "three hops"])
        let largeCopies = received.filter { $0 == large }.count
        #expect(largeCopies == 1)
        // Without --wait-receipt the receipt is still checked, just not printed.
        let quiet = try net.send("quiet", via: [net.a, net.b])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(try quiet.json()["receipt"] == nil)
    }

    @Test func noRelayKnowsBothEnds() throws {
        let net = try Network()
        defer { net.stop() }
        let sent = try net.send("who talks to whom", via: [net.a, net.b], extra: ["--pad"])
        try #require(sent.status == 0, "\(sent.stderr)")
        #expect(try net.receive() == ["who talks to whom"])
        let bob = try Address(try net.address("bob")), alice = try Address(try net.address("alice"))

        func everything(_ relay: RelayProcess) throws -> [UInt8] {
            var bytes = Array(relay.log.utf8)
            let files = FileManager.default.enumerator(at: relay.data, includingPropertiesForKeys: nil)
            while let url = files?.nextObject() as? URL {
                if let data = try? Data(contentsOf: url) { bytes += data }
            }
            return bytes
        }
        func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
            guard needle.count <= haystack.count else { return false }
            return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
        }
        func traces(of address: Address) -> [[UInt8]] {
            [address.bytes, Array(address.checksummed.utf8), Array(Hex.encode(address.bytes).utf8)]
        }
        // The entry relay saw alice's connection but holds nothing that names bob.
        let entry = try everything(net.a)
        for trace in traces(of: bob) { #expect(!contains(entry, trace), "the entry relay's data or log names the recipient") }
        // The mailbox relay knows bob's mailbox, and neither alice's wallet nor her connection.
        let mailbox = try everything(net.m)
        #expect(contains(mailbox, Array(bob.checksummed.utf8)))
        for trace in traces(of: alice) { #expect(!contains(mailbox, trace), "the mailbox relay's data or log names the sender") }
        let clientPeer = try #require(net.a.log.split(separator: "\n").first { $0.contains("onion forwarded") }.flatMap { line in
            line.range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression).map { String(line[$0]) }
        })
        #expect(!contains(mailbox, Array(clientPeer.utf8)), "the mailbox relay saw the sender's connection \(clientPeer)")
        #expect(!contains(try everything(net.b), Array(clientPeer.utf8)))
        #expect(net.m.log.contains("onion delivered"))
    }

    @Test func replaysBadPathsAndFailingHopsAreRefusedClearly() throws {
        let net = try Network()
        defer { net.stop() }
        // Layers built here, so each hop's own layer can be replayed to it.
        let bob = try net.key("bob"), keys = (a: try net.key("rA"), b: try net.key("rB"), m: try net.key("rM"))
        let message = try RelayCLITests.envelope(Array("replay me".utf8), to: bob, from: PrivateKey.generate())
        func layer(_ relay: PublicKey, _ instruction: OnionInstruction, _ inner: [UInt8]) throws -> [UInt8] {
            let collected = Collected()
            var options = EnvelopeOptions()
            options.compression = .none
            let writer = try EnvelopeWriter(recipients: [relay], sender: PrivateKey.generate(), options: options) { collected.append($0) }
            try writer.write(instruction.encoded + inner)
            _ = try writer.finish()
            return collected.bytes
        }
        let atM = try layer(keys.m, OnionInstruction(kind: .deposit, address: bob.address), message)
        let atB = try layer(keys.b, OnionInstruction(kind: .forward, address: keys.m.address), atM)
        let atA = try layer(keys.a, OnionInstruction(kind: .forward, address: keys.b.address), atB)
        let receipt = try RelayClient(endpoint: net.a.parsedEndpoint).sendOnion(from: MemorySource(atA))
        #expect(receipt.isValid(from: keys.m.address, for: Array(message[8..<24])))
        for (relay, bytes) in [(net.a, atA), (net.b, atB), (net.m, atM)] {
            #expect(throws: RelayError.refused(code: RelayMessage.ErrorCode.replayed.rawValue, message: "this relay already handled message \(Hex.encode(bytes[8..<24]))")) {
                try RelayClient(endpoint: relay.parsedEndpoint).sendOnion(from: MemorySource(bytes))
            }
        }
        // A restarted relay no longer holds the id in memory: its store refuses the replay.
        net.a.stop()
        try net.a.restart(arguments: ["--peer", try Network.relayCard(net.conet, net.b)])
        #expect(throws: RelayError.refused(code: RelayMessage.ErrorCode.replayed.rawValue, message: "this relay already handled message \(Hex.encode(atA[8..<24]))")) {
            try RelayClient(endpoint: net.a.parsedEndpoint).sendOnion(from: MemorySource(atA))
        }
        #expect(try net.receive() == ["replay me"])

        // Paths: four relays, a relay twice, the mailbox relay as a --via relay.
        let c = try RelayProcess(net.conet, wallet: "rC")
        defer { c.stop() }
        let four = try net.send("x", via: [net.a, net.b, c])
        #expect(four.status == 2 && four.stderr.contains("at most 3"), "\(four.stderr)")
        let twice = try net.send("x", via: [net.a, net.a])
        #expect(twice.status == 2 && twice.stderr.contains("appears twice"), "\(twice.stderr)")
        let loop = try net.send("x", via: [net.m])
        #expect(loop.status == 2 && loop.stderr.contains("mailbox relay"), "\(loop.stderr)")

        // A hop the previous relay cannot authenticate: D's card for B names C's port.
        let forged = net.conet.home.appendingPathComponent("rB-elsewhere.card").path
        let endpoint = "\(keys.b.address.checksummed)@127.0.0.1:\(c.port)"
        try #require(try net.conet.run(["wallet", "card", "rB", "--mailbox", endpoint, "-o", forged], password: "pw").status == 0)
        let d = try RelayProcess(net.conet, wallet: "rD", arguments: ["--peer", forged])
        defer { d.stop() }
        let bCard = try Network.relayCard(net.conet, net.b)
        let unauthenticated = try net.conet.run(
            ["send", "--from", "alice", "--to", "bob-card", "--via", d.endpoint, "--via", bCard, "-"], password: "pw", stdin: Data("x".utf8))
        #expect(unauthenticated.status == 5)
        #expect(unauthenticated.stderr.contains("relay 1 of the path (\(try net.address("rD"))) could not pass the message to relay 2 (\(keys.b.address))"), "\(unauthenticated.stderr)")
        #expect(unauthenticated.stderr.contains("failed to prove its wallet address"))
        // A relay that knows no card for the next one.
        let unknown = try net.conet.run(
            ["send", "--from", "alice", "--to", "bob-card", "--via", c.endpoint, "--via", bCard, "-"], password: "pw", stdin: Data("x".utf8))
        #expect(unknown.status == 5 && unknown.stderr.contains("not known here"), "\(unknown.stderr)")

        // A hop that is down: a clear error, and nothing half-delivered anywhere.
        net.b.stop()
        let down = try net.send("lost?", via: [net.a, net.b])
        #expect(down.status == 5)
        #expect(down.stderr.contains("could not pass the message to relay 2 (\(keys.b.address))"), "\(down.stderr)")
        #expect(try net.receive().isEmpty)
    }
}
