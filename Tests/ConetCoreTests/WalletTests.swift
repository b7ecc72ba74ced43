@testable import ConetCore
import Foundation
import Testing

@Suite struct AddressTests {
    struct Vector: Decodable {
        let private_key: String
        let address_eip55: String
        let address_lower: String
    }

    @Test func addressesAndChecksums() throws {
        for vector in try Fixtures.cases("keys.json", as: Vector.self) {
            let key = try PrivateKey(bytes: [UInt8](hex: vector.private_key))
            #expect(key.publicKey.address.checksummed == vector.address_eip55)
            #expect(key.publicKey.address.lowercased == vector.address_lower)
            #expect(try Address(vector.address_lower) == key.publicKey.address)
            #expect(try Address(vector.address_eip55) == key.publicKey.address)
            #expect(try Address("0x" + vector.address_lower.dropFirst(2).uppercased()) == key.publicKey.address)
        }
    }

    @Test func wrongChecksumIsRejected() throws {
        let good = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
        let bad = "0x2c7536e3605D9C16a7a3D7b1898e529396a65c23"  // one letter's case flipped
        #expect(throws: AddressError.badChecksum(bad)) { try Address(bad) }
        _ = try Address(good)
        #expect(throws: AddressError.self) { try Address("0x2c7536E3605D9C16a7a3D7b1898e529396a65c2") }
        #expect(throws: AddressError.self) { try Address("0x2c7536E3605D9C16a7a3D7b1898e529396a65cZZ") }
        #expect(throws: AddressError.self) { try Address("") }
    }
}

@Suite struct PersonalMessageTests {
    struct Vector: Decodable {
        let address: String
        let message_hex: String
        let private_key: String
        let signature: String
    }

    @Test func signAndRecoverVectors() throws {
        for vector in try Fixtures.cases("eip191.json", as: Vector.self) {
            let key = try PrivateKey(bytes: [UInt8](hex: vector.private_key))
            let message = [UInt8](hex: vector.message_hex)
            #expect(Hex.encode(PersonalMessage.sign(message, with: key).bytes) == vector.signature)
            let signature = try RecoverableSignature(bytes: [UInt8](hex: vector.signature))
            #expect(try PersonalMessage.signer(of: message, signature: signature) == Address(vector.address))
            #expect(PersonalMessage.verify(message, signature: signature, address: try Address(vector.address)))
            #expect(!PersonalMessage.verify(message + [0], signature: signature, address: try Address(vector.address)))
        }
    }
}

@Suite struct MnemonicTests {
    struct Derived: Decodable {
        let address: String
        let path: String
        let private_key: String
    }

    struct Vector: Decodable {
        let entropy_hex: String
        let mnemonic: String
        let passphrase: String
        let seed_hex: String
        let derived: [Derived]
    }

    @Test func bip39AndBip44Vectors() throws {
        for vector in try Fixtures.cases("bip39-bip44.json", as: Vector.self) {
            let mnemonic = try Mnemonic(vector.mnemonic)
            #expect(try Mnemonic(entropy: [UInt8](hex: vector.entropy_hex)).phrase == mnemonic.phrase)
            let seed = mnemonic.seed(passphrase: vector.passphrase)
            #expect(Hex.encode(seed.unsafeCopy()) == vector.seed_hex)
            let master = try ExtendedPrivateKey(seed: seed)
            for derived in vector.derived {
                let key = try master.derive(DerivationPath(derived.path)).key
                #expect(Hex.encode(key.secret.unsafeCopy()) == derived.private_key, "\(derived.path)")
                #expect(key.publicKey.address.checksummed == derived.address)
            }
        }
    }

    @Test func generatedMnemonicsAreValid() throws {
        for count in [12, 24] {
            let mnemonic = try Mnemonic.generate(wordCount: count)
            #expect(mnemonic.words.count == count)
            #expect(try Mnemonic(mnemonic.phrase).words == mnemonic.words)
        }
        #expect(throws: MnemonicError.self) { try Mnemonic.generate(wordCount: 13) }
    }

