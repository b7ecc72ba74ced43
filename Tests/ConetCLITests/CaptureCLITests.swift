import ConetCore
import Foundation
import Testing

/// `conet inspect --capture` and `--hex` on the binary: a real relay and real clients recorded by
/// Debian's tcpdump on the loopback interface, decoded with and without the CONET_KEYLOG files.
@Suite(.serialized) struct CaptureCLITests {
    /// tcpdump on lo for one port, writing `file`; ready once it says it is listening.
    final class Tcpdump {
        let process = Process()
        let log: URL
        let file: URL

        init(port: Int, file: URL, home: URL) throws {
            self.file = file
            log = home.appendingPathComponent("tcpdump.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["tcpdump", "-i", "lo", "--immediate-mode", "-U", "-n", "-w", file.path, "tcp port \(port)"]
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(20)
            while !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("listening on") {
                try #require(process.isRunning && Date() < deadline, "tcpdump did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
                usleep(20_000)
            }
        }

        /// With --immediate-mode and -U every packet is written as soon as it is captured; once the
        /// file has stopped growing, SIGKILL loses nothing. (SIGKILL because a child of the test
        /// runner inherits a mask that blocks SIGINT and SIGTERM.)
        func stop() {
            guard process.isRunning else { return }
            var size = -1, steady = 0
            let deadline = Date().addingTimeInterval(10)
            while steady < 3 && Date() < deadline {
                usleep(200_000)
                let now = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
                steady = now == size && now > 24 ? steady + 1 : 0
                size = now
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test func aRecordedSessionDecodesFullyWithTheKeyLogAndSensiblyWithout() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        for name in ["alice", "bob"] {
            let made = try conet.run(["wallet", "new", name, "--light"], password: "pw")
            try #require(made.status == 0, "\(made.stderr)")
        }
        let relayKeyLog = conet.home.appendingPathComponent("relay.keylog")
        let clientKeyLog = conet.home.appendingPathComponent("client.keylog")
        let relay = try RelayProcess(conet, environment: ["CONET_KEYLOG": relayKeyLog.path])
        defer { relay.stop() }
        let capture = conet.home.appendingPathComponent("session.pcap")
        let tcpdump = try Tcpdump(port: relay.port, file: capture, home: conet.home)
        defer { tcpdump.stop() }
        let logged = ["CONET_KEYLOG": clientKeyLog.path, "CONET_PASSWORD": "pw"]
        #expect(try conet.run(["wallet", "card", "bob", "--publish", relay.endpoint], environment: logged).status == 0)
        let bob = try #require(try conet.run(["wallet", "show", "bob", "--json"]).json()["address"] as? String)
        let note = conet.home.appendingPathComponent("note.txt")
        try Data(String(repeating: "wallet to wallet through a relay\n", count: 3000).utf8).write(to: note)
        let sent = try conet.run(["send", "--relay", relay.endpoint, "--from", "alice", "--to", bob, note.path, "--json"], environment: logged)
        try #require(sent.status == 0, "\(sent.stderr)")
        let messageId = try #require(try sent.json()["messageId"] as? String)
        let received = try conet.run(["recv", "--relay", relay.endpoint, "--wallet", "bob", "-o", conet.home.appendingPathComponent("in").path, "--json"], environment: logged)
        try #require(received.status == 0, "\(received.stderr)")
        tcpdump.stop()

        let keyLogMode = try FileManager.default.attributesOfItem(atPath: clientKeyLog.path)[.posixPermissions] as? Int
        #expect(keyLogMode == 0o600)
        #expect(relay.log.contains("CONET_KEYLOG is set"))

        // With either side's key log, every record of the three sessions opens.
        for keyLog in [clientKeyLog, relayKeyLog] {
            let result = try conet.run(["inspect", "--capture", capture.path, "--keylog", keyLog.path, "--port", "\(relay.port)", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let report = try result.json()
            #expect(report["format"] as? String == "pcap")
            #expect((report["problems"] as? [Any])?.isEmpty == true, "\(report["problems"] ?? "")")
            let sessions = try #require(report["sessions"] as? [[String: Any]])
            #expect(sessions.count == 3)
            var envelopeIds: [String] = []
            for session in sessions {
                #expect(session["decrypted"] as? Bool == true)
                #expect(session["relayAddress"] as? String == relay.parsedEndpoint.address.checksummed)
                let records = try #require(session["records"] as? [[String: Any]])
                #expect(records.filter { $0["kind"] as? String == "sealed" }.allSatisfy { $0["command"] != nil })
                envelopeIds += records.compactMap { ($0["envelope"] as? [String: Any])?["messageId"] as? String }
            }
            // The deposit (as sent) and the fetch (as received) carried the same envelope.
            #expect(envelopeIds == [messageId, messageId])
        }

        // Without keys: sessions, endpoints, the relay's address and record sizes, nothing more.
        let sealed = try conet.run(["inspect", "--capture", capture.path, "--json"])
        #expect(sealed.status == 0, "\(sealed.stderr)")
        let sessions = try #require(try sealed.json()["sessions"] as? [[String: Any]])
        #expect(sessions.count == 3)
        for session in sessions {
            #expect(session["decrypted"] as? Bool == false)
            #expect(session["relayAddress"] as? String == relay.parsedEndpoint.address.checksummed)
            #expect(((session["relay"] as? String) ?? "").hasSuffix(":\(relay.port)"))
            let records = try #require(session["records"] as? [[String: Any]])
            #expect(records.allSatisfy { $0["command"] == nil && (($0["size"] as? Int) ?? 0) > 0 })
        }

        let text = try conet.run(["inspect", "--capture", capture.path, "--keylog", clientKeyLog.path, "--hex"])
        #expect(text.status == 0, "\(text.stderr)")
        for expected in ["3 conet session(s)", "magic \"CNRL\"", "relay wallet key", "Poly1305 tag", "decrypted:", "type 0x03 deposit-begin", "envelope: id \(messageId)"] {
            #expect(text.text.contains(expected), "missing \(expected)")
        }
    }

    @Test func aMessageDumpsFieldByFieldUpToItsLastByte() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        #expect(try conet.run(["wallet", "new", "bob", "--light"], password: "pw").status == 0)
        let message = conet.home.appendingPathComponent("m.conet")
        let sent = try conet.run(
            ["send", "--to", "bob", "--from", "bob", "--hide-recipients", "-o", message.path, "-"], password: "pw", stdin: Data(SecureRandom.bytes(200_000)))
        try #require(sent.status == 0, "\(sent.stderr)")
        let result = try conet.run(["inspect", message.path, "--hex"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix("magic \"CONET\"") == true)
        for field in ["message id", "ephemeral key", "stanza 0: wrapped file key", "header MAC", "chunk 0: sealed", "trailer chunk"] {
            #expect(lines.contains { $0.contains(field) }, "missing \(field)")
        }
        #expect(!lines.contains { $0.contains("stanza 0: recipient") })  // hidden
        let trailer = try #require(lines.first { $0.contains("trailer chunk") })
        let offset = try #require(Int(trailer.prefix(8), radix: 16))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: message.path)[.size] as? Int)
        #expect(offset + 118 == size)
    }

    @Test func aCaptureOnStandardInputReportsAsTheFileDoes() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let capture = try Fixtures.url("relay-session.pcap")
        for style in [["--json"], ["--hex"], []] {
            let fromFile = try conet.run(["inspect", "--capture", capture.path] + style)
            let fromPipe = try conet.run(["inspect", "--capture", "-"] + style, stdin: try Data(contentsOf: capture))
            #expect(fromFile.status == 0 && fromPipe.status == 0, "\(fromPipe.stderr)")
            #expect(fromPipe.stdout == fromFile.stdout && !fromFile.stdout.isEmpty)
        }
        let refused = try conet.run(["inspect", "--capture", "-"], stdin: Data("no capture".utf8))
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("standard input is not a pcap or pcapng capture"))
    }

    @Test func badCapturesAndArgumentsAreRefusedClearly() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let junk = conet.home.appendingPathComponent("junk.pcap")
        try Data("this is no capture at all".utf8).write(to: junk)
        let refused = try conet.run(["inspect", "--capture", junk.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("not a pcap or pcapng capture"))
        let badLog = conet.home.appendingPathComponent("bad.keylog")
        try Data("CONET_RELAY_SESSION zz".utf8).write(to: badLog)
        let capture = try Fixtures.url("relay-session.pcap")
        let badKeys = try conet.run(["inspect", "--capture", capture.path, "--keylog", badLog.path])
        #expect(badKeys.status == 2)
        #expect(badKeys.stderr.contains("key log line 1"))
        #expect(try conet.run(["inspect", "--port", "80"]).status == 64)
        #expect(try conet.run(["inspect", "--capture", capture.path, "--hex", "--json"]).status == 64)
        #expect(try conet.run(["inspect", "--capture", capture.path, "x.conet"]).status == 64)
    }
}
