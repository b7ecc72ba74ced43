import Foundation
import Testing

@Suite struct WalletCLITests {
    @Test func newShowListSignVerify() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let created = try conet.run(["wallet", "new", "alice", "--light", "--json"], password: "pw")
        #expect(created.status == 0, "\(created.stderr)")
        let wallet = try created.json()
        let address = try #require(wallet["address"] as? String)
        #expect((wallet["mnemonic"] as? String)?.split(separator: " ").count == 12)
        #expect(wallet["path"] as? String == "m/44'/60'/0'/0/0")

        let shown = try conet.run(["wallet", "show", "alice", "--json"]).json()
        #expect(shown["address"] as? String == address)
        #expect(shown["mnemonic"] == nil)
        let listed = try conet.run(["wallet", "list", "--json"]).json()
        #expect((listed["wallets"] as? [[String: Any]])?.map { $0["name"] as? String } == ["alice"])

        let signed = try conet.run(["wallet", "sign", "alice", "-", "--json"], password: "pw", stdin: Data("hello conet".utf8)).json()
        let signature = try #require(signed["signature"] as? String)
        let valid = try conet.run(["wallet", "verify", "--address", address, "--signature", signature, "--message", "hello conet"])
        #expect(valid.status == 0)
        let invalid = try conet.run(["wallet", "verify", "--address", address, "--signature", signature, "--message", "hello conet!"])
        #expect(invalid.status == 1)

        // The mnemonic printed by `new` re-derives the same address.
        let phrase = try conet.file("phrase.txt", try #require(wallet["mnemonic"] as? String))
        let derived = try conet.run(["wallet", "derive", "--mnemonic-file", phrase, "--count", "1", "--json"]).json()
        #expect(((derived["accounts"] as? [[String: Any]])?.first?["address"] as? String) == address)
    }

    @Test func importsMatchKnownAnswers() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        // keys.json: a raw private key.
        let key = try #require(try Fixtures.cases("keys.json").first)
        let keyFile = try conet.file("key.txt", "0x" + (key["private_key"] as! String) + "\n")
        let fromKey = try conet.run(["wallet", "import", "k", "--private-key-file", keyFile, "--light", "--json"], password: "pw").json()
        #expect(fromKey["address"] as? String == key["address_eip55"] as? String)
        #expect(fromKey["publicKey"] as? String == "0x" + (key["public_key_compressed"] as! String))

        // bip39-bip44.json: a mnemonic with a passphrase, account index 1.
        let bip = try #require(try Fixtures.cases("bip39-bip44.json").first { ($0["passphrase"] as? String) == "TREZOR" })
        let derived = try #require((bip["derived"] as? [[String: Any]])?[1])
        let words = try conet.file("words.txt", bip["mnemonic"] as! String)
        let passphrase = try conet.file("passphrase.txt", "TREZOR\n")
        let fromWords = try conet.run(
            ["wallet", "import", "m", "--mnemonic-file", words, "--passphrase-file", passphrase, "--index", "1", "--light", "--json"],
            password: "pw").json()
        #expect(fromWords["address"] as? String == derived["address"] as? String)
        #expect(fromWords["path"] as? String == derived["path"] as? String)

        // keystore-v3.json: a keystore from eth-keyfile, opened with its password.
        let vector = try #require(try Fixtures.cases("keystore-v3.json").first { ($0["password"] as? String) == "testpassword" })
        let keystore = try conet.file("ks.json", String(decoding: try JSONSerialization.data(withJSONObject: vector["keystore"]!), as: UTF8.self))
        let fromKeystore = try conet.run(["wallet", "import", "ks", "--keystore", keystore, "--json"], password: "testpassword").json()
        #expect((fromKeystore["address"] as? String)?.lowercased() == vector["address_lower"] as? String)
        let exported = try conet.run(["wallet", "export", "ks", "--format", "private-key", "--unsafe-show-secret"], password: "testpassword")
        #expect(exported.text == "0x\(vector["private_key"] as! String)\n")