    @Test func badWordsAndChecksumsAreNamed() throws {
        let good = "initial stove put accuse collect shoot visual unlock kind genius arrow either"
        #expect(throws: MnemonicError.unknownWord("eithr", position: 12)) {
            try Mnemonic(good.replacingOccurrences(of: "either", with: "eithr"))
        }
        #expect(throws: MnemonicError.badChecksum) { try Mnemonic(good.replacingOccurrences(of: "either", with: "arrow")) }
        #expect(throws: MnemonicError.wrongWordCount(11)) { try Mnemonic(good.replacingOccurrences(of: " either", with: "")) }
        // Extra white space and upper case are normalised.
        #expect(try Mnemonic("  " + good.uppercased().replacingOccurrences(of: " ", with: "\n\t ")).phrase == good)
    }

    @Test func derivationPaths() throws {
        #expect(try DerivationPath("m/44'/60'/0'/0/7") == .ethereum(index: 7))
        #expect(try DerivationPath("m/44h/60h/0h/0/7") == .ethereum(index: 7))
        #expect(DerivationPath.ethereum(index: 3).description == "m/44'/60'/0'/0/3")
        #expect(try DerivationPath("m").components.isEmpty)
        for bad in ["", "44'/60'", "m/", "m/x", "m/2147483648", "m/1''", "m//1", "m/-1"] {
            #expect(throws: DerivationPathError.self, "\(bad)") { try DerivationPath(bad) }
        }
    }
}

@Suite struct KeystoreTests {
    struct Vector: Decodable {
        let address_lower: String
        let password: String
        let private_key: String
    }

