import Foundation
import Testing

/// How `send --to` turns an argument into a key: a bare name is a contact or a wallet, never a
/// file that happens to share it; a card file only when the argument is clearly a path or says
/// `card:`; an ambiguous name is refused; and the report names every recipient and its source.
@Suite struct RecipientsCLITests {
    /// Wallets made with --light and password "pw"; returns their addresses.
    func wallets(_ conet: ConetProcess, _ names: [String]) throws -> [String: String] {
        var addresses: [String: String] = [:]
        for name in names {
            let made = try conet.run(["wallet", "new", name, "--light", "--json"], password: "pw")
            try #require(made.status == 0, "\(made.stderr)")
            addresses[name] = try #require(try made.json()["address"] as? String)
        }
        return addresses
    }

    /// The wallets among `candidates` that can open `message`.
    func readers(of message: String, among candidates: [String], _ conet: ConetProcess) throws -> [String] {
        try candidates.filter { try conet.run(["recv", "--wallet", $0, message, "-o", "/dev/null"], password: "pw").status == 0 }
    }

    /// A file named like a wallet, holding someone else's card, used to take the wallet's place.
    @Test func aFileInTheWorkingFolderNeverStandsInForAName() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let addresses = try wallets(conet, ["alice", "bob", "mallory"])
        // The tests run in the home folder: a file "bob" there holds mallory's card.
        #expect(try conet.run(["wallet", "card", "mallory", "-o", "bob"], password: "pw").status == 0)
        let sent = try conet.run(["send", "--from", "alice", "--to", "bob", "-o", "m.conet", "--json"], password: "pw", stdin: Data("hi".utf8))
        #expect(sent.status == 0, "\(sent.stderr)")
        let to = try #require(try sent.json()["to"] as? [[String: Any]])
        #expect(to.count == 1)
        #expect(to.first?["address"] as? String == addresses["bob"])
        #expect(to.first?["source"] as? String == "wallet")
        #expect(to.first?["name"] as? String == "bob")
        #expect(try readers(of: "m.conet", among: ["bob", "mallory"], conet) == ["bob"])

        // The card file is still reachable, as a path.
        let byPath = try conet.run(["send", "--from", "alice", "--to", "./bob", "-o", "p.conet", "--json"], password: "pw", stdin: Data("hi".utf8))
        #expect(byPath.status == 0, "\(byPath.stderr)")
        let pathTo = try #require(try byPath.json()["to"] as? [[String: Any]])
        #expect(pathTo.first?["source"] as? String == "card-file")
        #expect(pathTo.first?["path"] as? String == "./bob")
        #expect(pathTo.first?["address"] as? String == addresses["mallory"])
        #expect(try readers(of: "p.conet", among: ["bob", "mallory"], conet) == ["mallory"])

