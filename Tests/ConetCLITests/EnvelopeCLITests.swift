import Foundation
import Testing

/// `conet send`, `recv` and `inspect` run as a user would: through pipes and files.
@Suite struct EnvelopeCLITests {
    /// A home with wallets alice and bob (password "pw"); returns their addresses.
    func twoWallets(_ conet: ConetProcess, names: [String] = ["alice", "bob"]) throws -> [String: String] {
        var addresses: [String: String] = [:]
        for name in names {
            let made = try conet.run(["wallet", "new", name, "--light", "--json"], password: "pw")
            try #require(made.status == 0, "\(made.stderr)")
            addresses[name] = try #require(try made.json()["address"] as? String)
        }
        return addresses
    }

    func content(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: count)
        // Alternate text-like runs and noise, like real files.
        var index = 0
        while index < count {
            let run = min(count - index, Int.random(in: 1...5000, using: &generator))
            let noisy = Bool.random(using: &generator)
            for offset in 0..<run {
                bytes[index + offset] = noisy ? UInt8.random(in: 0...255, using: &generator) : UInt8(97 + (index + offset) % 7)
            }
            index += run
        }
        return Data(bytes)
    }

    @Test func pipesRoundTripEverySizeAndMode() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let addresses = try twoWallets(conet)
        for size in [0, 1, 65535, 65536, 65537, 3 * 1024 * 1024] {
            let data = content(size)
            for flags in [[], ["--no-compress"], ["--armor"], ["--hide-recipients", "--pad"], ["--level", "19"]] {
                let sent = try conet.run(["send", "--from", "alice", "--to", "bob"] + flags, password: "pw", stdin: data)
                #expect(sent.status == 0, "send \(size) \(flags): \(sent.stderr)")
                let received = try conet.run(["recv", "--json", "--expect-from", addresses["alice"]!], password: "pw", stdin: sent.stdout)
                #expect(received.status == 0, "recv \(size) \(flags): \(received.stderr)")
                #expect(received.stdout == data, "size \(size) \(flags)")
                let report = try JSONSerialization.jsonObject(with: Data(received.stderr.utf8)) as? [String: Any]
                #expect(report?["sender"] as? String == addresses["alice"])
                #expect(report?["verified"] as? Bool == true)
                #expect(report?["contentBytes"] as? Int == size)
                if !flags.contains("--armor") { #expect(report?["envelopeBytes"] as? Int == sent.stdout.count) }
            }
        }
    }

    @Test func fiveRecipientsByCardContactKeyAndName() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let names = ["alice", "r1", "r2", "r3", "r4", "r5"]
        let addresses = try twoWallets(conet, names: names)
        let card = try conet.run(["wallet", "card", "r1", "-o", "r1.card.json"], password: "pw")
        try #require(card.status == 0, "\(card.stderr)")
        let card2 = try conet.run(["wallet", "card", "r2", "-o", "r2.card.json"], password: "pw")
        try #require(card2.status == 0, "\(card2.stderr)")
        #expect(try conet.run(["wallet", "contacts", "add", "r2.card.json"]).status == 0)
        let key3 = try #require(try conet.run(["wallet", "show", "r3", "--json"]).json()["publicKey"] as? String)
        let data = content(200_000)
        let input = try conet.file("input.bin", "")
        try data.write(to: URL(fileURLWithPath: input))
        let sent = try conet.run(
            ["send", "--from", "alice", "--to", "./r1.card.json", "--to", addresses["r2"]!, "--to", key3, "--to", "r4", "--to", "r5",
             input, "-o", "message.conet", "--json"],
            password: "pw")
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(try sent.json()["recipients"] as? Int == 5)
        for name in names.dropFirst() {
            let received = try conet.run(["recv", "--wallet", name, "message.conet", "-o", "out-\(name).bin", "--json"], password: "pw")
            #expect(received.status == 0, "\(name): \(received.stderr)")
            #expect(try received.json()["wallet"] as? String == name)
            #expect(try Data(contentsOf: conet.home.appendingPathComponent("out-\(name).bin")) == data)
        }
        // Without --wallet, recv finds the right one among all wallets.
        let any = try conet.run(["recv", "message.conet", "-o", "any.bin", "--json"], password: "pw")
        #expect(any.status == 0, "\(any.stderr)")
        // alice is not a recipient.
        let notFor = try conet.run(["recv", "--wallet", "alice", "message.conet", "-o", "alice.bin"], password: "pw")
        #expect(notFor.status == 4)
        #expect(notFor.stderr.contains("not a recipient") || notFor.stderr.contains("is a recipient"))
        #expect(!FileManager.default.fileExists(atPath: conet.home.appendingPathComponent("alice.bin").path))
        // A bare address without a card cannot be encrypted to.
        let bare = try conet.run(["send", "--from", "alice", "--to", addresses["r1"]!], password: "pw", stdin: data)
        #expect(bare.status == 4)
        #expect(bare.stderr.contains("no card"))
    }

    @Test func tamperedMessagesFailAndLeaveNoOutputFile() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let addresses = try twoWallets(conet, names: ["alice", "bob", "carol"])
        let data = content(300_000)
        let sent = try conet.run(["send", "--from", "alice", "--to", "bob"], password: "pw", stdin: data)
        try #require(sent.status == 0)
        let message = [UInt8](sent.stdout)
        // A changed header byte may make it unparseable (2) or fail its MAC (3); payload damage is 3.
        var cases: [(String, [UInt8], Set<Int32>)] = []
        for position in [0, 7, 60, 150, 250, 70_000, message.count / 2, message.count - 50, message.count - 1] {
            var damaged = message
            damaged[position] ^= 0x04
            cases.append(("flip at \(position)", damaged, position == 0 ? [2] : position < 194 ? [2, 3] : [3]))
        }
        cases.append(("cut at the first chunk", Array(message[..<(message.count - 65_553 - 118)]), [3]))
        cases.append(("cut by one byte", Array(message.dropLast()), [3]))
        cases.append(("one byte appended", message + [0], [3]))
        for (what, bytes, status) in cases {
            let received = try conet.run(["recv", "--wallet", "bob", "-o", "out.bin"], password: "pw", stdin: Data(bytes))
            #expect(status.contains(received.status), "\(what): \(received.stderr)")
            #expect(received.stderr.hasPrefix("conet: "), "\(what)")
            let left = try FileManager.default.contentsOfDirectory(atPath: conet.home.path).filter { $0.contains("out.bin") }
            #expect(left.isEmpty, "\(what) left \(left)")
        }
        // A wrong sender password: the key unlocks while the message is sealed, yet nothing is
        // written, neither to standard output nor to a file.
        let badPassword = try conet.run(["send", "--from", "alice", "--to", "bob", "--no-compress"], password: "nope", stdin: data)
        #expect(badPassword.status == 3)
        #expect(badPassword.stderr.contains("wrong password"))
        #expect(badPassword.stdout.isEmpty)
        let badToFile = try conet.run(["send", "--from", "alice", "--to", "bob", "-o", "out.bin"], password: "nope", stdin: data)
        #expect(badToFile.status == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: conet.home.path).filter { $0.contains("out.bin") }.isEmpty)
        // The wrong wallet, and the wrong expected sender.
        let wrong = try conet.run(["recv", "--wallet", "carol", "-o", "out.bin"], password: "pw", stdin: sent.stdout)
        #expect(wrong.status == 4)
        let impostor = try conet.run(["recv", "--expect-from", addresses["carol"]!, "-o", "out.bin"], password: "pw", stdin: sent.stdout)
        #expect(impostor.status == 1)
        #expect(impostor.stderr.contains("not \(addresses["carol"]!)"))
        #expect(!FileManager.default.fileExists(atPath: conet.home.appendingPathComponent("out.bin").path))
        // An existing output file is kept unless --force.
        let existing = try conet.file("out.bin", "keep me")
        let refused = try conet.run(["recv", "-o", "out.bin"], password: "pw", stdin: sent.stdout)
        #expect(refused.status == 4)
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")
        let forced = try conet.run(["recv", "-o", "out.bin", "--force"], password: "pw", stdin: sent.stdout)
        #expect(forced.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == data)
        // A device is written in place, never replaced by a rename.
        let toNull = try conet.run(["recv", "-o", "/dev/null", "--force"], password: "pw", stdin: sent.stdout)
        #expect(toNull.status == 0, "\(toNull.stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType == .typeCharacterSpecial)
    }

    @Test func strictArmorIsDetectedAndChecked() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        _ = try twoWallets(conet)
        let sent = try conet.run(["send", "--from", "alice", "--to", "bob", "--armor"], password: "pw", stdin: content(5000))
        let text = sent.text
        #expect(text.hasPrefix("-----BEGIN CONET MESSAGE-----\n"))
        #expect(text.hasSuffix("-----END CONET MESSAGE-----\n"))
        let lines = text.split(separator: "\n")
        #expect(lines.dropFirst().dropLast(2).allSatisfy { $0.count == 64 })
        #expect(try conet.run(["recv"], password: "pw", stdin: Data(("\n  " + text + "\n\n").utf8)).status == 0)
        let damaged: [(String, String)] = [
            ("CRLF", text.replacingOccurrences(of: "\n", with: "\r\n")),
            ("a long line", text.replacingOccurrences(of: String(lines[1]) + "\n" + String(lines[2]), with: String(lines[1]) + String(lines[2]))),
            ("no END", String(text.dropLast(28))),
            ("data after END", text + "garbage\n"),
            ("a bad character", text.replacingOccurrences(of: String(lines[3]), with: "*" + lines[3].dropFirst())),
        ]
        for (what, armored) in damaged {
            let received = try conet.run(["recv"], password: "pw", stdin: Data(armored.utf8))
            #expect(received.status == 2, "\(what): \(received.stderr)")
            #expect(received.stderr.contains("armor"), "\(what): \(received.stderr)")
        }
    }

    @Test func inspectSizesAddUpWithAndWithoutAWallet() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let addresses = try twoWallets(conet)
        for flags in [["--pad"], ["--armor", "--hide-recipients"], ["--no-compress"]] {
            let sent = try conet.run(["send", "--from", "alice", "--to", "bob", "-o", "m.conet", "--force"] + flags, password: "pw", stdin: content(150_000))
            try #require(sent.status == 0, "\(sent.stderr)")
            let size = try #require(try FileManager.default.attributesOfItem(atPath: conet.home.appendingPathComponent("m.conet").path)[.size] as? Int)
            for wallet in [[], ["--wallet", "bob"]] {
                let inspected = try conet.run(["inspect", "m.conet", "--json"] + wallet, password: "pw")
                #expect(inspected.status == 0, "\(inspected.stderr)")
                let info = try inspected.json()
                let sizes = try #require(info["sizes"] as? [String: Any])
                let parts = ["armor", "header", "stanzas", "payload", "chunkOverhead", "padding", "trailer"].map { sizes[$0] as? Int ?? 0 }
                #expect(parts.reduce(0, +) == size, "\(flags) \(wallet): \(sizes)")
                #expect(sizes["input"] as? Int == size)
                #expect(info["chunks"] as? Int == 4 || info["chunks"] as? Int == 2 || info["chunks"] as? Int == 3)
                let opened = info["opened"] as? [String: Any]
                #expect((opened?["sender"] as? String) == (wallet.isEmpty ? nil : addresses["alice"]))
                #expect((info["recipients"] as? [[String: Any]])?.count == 1)
            }
        }
        let notMessage = try conet.run(["inspect", "-"], stdin: Data("hello".utf8))
        #expect(notMessage.status == 2)
        #expect(notMessage.stderr.contains("not a conet message"))
    }

    @Test func binaryIsNeverWrittenToATerminal() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        _ = try twoWallets(conet)
        // `script` gives the command a pseudo-terminal as standard output.
        let result = try conet.shell(
            "echo hi > in.txt; script -qec \"$CONET send --from alice --to bob in.txt\" /dev/null",
            environment: ["CONET_PASSWORD": "pw"])
        #expect(result.status != 0)
        #expect(result.text.contains("refusing to write an encrypted message to a terminal"))
    }

    /// 1 GiB through pipes in both directions with peak RSS (GNU time's %M, KiB) under 64 MiB.
    @Test func aGibibyteThroughPipesInConstantMemory() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        _ = try twoWallets(conet)
        let result = try conet.shell(
            """
            head -c 1073741824 /dev/urandom | tee >(sha256sum > sent.sum) \
              | /usr/bin/time -f %M -o send.rss "$CONET" send --from alice --to bob \
              | /usr/bin/time -f %M -o recv.rss "$CONET" recv --wallet bob --json 2> report.json | sha256sum > received.sum
            sleep 0.2; cat sent.sum received.sum send.rss recv.rss report.json
            """,
            environment: ["CONET_PASSWORD": "pw"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.text.split(separator: "\n").map(String.init)
        try #require(lines.count >= 5, "\(result.text)")
        #expect(lines[0].prefix(64) == lines[1].prefix(64), "content changed on the way")
        let sendKiB = try #require(Int(lines[2])), recvKiB = try #require(Int(lines[3]))
        #expect(sendKiB < 64 * 1024, "send peak RSS \(sendKiB) KiB")
        #expect(recvKiB < 64 * 1024, "recv peak RSS \(recvKiB) KiB")
        #expect(lines[4].contains("\"contentBytes\":1073741824"))
    }
}