    static func vectors() throws -> [(Vector, Data)] {
        let data = try Data(contentsOf: Fixtures.url("keystore-v3.json"))
        let raw = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try #require(raw["cases"] as? [[String: Any]])
        let decoded = try Fixtures.cases("keystore-v3.json", as: Vector.self)
        return try zip(decoded, cases).map { vector, object in
            (vector, try JSONSerialization.data(withJSONObject: #require(object["keystore"])))
        }
    }

    static func password(_ text: String) -> SecretBytes { SecretBytes(Array(text.utf8)) }

    @Test func decryptsVectorsFromEthKeyfile() throws {
        for (vector, json) in try Self.vectors() {
            let keystore = try Keystore(json: json)
            let key = try keystore.decrypt(password: Self.password(vector.password))
            #expect(Hex.encode(key.secret.unsafeCopy()) == vector.private_key)
            #expect(key.publicKey.address.lowercased == vector.address_lower)
        }
    }

    @Test func wrongPasswordAndTamperingAreRefused() throws {
        let (vector, json) = try #require(try Self.vectors().first { $0.1.count > 0 && String(decoding: $0.1, as: UTF8.self).contains("pbkdf2") })
        let keystore = try Keystore(json: json)
        #expect(throws: KeystoreError.wrongPassword) { try keystore.decrypt(password: Self.password(vector.password + "x")) }

        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        var crypto = try #require(object["crypto"] as? [String: Any])
        var ciphertext = try #require(crypto["ciphertext"] as? String)
        ciphertext = (ciphertext.first == "0" ? "1" : "0") + ciphertext.dropFirst()
        crypto["ciphertext"] = ciphertext
        object["crypto"] = crypto
        let tampered = try Keystore(json: JSONSerialization.data(withJSONObject: object))
        #expect(throws: KeystoreError.wrongPassword) { try tampered.decrypt(password: Self.password(vector.password)) }
    }

    @Test func encryptDecryptRoundTripAndJSON() throws {
        let key = PrivateKey.generate()
        for kdf in [Keystore.KDF.light, .pbkdf2(iterations: 1000)] {
            let keystore = try Keystore.encrypt(key, password: Self.password("pw"), kdf: kdf)
            let reread = try Keystore(json: keystore.jsonData())
            #expect(reread == keystore)
            #expect(try reread.decrypt(password: Self.password("pw")).publicKey == key.publicKey)
        }
        #expect(throws: KeystoreError.emptyPassword) { try Keystore.encrypt(key, password: Self.password(""), kdf: .light) }
    }

    @Test func hostileOrUnsupportedFilesAreRefusedClearly() throws {
        let (_, json) = try #require(try Self.vectors().first)
        let base = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        func variant(_ edit: (inout [String: Any], inout [String: Any], inout [String: Any]) -> Void) throws -> Data {
            var object = base
            var crypto = try #require(object["crypto"] as? [String: Any])
            var params = try #require(crypto["kdfparams"] as? [String: Any])
            edit(&object, &crypto, &params)
            crypto["kdfparams"] = params
            object["crypto"] = crypto
            return try JSONSerialization.data(withJSONObject: object)
        }
        let cases: [(String, Data)] = [
            ("unsupported KDF", try variant { _, crypto, _ in crypto["kdf"] = "argon2id" }),
            ("huge scrypt n", try variant { _, _, params in params["n"] = 1 << 30 }),
            ("n not a power of two", try variant { _, _, params in params["n"] = 1000 }),
            ("bad cipher", try variant { _, crypto, _ in crypto["cipher"] = "aes-128-cbc" }),
            ("version 1", try variant { object, _, _ in object["version"] = 1 }),
            ("version true", try variant { object, _, _ in object["version"] = true }),
            ("n true", try variant { _, _, params in params["n"] = true }),
            ("n 2.5", try variant { _, _, params in params["n"] = 2.5 }),
            ("n 1e300", try variant { _, _, params in params["n"] = 1e300 }),
            ("n a string", try variant { _, _, params in params["n"] = "262144" }),
            ("short iv", try variant { _, crypto, _ in crypto["cipherparams"] = ["iv": "00"] }),
            ("missing mac", try variant { _, crypto, _ in crypto["mac"] = nil }),
            ("dklen 16", try variant { _, _, params in params["dklen"] = 16 }),
            ("not JSON", Data("{\"version\": 3,".utf8)),
            ("array", Data("[]".utf8)),
            ("huge file", Data(repeating: 0x20, count: Keystore.maxFileSize + 1)),
        ]
        for (label, data) in cases {
            #expect(throws: KeystoreError.self, "\(label)") { try Keystore(json: data) }
        }
        #expect(throws: KeystoreError.unsupported("KDF 'argon2id' (only scrypt and pbkdf2)")) { try Keystore(json: cases[0].1) }
        #expect(throws: KeystoreError.malformed("missing or non-integer 'version'")) { try Keystore(json: cases[5].1) }
    }

    /// A keystore (from `wallet import`, or lying in `wallets/` for `wallet list`) names its own
    /// key-derivation cost: no value may trap (r·p overflowed before), and none may cost more than
    /// geth's standard memory or four times its work. Each refusal names the field at fault.
    @Test(arguments: [
        ("r·p overflows", ["n": 262_144, "r": 1 << 40, "p": 1 << 40], "'r'"),
        ("r·p overflows at Int.max", ["n": 2, "r": Int.max, "p": 2], "'r'"),
        ("128·n·r overflows", ["n": 1 << 62, "r": 8, "p": 1], "'n'"),
        ("1 GiB (geth's n with 2^20)", ["n": 1 << 20, "r": 8, "p": 1], "1024 MiB"),
        ("512 MiB through r", ["n": 1 << 18, "r": 16, "p": 1], "512 MiB"),
        ("512 MiB of p blocks", ["n": 2, "r": 1, "p": 1 << 22], "'p'"),
        ("five times geth's work", ["n": 1 << 18, "r": 8, "p": 5], "'n'·'r'·'p'"),
        ("n = Int.max", ["n": Int.max, "r": 8, "p": 1], "'n'"),
        ("n = Int.min", ["n": Int.min, "r": 8, "p": 1], "'n'"),
        ("r = 0", ["n": 1024, "r": 0, "p": 1], "'r'"),
        ("p negative", ["n": 1024, "r": 8, "p": -1], "'p'"),
        ("dklen 64", ["dklen": 64], "'dklen'"),
        ("dklen Int.max", ["dklen": Int.max], "'dklen'"),
    ] as [(String, [String: Int], String)])
    func hostileScryptParametersAreRefusedNamingTheField(label: String, params: [String: Int], named: String) throws {
        let json = try Self.variant(kdf: "scrypt", params: params)
        #expect(throws: KeystoreError.self, "\(label)") { try Keystore(json: json) }
        do { _ = try Keystore(json: json) } catch {
            #expect(error.localizedDescription.contains(named), "\(label): \(error.localizedDescription)")
        }
    }

    @Test(arguments: [
        ("c = 0", 0, "'c'"), ("c negative", -5, "'c'"), ("c = Int.max", Int.max, "'c'"),
        ("ten million rounds", 10_000_000, "'c'"),
    ])
    func hostilePBKDF2ParametersAreRefusedNamingTheField(label: String, c: Int, named: String) throws {
        let json = try Self.variant(kdf: "pbkdf2", params: ["c": c])
        do {
            _ = try Keystore(json: json)
            Issue.record("\(label) was accepted")
        } catch {
            #expect(error.localizedDescription.contains(named), "\(label): \(error.localizedDescription)")
        }
        var object = try #require(try JSONSerialization.jsonObject(with: try Self.variant(kdf: "pbkdf2", params: [:])) as? [String: Any])
        var crypto = try #require(object["crypto"] as? [String: Any])
        var params = try #require(crypto["kdfparams"] as? [String: Any])
        params["prf"] = "hmac-sha512"
        crypto["kdfparams"] = params
        object["crypto"] = crypto
        #expect(throws: KeystoreError.unsupported("pbkdf2 'prf' 'hmac-sha512' (only hmac-sha256)")) {
            try Keystore(json: JSONSerialization.data(withJSONObject: object))
        }
    }

    /// What real tools write stays readable, up to the largest cost allowed.
    @Test(arguments: [
        ["n": 1 << 18, "r": 8, "p": 1],   // geth, MetaMask, Foundry
        ["n": 1 << 12, "r": 8, "p": 6],   // geth --lightkdf
        ["n": 1 << 18, "r": 1, "p": 8],   // eth-keyfile
        ["n": 1 << 13, "r": 8, "p": 1],   // MyEtherWallet
        ["n": 1 << 18, "r": 8, "p": 4],   // the most work allowed, at geth's memory
        ["n": 1 << 15, "r": 8, "p": 32],  // the same work in 32 MiB
    ])
    func realAndLargestAllowedScryptParametersAreRead(params: [String: Int]) throws {
        let keystore = try Keystore(json: try Self.variant(kdf: "scrypt", params: params))
        #expect(keystore.kdf == .scrypt(n: params["n"]!, r: params["r"]!, p: params["p"]!, salt: try Self.salt(of: keystore)))
        _ = try Keystore(json: try Self.variant(kdf: "pbkdf2", params: ["c": KeystoreLimits.maxPBKDF2Iterations]))
        _ = try Keystore(json: try Self.variant(kdf: "pbkdf2", params: ["c": 1_000_000]))  // eth-keyfile's default
    }

    @Test func conetWritesNothingItWouldRefuseToRead() throws {
        let key = PrivateKey.generate()
        for kdf in [Keystore.KDF.scrypt(log2N: 20, r: 8, p: 1), .scrypt(log2N: 64, r: 8, p: 1), .scrypt(log2N: 10, r: Int.max, p: Int.max),
                    .pbkdf2(iterations: 0), .pbkdf2(iterations: Int.max)] {
            #expect(throws: KeystoreError.self, "\(kdf)") { try Keystore.encrypt(key, password: Self.password("pw"), kdf: kdf) }
        }
        #expect(KeystoreLimits.product(128, 1 << 40, 1 << 40) == nil)
        #expect(KeystoreLimits.product(128, 1 << 18, 8) == 256 << 20)
    }

    /// The first eth-keyfile vector of `kdf` with `params` merged into its kdfparams.
    static func variant(kdf: String, params: [String: Int]) throws -> Data {
        let (_, json) = try #require(try vectors().first { String(decoding: $0.1, as: UTF8.self).contains("\"\(kdf)\"") })
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        var crypto = try #require(object["crypto"] as? [String: Any])
        var kdfParams = try #require(crypto["kdfparams"] as? [String: Any])
        for (key, value) in params { kdfParams[key] = value }
        crypto["kdfparams"] = kdfParams
        object["crypto"] = crypto
        return try JSONSerialization.data(withJSONObject: object)
    }

    static func salt(of keystore: Keystore) throws -> [UInt8] {
        guard case .scrypt(_, _, _, let salt) = keystore.kdf else { throw KeystoreError.malformed("not scrypt") }
        return salt
    }
}

@Suite struct CardTests {
    static let key = try! PrivateKey(bytes: [UInt8](hex: "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"))
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func signedCardVerifiesAndRoundTrips() throws {
        let card = try Card.make(key: Self.key, mailbox: "0x1111111111111111111111111111111111111111@127.0.0.1:7000",
                                 created: Self.now, expires: Self.now.addingTimeInterval(86_400))
        try card.verify(now: Self.now)
        let reread = try Card(json: card.jsonData())
        #expect(reread == card)
        try reread.verify(now: Self.now.addingTimeInterval(3600))
        #expect(String(decoding: card.canonicalMessage, as: UTF8.self).hasPrefix("conet card v1\naddress: 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23\n"))
    }