        // A name that is only a file is not found, with a hint at the path form.
        #expect(try conet.run(["wallet", "card", "mallory", "-o", "carol"], password: "pw").status == 0)
        let onlyFile = try conet.run(["send", "--from", "alice", "--to", "carol"], password: "pw", stdin: Data("hi".utf8))
        #expect(onlyFile.status == 4)
        #expect(onlyFile.stderr.contains("write ./carol"), "\(onlyFile.stderr)")
        #expect(onlyFile.stdout.isEmpty)
        // card: says so explicitly.
        let explicit = try conet.run(["send", "--from", "alice", "--to", "card:carol", "-o", "c.conet"], password: "pw", stdin: Data("hi".utf8))
        #expect(explicit.status == 0, "\(explicit.stderr)")
        #expect(explicit.text.contains("to \(addresses["mallory"]!) (card file carol)"), "\(explicit.text)")
    }

    /// A name that is both a contact and a wallet of different keys is refused, naming both;
    /// contact:NAME and wallet:NAME pick one. The same key under both names is no ambiguity.
    @Test func anAmbiguousNameIsRefusedNamingBoth() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let addresses = try wallets(conet, ["alice", "dave", "other"])
        #expect(try conet.run(["wallet", "card", "other", "-o", "other.card.json"], password: "pw").status == 0)
        #expect(try conet.run(["wallet", "contacts", "add", "other.card.json", "--name", "dave"]).status == 0)
        let ambiguous = try conet.run(["send", "--from", "alice", "--to", "dave", "-o", "m.conet"], password: "pw", stdin: Data("hi".utf8))
        #expect(ambiguous.status == 2)
        #expect(ambiguous.stderr.contains("contact 'dave' (\(addresses["other"]!))"), "\(ambiguous.stderr)")
        #expect(ambiguous.stderr.contains("wallet 'dave' (\(addresses["dave"]!))"), "\(ambiguous.stderr)")
        #expect(!FileManager.default.fileExists(atPath: conet.home.appendingPathComponent("m.conet").path))

        let toContact = try conet.run(["send", "--from", "alice", "--to", "contact:dave", "-o", "c.conet", "--json"], password: "pw", stdin: Data("hi".utf8))
        #expect(toContact.status == 0, "\(toContact.stderr)")
        let contactTo = try #require(try toContact.json()["to"] as? [[String: Any]])
        #expect(contactTo.first?["source"] as? String == "contact")
        #expect(contactTo.first?["address"] as? String == addresses["other"])
        let toWallet = try conet.run(["send", "--from", "alice", "--to", "wallet:dave", "-o", "w.conet"], password: "pw", stdin: Data("hi".utf8))
        #expect(toWallet.status == 0, "\(toWallet.stderr)")
        #expect(toWallet.text.contains("to \(addresses["dave"]!) (wallet dave)"), "\(toWallet.text)")
        #expect(try readers(of: "w.conet", among: ["dave", "other"], conet) == ["dave"])

        // Our own card kept as a contact under our wallet's name: one key, no question.
        #expect(try conet.run(["wallet", "card", "alice", "-o", "alice.card.json"], password: "pw").status == 0)
        #expect(try conet.run(["wallet", "contacts", "add", "alice.card.json", "--name", "alice"]).status == 0)
        let same = try conet.run(["send", "--from", "alice", "--to", "alice", "-o", "s.conet"], password: "pw", stdin: Data("hi".utf8))
        #expect(same.status == 0, "\(same.stderr)")
    }

    /// Every kind of recipient in one message: the report lists each in --to order with its
    /// source, in JSON and in words; README's `--to friend.card.json` still reads the card file.
    @Test func theReportNamesEveryRecipientAndItsSource() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let addresses = try wallets(conet, ["alice", "friend", "r2", "r3", "r4"])
        #expect(try conet.run(["wallet", "card", "friend", "-o", "friend.card.json"], password: "pw").status == 0)
        #expect(try conet.run(["wallet", "card", "r2", "-o", "r2.card.json"], password: "pw").status == 0)
        #expect(try conet.run(["wallet", "contacts", "add", "r2.card.json", "--name", "second"]).status == 0)
        let key3 = try #require(try conet.run(["wallet", "show", "r3", "--json"]).json()["publicKey"] as? String)
        let arguments = ["friend.card.json", addresses["r2"]!, key3, "r4", "second"]
        let sent = try conet.run(
            ["send", "--from", "alice"] + arguments.flatMap { ["--to", $0] } + ["-o", "m.conet", "--json"], password: "pw", stdin: Data("hi".utf8))
        #expect(sent.status == 0, "\(sent.stderr)")
        let report = try sent.json()
        // r2 is named twice (by address and by name): the message and the report hold it once.
        #expect(report["recipients"] as? Int == 4)
        let to = try #require(report["to"] as? [[String: Any]])
        #expect(to.map { $0["address"] as? String } == [addresses["friend"], addresses["r2"], addresses["r3"], addresses["r4"]])
        #expect(to.map { $0["source"] as? String } == ["card-file", "contact", "public-key", "wallet"])
        #expect(to.map { $0["name"] as? String } == [nil, "second", nil, "r4"])
        #expect(to.first?["path"] as? String == "friend.card.json")

        let human = try conet.run(
            ["send", "--from", "alice", "--to", "friend.card.json", "--to", key3, "--to", "second", "-o", "h.conet"], password: "pw", stdin: Data("hi".utf8))
        #expect(human.status == 0, "\(human.stderr)")
        let lines = human.text.split(separator: "\n").dropFirst().map(String.init)
        #expect(lines == [
            "  to \(addresses["friend"]!) (card file friend.card.json)",
            "  to \(addresses["r3"]!) (public key)",
            "  to \(addresses["r2"]!) (contact second)",
        ])
        // README: tar c project | conet send --to friend.card.json > project.conet
        let piped = try conet.shell("printf data | \"$CONET\" send --from alice --to friend.card.json > project.conet", environment: ["CONET_PASSWORD": "pw"])
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try readers(of: "project.conet", among: ["friend", "r4"], conet) == ["friend"])
    }
}