        // eip191.json: signing through the binary gives the vector's exact signature.
        let signing = try #require(try Fixtures.cases("eip191.json").first { ($0["message_hex"] as? String) == "68656c6c6f20636f6e6574" })
        let signingKey = try conet.file("signing.txt", signing["private_key"] as! String)
        try conet.run(["wallet", "import", "s", "--private-key-file", signingKey, "--light"], password: "pw")
        let signed = try conet.run(["wallet", "sign", "s", "--message", "hello conet"], password: "pw")
        #expect(signed.text == "0x\(signing["signature"] as! String)\n")
    }

    @Test func badInputGetsDocumentedExitCodes() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        #expect(try conet.run(["wallet", "new", "alice", "--light"], password: "pw").status == 0)
        // Wrong password: 3.
        let wrong = try conet.run(["wallet", "card", "alice"], password: "nope")
        #expect(wrong.status == 3)
        #expect(wrong.stderr.contains("wrong password"))
        // Existing name without --force: 4, and the wallet is untouched.
        let before = try Data(contentsOf: conet.home.appendingPathComponent("wallets/alice.json"))
        let again = try conet.run(["wallet", "new", "alice", "--light"], password: "pw")
        #expect(again.status == 4)
        #expect(try Data(contentsOf: conet.home.appendingPathComponent("wallets/alice.json")) == before)
        // Tampered keystore (MAC): 3.
        var object = try #require(try JSONSerialization.jsonObject(with: before) as? [String: Any])
        var crypto = try #require(object["crypto"] as? [String: Any])
        let mac = try #require(crypto["mac"] as? String)
        crypto["mac"] = (mac.first == "0" ? "1" : "0") + mac.dropFirst()
        object["crypto"] = crypto
        let tampered = try conet.file("tampered.json", String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        #expect(try conet.run(["wallet", "import", "t", "--keystore", tampered], password: "pw").status == 3)
        // Unsupported KDF and malformed JSON: 2.
        crypto["kdf"] = "argon2id"
        object["crypto"] = crypto
        let argon = try conet.file("argon.json", String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        let unsupported = try conet.run(["wallet", "import", "t", "--keystore", argon], password: "pw")
        #expect(unsupported.status == 2)
        #expect(unsupported.stderr.contains("argon2id"))
        let broken = try conet.file("broken.json", "{\"version\": 3, \"crypto\": ")
        #expect(try conet.run(["wallet", "import", "t", "--keystore", broken], password: "pw").status == 2)
        // Bad mnemonic word (named) and bad checksum: 2.
        let typo = try conet.file("typo.txt", "initial stove put accuse collect shoot visual unlock kind genius arrow eithr")
        let typoRun = try conet.run(["wallet", "derive", "--mnemonic-file", typo])
        #expect(typoRun.status == 2)
        #expect(typoRun.stderr.contains("'eithr'"))
        let checksum = try conet.file("checksum.txt", "initial stove put accuse collect shoot visual unlock kind genius arrow arrow")
        #expect(try conet.run(["wallet", "derive", "--mnemonic-file", checksum]).status == 2)
        // Address with a wrong EIP-55 checksum: 2.
        let badAddress = try conet.run(["wallet", "verify", "--address", "0x2c7536e3605D9C16a7a3D7b1898e529396a65c23",
                                        "--signature", "0x" + String(repeating: "11", count: 65), "--message", "x"])
        #expect(badAddress.status == 2)
        #expect(badAddress.stderr.contains("checksum"))
        // Missing wallet: 4. No password source and no terminal: 2, with advice.
        #expect(try conet.run(["wallet", "show", "nobody"]).status == 4)
        // A damaged file in the wallet folder is listed with the reason, not hidden.
        try Data("{\"version\": 3}".utf8).write(to: conet.home.appendingPathComponent("wallets/broken.json"))
        let listing = try conet.run(["wallet", "list", "--json"]).json()
        let unreadable = try #require(listing["unreadable"] as? [[String: Any]])
        #expect(unreadable.first?["name"] as? String == "broken")
        #expect((unreadable.first?["error"] as? String)?.contains("missing 'crypto'") == true)
        let noPassword = try conet.run(["wallet", "card", "alice"])
        #expect(noPassword.status == 2)
        #expect(noPassword.stderr.contains("--password-file"))
        // Private key export needs the explicit flag.
        #expect(try conet.run(["wallet", "export", "alice", "--format", "private-key"], password: "pw").status == 64)
    }

    /// A keystore names its own cost. One whose r·p overflows used to trap `wallet import`, and
    /// lying in wallets/ it crashed `wallet list` and `show`; one asking for 1 GiB was obeyed.
    /// Now each is refused, naming the field, and list reports a bad file beside the good ones.
    @Test func hostileKeystoresAreRefusedAndListedApart() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        #expect(try conet.run(["wallet", "new", "good", "--light"], password: "pw").status == 0)
        let vector = try #require(try Fixtures.cases("keystore-v3.json").first {
            (($0["keystore"] as? [String: Any])?["crypto"] as? [String: Any])?["kdf"] as? String == "scrypt"
        })
        let password = try #require(vector["password"] as? String)
        func keystore(_ name: String, _ params: [String: Int]) throws -> String {
            var object = try #require(vector["keystore"] as? [String: Any])
            var crypto = try #require(object["crypto"] as? [String: Any])
            var kdfParams = try #require(crypto["kdfparams"] as? [String: Any])
            for (key, value) in params { kdfParams[key] = value }
            crypto["kdfparams"] = kdfParams
            object["crypto"] = crypto
            return try conet.file(name, String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        }
        let cases: [(String, [String: Int], String)] = [
            ("overflow", ["n": 262_144, "r": 1 << 40, "p": 1 << 40], "'r'"),
            ("gigabyte", ["n": 1 << 20, "r": 8, "p": 1], "memory"),
            ("work", ["n": 262_144, "r": 8, "p": 8], "'n'·'r'·'p'"),
        ]
        for (name, params, named) in cases {
            let file = try keystore("\(name).json", params)
            let imported = try conet.run(["wallet", "import", name, "--keystore", file], password: password)
            #expect(imported.status == 2, "\(name): \(imported.stderr)")
            #expect(imported.stderr.contains(named), "\(name): \(imported.stderr)")
            try FileManager.default.copyItem(atPath: file, toPath: conet.home.appendingPathComponent("wallets/\(name).json").path)
            let shown = try conet.run(["wallet", "show", name])
            #expect(shown.status == 2, "\(name): \(shown.stderr)")
            #expect(shown.stderr.contains(named), "\(name): \(shown.stderr)")
        }
        let listing = try conet.run(["wallet", "list", "--json"])
        #expect(listing.status == 0, "\(listing.stderr)")
        let listed = try listing.json()
        #expect((listed["wallets"] as? [[String: Any]])?.map { $0["name"] as? String } == ["good"])
        let unreadable = try #require(listed["unreadable"] as? [[String: Any]])
        #expect(unreadable.map { $0["name"] as? String } == ["gigabyte", "overflow", "work"])
        let human = try conet.run(["wallet", "list"])
        #expect(human.status == 0)
        #expect(human.text.hasPrefix("good "))
        #expect(human.stderr.contains("wallet 'overflow': unsupported keystore: scrypt 'n' = 262144 with 'r' = 1099511627776"), "\(human.stderr)")
        // The largest cost allowed still opens: geth's memory, four times its work.
        let largest = try keystore("largest.json", ["p": 4])
        let opened = try conet.run(["wallet", "import", "largest", "--keystore", largest], password: password)
        #expect(opened.status == 3, "\(opened.stderr)")  // p changed the derived key: the MAC no longer matches
        #expect(opened.stderr.contains("wrong password"))
    }

    /// An account index of 2^31 or more would silently derive a hardened child.
    @Test func accountIndicesFromTwoToTheThirtyOneAreRefused() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let bip = try #require(try Fixtures.cases("bip39-bip44.json").first)
        let words = try conet.file("words.txt", bip["mnemonic"] as! String)
        let imported = try conet.run(["wallet", "import", "m", "--mnemonic-file", words, "--index", "2147483648", "--light"], password: "pw")
        #expect(imported.status == 64, "\(imported.stderr)")
        #expect(imported.stderr.contains("--index 2147483648 is too large"), "\(imported.stderr)")
        #expect(!FileManager.default.fileExists(atPath: conet.home.appendingPathComponent("wallets/m.json").path))
        let highest = try conet.run(["wallet", "import", "m", "--mnemonic-file", words, "--index", "2147483647", "--light", "--json"], password: "pw")
        #expect(highest.status == 0, "\(highest.stderr)")
        #expect(try highest.json()["path"] as? String == "m/44'/60'/0'/0/2147483647")
        let derived = try conet.run(["wallet", "derive", "--mnemonic-file", words, "--start", "2147483648"])
        #expect(derived.status == 64)
        #expect(derived.stderr.contains("--start 2147483648 is too large"), "\(derived.stderr)")
    }

    /// Hex errors name what was wrong, and a taken contact name is called a contact.
    @Test func errorsNameWhatWasWrong() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let badKey = try conet.file("bad.key", "0xzz" + String(repeating: "11", count: 31) + "\n")
        let bad = try conet.run(["wallet", "import", "k", "--private-key-file", badKey, "--light"], password: "pw")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad character 'z' at position 3"), "\(bad.stderr)")
        let shortKey = try conet.file("short.key", "0x1122\n")
        let short = try conet.run(["wallet", "import", "k", "--private-key-file", shortKey, "--light"], password: "pw")
        #expect(short.status == 2)
        #expect(short.stderr.contains("expected 32 bytes, got 2"), "\(short.stderr)")

        for name in ["one", "two"] {
            try conet.run(["wallet", "new", name, "--light"], password: "pw")
            #expect(try conet.run(["wallet", "card", name, "-o", "\(name).card.json"], password: "pw").status == 0)
        }
        #expect(try conet.run(["wallet", "contacts", "add", "one.card.json", "--name", "friend"]).status == 0)
        let taken = try conet.run(["wallet", "contacts", "add", "two.card.json", "--name", "friend"])
        #expect(taken.status == 4)
        #expect(taken.stderr.contains("a contact named 'friend' already exists"), "\(taken.stderr)")
    }

    @Test func cardsAndContacts() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        try conet.run(["wallet", "new", "bob", "--light"], password: "pw")
        let card = try conet.run(["wallet", "card", "bob", "--mailbox", "0x1111111111111111111111111111111111111111@127.0.0.1:7000", "--expires", "30d"], password: "pw")
        #expect(card.status == 0)
        let cardFile = try conet.file("bob.card", card.text)
        let added = try conet.run(["wallet", "contacts", "add", cardFile, "--name", "bob", "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let listed = try conet.run(["wallet", "contacts", "list", "--json"]).json()
        #expect((listed["contacts"] as? [[String: Any]])?.first?["name"] as? String == "bob")

        // Forged: the mailbox changed after signing.
        var object = try #require(try JSONSerialization.jsonObject(with: card.stdout) as? [String: Any])
        object["mailbox"] = "0x2222222222222222222222222222222222222222@127.0.0.1:9"
        let forged = try conet.file("forged.card", String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        let forgedRun = try conet.run(["wallet", "contacts", "add", forged])
        #expect(forgedRun.status == 1)
        #expect(forgedRun.stderr.contains("signature"))

        // Expired: a one-second card, two seconds later.
        let short = try conet.run(["wallet", "card", "bob", "--expires", "1s"], password: "pw")
        let shortFile = try conet.file("short.card", short.text)
        Thread.sleep(forTimeInterval: 2.1)
        let expired = try conet.run(["wallet", "contacts", "add", shortFile])
        #expect(expired.status == 1)
        #expect(expired.stderr.contains("expired"))

        #expect(try conet.run(["wallet", "contacts", "remove", "bob"]).status == 0)
        #expect(try conet.run(["wallet", "contacts", "remove", "bob"]).status == 4)
    }

    @Test func changePasswordAndRemove() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        try conet.run(["wallet", "new", "carol", "--light"], password: "old")
        let newPassword = try conet.file("new.txt", "new\n")
        #expect(try conet.run(["wallet", "change-password", "carol", "--new-password-file", newPassword, "--light"], password: "old").status == 0)
        #expect(try conet.run(["wallet", "card", "carol"], password: "old").status == 3)
        #expect(try conet.run(["wallet", "card", "carol"], password: "new").status == 0)
        #expect(try conet.run(["wallet", "remove", "carol"]).status == 64)
        #expect(try conet.run(["wallet", "remove", "carol", "--yes"]).status == 0)
        #expect(try conet.run(["wallet", "show", "carol"]).status == 4)
    }

    @Test func aWriteKilledMidwayLeavesNoWalletFile() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        // With a zero file-size limit the kernel kills conet (SIGXFSZ) at its first write.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "ulimit -f 0; exec \"$0\" wallet new victim --light", ConetProcess.binary.path]
        shell.environment = ["CONET_HOME": conet.home.path, "CONET_PASSWORD": "pw", "PATH": "/usr/bin:/bin"]
        shell.standardOutput = FileHandle.nullDevice
        shell.standardError = FileHandle.nullDevice
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus != 0)
        let wallets = (try? FileManager.default.contentsOfDirectory(atPath: conet.home.appendingPathComponent("wallets").path)) ?? []
        #expect(wallets.isEmpty, "left behind: \(wallets)")
        let list = try conet.run(["wallet", "list", "--json"]).json()
        #expect((list["wallets"] as? [Any])?.isEmpty == true)
        #expect((list["unreadable"] as? [Any])?.isEmpty == true)
    }
}