    @Test func expiredForgedAndMalformedCardsAreRefused() throws {
        let card = try Card.make(key: Self.key, mailbox: nil, created: Self.now, expires: Self.now.addingTimeInterval(60))
        #expect(throws: CardError.expired(Self.now.addingTimeInterval(60))) { try card.verify(now: Self.now.addingTimeInterval(61)) }
        #expect(throws: CardError.self) { try card.verify(now: Self.now.addingTimeInterval(-3600)) }  // created in the future

        var object = card.jsonObject
        object["mailbox"] = "0x2222222222222222222222222222222222222222@evil:1"
        let altered = try Card(json: JSONSerialization.data(withJSONObject: object))
        #expect { try altered.verify(now: Self.now) } throws: { error in
            if case CardError.forged = error { return true } else { return false }
        }

        // Someone else's key presented under this address.
        var swapped = card.jsonObject
        swapped["publicKey"] = "0x" + Hex.encode(PrivateKey.generate().publicKey.compressed)
        #expect(throws: CardError.self) { try Card(json: JSONSerialization.data(withJSONObject: swapped)).verify(now: Self.now) }

        // Signed by another wallet.
        let other = try Card.make(key: PrivateKey.generate(), mailbox: nil, created: Self.now, expires: nil)
        var stolen = card.jsonObject
        stolen["signature"] = other.jsonObject["signature"]
        #expect(throws: CardError.self) { try Card(json: JSONSerialization.data(withJSONObject: stolen)).verify(now: Self.now) }

