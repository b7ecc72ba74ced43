import ConetCore
import Foundation
import Testing

/// What a hostile relay or sender can make `recv` do: never write unverified or unwanted content
/// where the user reads it, never replace a file already received, never leave plaintext behind.
@Suite(.serialized) struct HostileRecvTests {
    @Test func followWithExpectFromWritesOnlyTheExpectedSendersContentAndSaysItRefusedOne() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        try conet.makeWallets(["alice", "mallory", "bob"])
        let bob = try conet.walletField("bob"), alice = try conet.walletField("alice")
        #expect(try conet.run(["wallet", "card", "bob", "--publish", relay.endpoint], password: "pw").status == 0)
        for (from, text) in [("mallory", "from mallory"), ("alice", "from alice")] {
            let sent = try conet.run(["send", "--relay", relay.endpoint, "--from", from, "--to", bob, "-"], password: "pw", stdin: Data(text.utf8))
            try #require(sent.status == 0, "\(sent.stderr)")
        }
        // Two drains at least (a ping after each quiet spell would do it too): one more message.
        let followed = try conet.shell("""
            ( sleep 2; printf 'later from alice' | "$CONET" send --relay \(relay.endpoint) --from alice --to \(bob) - ) &
            timeout --preserve-status -s INT 5 "$CONET" recv --relay \(relay.endpoint) --wallet bob --follow --expect-from \(alice) > \(conet.home.path)/out
            status=$?; wait; exit $status
            """, environment: ["CONET_HOME": conet.home.path, "CONET_PASSWORD": "pw"])
        let out = try String(contentsOfFile: conet.home.path + "/out", encoding: .utf8)
        #expect(out == "from alicelater from alice", "standard output held: \(out)")
        #expect(followed.status == 1, "interrupted after refusing a message, recv --follow exited \(followed.status): \(followed.stderr)")
        #expect(followed.stderr.components(separatedBy: "left on the relay").count == 2, "\(followed.stderr)")
    }

    @Test func aFetchedMessageNeverReplacesAFileAlreadyThere() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let relay = try RelayProcess(conet)
        try conet.makeWallets(["alice", "bob"])
        let bob = try conet.walletField("bob")
        #expect(try conet.run(["wallet", "card", "bob", "--publish", relay.endpoint], password: "pw").status == 0)
        let sent = try conet.run(["send", "--relay", relay.endpoint, "--from", "alice", "--to", bob, "--json", "-"], password: "pw", stdin: Data("new".utf8))
        let id = try #require(try sent.json()["messageId"] as? String)
        let inbox = conet.home.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try Data("received last week".utf8).write(to: inbox.appendingPathComponent(id))
        let received = try conet.run(["recv", "--relay", relay.endpoint, "--wallet", "bob", "-o", inbox.path, "--json"], password: "pw")
        #expect(received.status == 0, "\(received.stderr)")
        #expect(try String(contentsOf: inbox.appendingPathComponent(id), encoding: .utf8) == "received last week")
        #expect(try String(contentsOf: inbox.appendingPathComponent("\(id)-2"), encoding: .utf8) == "new")
        #expect(try received.json()["output"] as? String == inbox.appendingPathComponent("\(id)-2").path)
    }

    @Test func maxSizeStopsADecompressionBombAndLeavesNoFile() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        try conet.makeWallets(["bob"])
        let bob = try conet.walletField("bob", "publicKey")
        let bomb = try conet.run(["send", "--to", bob, "--level", "19", "-"], password: "pw", stdin: Data(count: 32 << 20))
        try #require(bomb.status == 0, "\(bomb.stderr)")
        #expect(bomb.stdout.count < 64 << 10)
        let out = conet.home.appendingPathComponent("out")
        let refused = try conet.run(["recv", "--wallet", "bob", "--max-size", "1MiB", "-o", out.path], password: "pw", stdin: bomb.stdout)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("limit"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let accepted = try conet.run(["recv", "--wallet", "bob", "--max-size", "32MiB", "-o", out.path], password: "pw", stdin: bomb.stdout)
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }

    @Test func aKilledRecvLeavesNoFileOfUnverifiedPlaintext() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        try conet.makeWallets(["bob"])
        let bob = try conet.walletField("bob", "publicKey")
        let message = conet.home.appendingPathComponent("m.conet")
        let made = try conet.run(["send", "--to", bob, "--no-compress", "-o", message.path, "-"], password: "pw", stdin: Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0) }))
        try #require(made.status == 0, "\(made.stderr)")
        let folder = conet.home.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Half the message now, the rest never: recv is killed while it waits for it.
        let killed = try conet.shell("""
            ( head -c 2000000 \(message.path); exec sleep 29.317 ) | "$CONET" recv --wallet bob -o \(folder.path)/plain &
            pid=$!; sleep 3; ls -A \(folder.path) > \(conet.home.path)/during; pkill -9 -f 'conet recv --wallet bob -o'; wait $pid
            pkill -f 'sleep 29.317'
            ls -A \(folder.path)
            """, environment: ["CONET_HOME": conet.home.path, "CONET_PASSWORD": "pw"])
        #expect(killed.text.isEmpty, "left behind: \(killed.text)")
        #expect(try String(contentsOfFile: conet.home.path + "/during", encoding: .utf8).isEmpty)
    }
}