        for bad in ["{}", "not json", "{\"address\":\"0x00\"}"] {
            #expect(throws: CardError.self) { try Card(json: Data(bad.utf8)) }
        }
        #expect(throws: CardError.self) { try Card.make(key: Self.key, mailbox: "two words", expires: nil) }
        #expect(throws: CardError.self) { try Card.make(key: Self.key, mailbox: "a\nexpires: never", expires: nil) }
    }
}

@Suite struct ContactBookTests {
    /// A second card under a name already taken is refused as a contact, not called "a wallet".
    @Test func aTakenContactNameIsCalledAContact() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("conet-contacts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let book = ContactBook(store: WalletStore(home: home))
        let first = try Card.make(key: PrivateKey.generate(), mailbox: nil, expires: nil)
        let second = try Card.make(key: PrivateKey.generate(), mailbox: nil, expires: nil)
        try book.add(first, name: "friend")
        try book.add(first, name: "friend")  // the same address may be stored again under its name
        #expect(throws: ContactError.nameTaken("friend", by: first.address)) { try book.add(second, name: "friend") }
        do { try book.add(second, name: "friend") } catch {
            #expect(error.localizedDescription.contains("a contact named 'friend'"), "\(error.localizedDescription)")
            #expect(!error.localizedDescription.contains("wallet named"))
        }
        #expect(try book.find("friend").card.address == first.address)
    }
}

@Suite struct WalletStoreTests {
    @Test func savesAtomicallyWithPrivatePermissionsAndRefusesOverwrite() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("conet-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let store = WalletStore(home: home)
        let key = PrivateKey.generate()
        let keystore = try Keystore.encrypt(key, password: SecretBytes(Array("pw".utf8)), kdf: .light)
        let wallet = WalletFile(keystore: keystore, publicKey: key.publicKey, path: .ethereum(index: 0), created: Date())
        try store.save(wallet, as: "alice", overwrite: false)
        #expect(throws: WalletStoreError.self) { try store.save(wallet, as: "alice", overwrite: false) }
        try store.save(wallet, as: "alice", overwrite: true)
        #expect(store.names() == ["alice"])
        let loaded = try store.load("alice")
        #expect(loaded.publicKey == key.publicKey)
        #expect(loaded.path == .ethereum(index: 0))
        let fileMode = try FileManager.default.attributesOfItem(atPath: store.url(ofWallet: "alice").path)[.posixPermissions] as? Int
        let folderMode = try FileManager.default.attributesOfItem(atPath: store.walletsFolder.path)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(folderMode == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.walletsFolder.path) == ["alice.json"])
        for bad in ["", ".hidden", "a/b", "x y", String(repeating: "a", count: 65)] {
            #expect(throws: WalletStoreError.self) { try store.save(wallet, as: bad, overwrite: false) }
        }
        try store.remove("alice")
        #expect(store.names().isEmpty)
    }

    @Test func damagedPublicMetadataIsAnErrorNotABlank() throws {
        let key = PrivateKey.generate()
        let keystore = try Keystore.encrypt(key, password: SecretBytes(Array("pw".utf8)), kdf: .light)
        let good = WalletFile(keystore: keystore, publicKey: key.publicKey, path: .ethereum(index: 0), created: Date())
        var object = try JSONObject.parse(good.jsonData(), limit: Keystore.maxFileSize)
        #expect(try WalletFile(json: JSONObject.serialize(object)).publicKey == key.publicKey)
        for (field, value) in [("publicKey", "0x02zz"), ("path", "m/x"), ("created", "yesterday")] {
            var meta = try #require(object["x-conet"] as? [String: Any])
            meta[field] = value
            object["x-conet"] = meta
            #expect(throws: KeystoreError.malformed("'x-conet.\(field)' is not valid")) { try WalletFile(json: JSONObject.serialize(object)) }
            object = try JSONObject.parse(good.jsonData(), limit: Keystore.maxFileSize)
        }
        // A bare keystore from another tool has no metadata, which is fine.
        let bare = try WalletFile(json: keystore.jsonData())
        #expect(bare.publicKey == nil)
        #expect(bare.address == key.publicKey.address)
    }
}

@Suite struct TimeTextTests {
    @Test func formatsAndParsesRFC3339Strictly() throws {
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(TimeText.format(date) == "2027-01-15T08:00:00Z")
        #expect(TimeText.parse("2027-01-15T08:00:00Z") == date)
        #expect(TimeText.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(TimeText.parse("2024-02-29T23:59:59Z") != nil)
        for bad in ["2023-02-29T00:00:00Z", "2027-13-01T00:00:00Z", "2027-01-15T24:00:00Z", "2027-01-15 08:00:00Z",
                    "2027-01-15T08:00:00+00:00", "2027-1-15T08:00:00Z", "", "2027-01-15T08:00:0aZ"] {
            #expect(TimeText.parse(bad) == nil, "\(bad)")
        }
        #expect(TimeText.parseDuration("30d") == TimeInterval(30 * 86_400))
        #expect(TimeText.parseDuration("1y") == TimeInterval(31_536_000))
        for bad in ["", "d", "0s", "-5m", "10", "5x", "1000000y"] { #expect(TimeText.parseDuration(bad) == nil, "\(bad)") }
    }
}
