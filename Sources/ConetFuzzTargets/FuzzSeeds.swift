#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// The seed corpora, made from real objects: messages sealed by `EnvelopeWriter`, keystores,
/// cards, handshakes and records as conet writes them, the capture fixtures. They are committed
/// under `Fuzz/Corpus/TARGET/`; the `FuzzSeedWriter` test rewrites them when
/// `CONET_FUZZ_WRITE_SEEDS=1` (after a format change, say). Messages are dated 2026-01-01 with the
/// longest time to live, and cards do not expire before 2036, so the seeds keep passing the
/// relay's date checks.
public enum FuzzSeeds {
    /// Seeds by target name, then by file name.
    /// - Parameter fixtures: the test fixtures by file name (`Tests/ConetCoreTests/Fixtures`):
    ///   `keystore-v3.json`, `bip39-bip44.json`, `relay-session.pcap`, `relay-session.pcapng`.
    public static func make(fixtures: [String: [UInt8]]) throws -> [String: [String: [UInt8]]] {
        let messages = try Messages()
        var seeds: [String: [String: [UInt8]]] = [:]
        seeds["envelope-header"] = messages.all
        seeds["envelope-reader"] = messages.all
        seeds["envelope-payload"] = try payloads()
        seeds["armor"] = armors(messages)
        seeds["keystore"] = try keystores(fixture: fixtures["keystore-v3.json"])
        seeds["card"] = cards()
        seeds["mnemonic"] = try mnemonics(fixture: fixtures["bip39-bip44.json"])
        seeds["relay-handshake"] = handshakes()
        seeds["relay-records"] = records(messages)
        seeds["deposit-records"] = deposits(messages)
        seeds["onion"] = try onions(messages)
        seeds["capture"] = ["relay-session.pcap": fixtures["relay-session.pcap"] ?? [], "relay-session.pcapng": fixtures["relay-session.pcapng"] ?? []]
        seeds["relay-session"] = try sessions(messages)
        return seeds
    }

    /// Small messages sealed to `FuzzKeys.recipient` by `FuzzKeys.sender`, one per header variant.
    struct Messages {
        let raw: [UInt8]
        let zstd: [UInt8]
        let padded: [UInt8]
        let routed: [UInt8]
        /// Dated 2^63 seconds after 1970: converting that date to a signed second count trapped
        /// (issue 18, failure 1), in `inspect` and in the relay's "dated in the future" refusal.
        let farFuture: [UInt8]

        var all: [String: [UInt8]] {
            ["raw.conet": raw, "zstd-1k-chunks.conet": zstd, "padded-hidden-2-recipients.conet": padded,
             "routing-stamp.conet": routed, "raw-armored.txt": ArmorTarget.armor(raw),
             "dated-2-to-the-63.conet": farFuture]
        }

        init() throws {
            var options = Self.options
            options.compression = .none
            raw = try Self.seal(Array("hello from the fuzz seeds\n".utf8), options: options)
            options = Self.options
            options.compression = .zstd(level: 3)
            options.chunkSizeLog = 10
            zstd = try Self.seal(Self.text(3000), options: options)
            options = Self.options
            options.pad = true
            options.hideRecipients = true
            padded = try Self.seal(Self.text(200), to: [FuzzKeys.recipient.publicKey, FuzzKeys.owner.publicKey], options: options)
            options = Self.options
            options.routing = FuzzKeys.owner.address
            options.stampBits = 8
            routed = try Self.seal(Array("routed and stamped".utf8), options: options)
            options = Self.options
            options.compression = .none
            options.created = Date(timeIntervalSince1970: 9_223_372_036_854_775_808)
            farFuture = try Self.seal(Array("from the far future".utf8), options: options)
        }

        static var options: EnvelopeOptions {
            var options = EnvelopeOptions()
            options.created = FuzzKeys.seedCreated
            options.ttl = .max
            return options
        }

        /// Text-like content that compresses by about half: words picked by a fixed LCG, so that
        /// a few KiB still make several 1 KiB chunks after zstd.
        static func text(_ count: Int) -> [UInt8] {
            let words = ["conet", "relay", "sealed", "wallet", "layer", "minus", "chunk", "mailbox", "onion", "stamp",
                         "0x5aF3", "7d1e", "b09c", "e8", "41aa", "fc3"].map { Array($0.utf8) + [0x20] }
            var state: UInt32 = 12345, out: [UInt8] = []
            while out.count < count {
                state = state &* 1_103_515_245 &+ 12345
                out += words[Int(state >> 16) % words.count]
            }
            return Array(out.prefix(count))
        }

        static func seal(_ content: [UInt8], to recipients: [PublicKey] = [FuzzKeys.recipient.publicKey], options: EnvelopeOptions) throws -> [UInt8] {
            let collected = Collector()
            let writer = try EnvelopeWriter(recipients: recipients, sender: FuzzKeys.sender, options: options) { collected.append($0) }
            try writer.write(content)
            _ = try writer.finish()
            return collected.bytes
        }
    }

    static func payloads() throws -> [String: [UInt8]] {
        let text = Messages.text(3000)
        return [
            "raw-1k.bin": [0x00, 0x00] + Array("hello".utf8),
            "zstd-1k-chunks.bin": [0x00, 0x01] + (try ZstdCompressor.compress(text, level: 3)),
            "zstd-4k-chunks-hidden.bin": [0x06, 0x01] + (try ZstdCompressor.compress(Messages.text(10_000), level: 1)),
            "raw-padded.bin": [0x20, 0x00] + Array("padded".utf8) + [UInt8](repeating: 0, count: 50),
            "claims.bin": [0x08] + BigEndian.bytes(UInt64(0)) + BigEndian.bytes(UInt64(3)) + [0x00] + Array("abc".utf8),
            "raw-tight-limit.bin": [0x10, 0x00] + Array(text.prefix(2000)),
        ]
    }

    static func armors(_ messages: Messages) -> [String: [UInt8]] {
        var seeds = ["raw-message.txt": ArmorTarget.armor(messages.raw)]
        for count in [1, 47, 48, 49, 96] {
            seeds["bytes-\(count).txt"] = ArmorTarget.armor((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        }
        seeds["whitespace-around.txt"] = Array(" \n\t\n".utf8) + ArmorTarget.armor(Array("x".utf8)) + Array("\n \r\n".utf8)
        return seeds
    }

    static func keystores(fixture: [UInt8]?) throws -> [String: [UInt8]] {
        var seeds: [String: [UInt8]] = [:]
        let password = KeystoreTarget.password
        let scrypt = try Keystore.encrypt(FuzzKeys.owner, password: password, kdf: .scrypt(log2N: 4, r: 1, p: 1))
        let pbkdf2 = try Keystore.encrypt(FuzzKeys.owner, password: password, kdf: .pbkdf2(iterations: 16))
        seeds["scrypt-cheap.json"] = [UInt8](scrypt.jsonData())
        seeds["pbkdf2-cheap.json"] = [UInt8](pbkdf2.jsonData())
        let wallet = WalletFile(keystore: scrypt, publicKey: FuzzKeys.owner.publicKey, path: .ethereum(index: 0), created: FuzzKeys.seedCreated)
        seeds["wallet-file.json"] = [UInt8](wallet.jsonData())
        // scrypt's r·p overflowed Int and trapped before the limits were checked (issue 18, failure 9).
        if var object = try JSONSerialization.jsonObject(with: scrypt.jsonData()) as? [String: Any],
           var crypto = object["crypto"] as? [String: Any], var parameters = crypto["kdfparams"] as? [String: Any] {
            parameters["r"] = 1 << 62
            parameters["p"] = 4
            crypto["kdfparams"] = parameters
            object["crypto"] = crypto
            seeds["scrypt-r-times-p-overflows.json"] = [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        }
        if let fixture, let object = try JSONSerialization.jsonObject(with: Data(fixture)) as? [String: Any],
           let cases = object["cases"] as? [[String: Any]] {
            for (index, item) in cases.prefix(2).enumerated() {
                guard let keystore = item["keystore"] else { continue }
                seeds["eth-keyfile-\(index).json"] = [UInt8](try JSONSerialization.data(withJSONObject: keystore, options: [.sortedKeys]))
            }
        }
        return seeds
    }

    static let cardExpiry = Date(timeIntervalSince1970: 2_082_758_400)  // 2036-01-01

    /// A card for `key`; for a relay, with its endpoint on loopback port 1 (a connection to it is refused).
    static func card(_ key: PrivateKey, relay: Bool) -> [UInt8] {
        let mailbox = relay ? "\(key.address.checksummed)@127.0.0.1:1" : "\(FuzzKeys.relay.address.checksummed)@127.0.0.1:1"
        return [UInt8](try! Card.make(key: key, mailbox: mailbox, created: FuzzKeys.seedCreated, expires: cardExpiry).jsonData())
    }

    static func cards() -> [String: [UInt8]] {
        let bare = try! Card.make(key: FuzzKeys.sender, mailbox: nil, created: FuzzKeys.seedCreated, expires: nil)
        return ["owner.json": card(FuzzKeys.owner, relay: false), "relay.json": card(FuzzKeys.relay, relay: true),
                "bare.json": [UInt8](bare.jsonData())]
    }

    static func mnemonics(fixture: [UInt8]?) throws -> [String: [UInt8]] {
        var seeds = [
            "path.txt": Array("m/44'/60'/0'/0/0".utf8),
            "entropy-16.bin": [UInt8](repeating: 0x5a, count: 16),
            "generated-24.txt": Array(try Mnemonic(entropy: [UInt8](repeating: 0xa5, count: 32)).phrase.utf8),
        ]
        if let fixture, let object = try JSONSerialization.jsonObject(with: Data(fixture)) as? [String: Any],
           let cases = object["cases"] as? [[String: Any]] {
            for (index, item) in cases.prefix(3).enumerated() {
                if let phrase = item["mnemonic"] as? String { seeds["bip39-\(index).txt"] = Array(phrase.utf8) }
            }
        }
        return seeds
    }

    static func handshakes() -> [String: [UInt8]] {
        let client = RelayHandshakeTarget.clientHello, server = RelayHandshakeTarget.serverHello
        let relayKeys = RelayHandshake.relayKeys(
            relay: FuzzKeys.relay, ephemeral: FuzzKeys.relayEphemeral, clientKey: FuzzKeys.client.publicKey, clientHello: client, serverHello: server)
        let clientKeys = try! RelayHandshake.clientKeys(ephemeral: FuzzKeys.client, clientHello: client, serverHello: server, expected: nil)
        return [
            "client-hello-and-record.bin": client + RecordCipher(key: relayKeys.clientToRelay).seal(RelayMessage.statusRequest.encoded),
            "server-hello-and-record.bin": server + RecordCipher(key: clientKeys.relayToClient).seal(RelayMessage.ok.encoded),
        ]
    }

    /// One of each message, as plaintext.
    static func allMessages(_ messages: Messages) -> [String: RelayMessage] {
        let id = Array(messages.raw[EnvelopeFormat.messageIDOffset..<(EnvelopeFormat.messageIDOffset + 16)])
        let entry = MailboxEntry(id: id, size: UInt64(messages.raw.count), received: 1_767_225_600)
        let login = PersonalMessage.sign(Array("login".utf8), with: FuzzKeys.owner)
        return [
            "status-request": .statusRequest, "login": .login(address: FuzzKeys.owner.address, signature: login),
            "deposit-begin": .depositBegin(mailbox: FuzzKeys.owner.address),
            "deposit-whole": .depositWhole(mailbox: FuzzKeys.owner.address, envelope: messages.raw),
            "list": .list, "list-after": .listAfter(id: id), "fetch": .fetch(id: id), "acknowledge": .acknowledge(id: id), "subscribe": .subscribe,
            "publish-card": .publishCard(json: card(FuzzKeys.owner, relay: false)), "lookup-card": .lookupCard(address: FuzzKeys.owner.address),
            "ping": .ping, "data": .data(Array(messages.raw.prefix(100))), "end": .end, "status": .status(json: Array("{\"software\":\"conet\"}".utf8)),
            "ok": .ok, "stored": .stored(id: id), "listing": .listing([entry, entry]), "fetch-begin": .fetchBegin(id: id, size: 1000),
            "notify": .notify(entry), "card": .card(json: card(FuzzKeys.relay, relay: true)),
            "receipt": .receipt(DeliveryReceipt(messageID: id, relay: FuzzKeys.relay, time: FuzzKeys.seedCreated).encoded),
            "error": .error(code: .quotaExceeded, message: "mailbox quota exceeded"),
        ]
    }

    static func records(_ messages: Messages) -> [String: [UInt8]] {
        var seeds: [String: [UInt8]] = [:]
        let all = allMessages(messages)
        for (name, message) in all { seeds["\(name).bin"] = message.encoded }
        // Streams: a piece size, then length-prefixed records.
        func frame(_ bytes: [UInt8]) -> [UInt8] { BigEndian.bytes(UInt32(bytes.count)) + bytes }
        seeds["stream-deposit.bin"] = [7] + frame(all["deposit-begin"]!.encoded) + frame(all["data"]!.encoded) + frame(all["end"]!.encoded)
        seeds["stream-answers.bin"] = [255] + frame(all["listing"]!.encoded) + frame(all["fetch-begin"]!.encoded) + frame(all["receipt"]!.encoded)
        return seeds
    }

    static func deposits(_ messages: Messages) -> [String: [UInt8]] {
        let header = Array(messages.zstd.prefix(256))
        /// `pieces` records of 64 KiB and `offset` bytes (-32768...32767), read in the sizes given.
        func seed(_ pieces: UInt8, _ offset: Int16, reads: [Int]) -> [UInt8] {
            let offset = UInt16(bitPattern: offset)
            return [pieces, UInt8(offset >> 8), UInt8(offset & 0xff), UInt8(reads.count)]
                + reads.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] } + header
        }
        return [
            "small.bin": seed(0, Int16(messages.raw.count), reads: []),
            "one-record-exactly.bin": seed(1, 0, reads: [4096, 0]),
            "one-byte-over.bin": seed(1, 1, reads: [1000]),
            "spilled.bin": seed(2, 17, reads: [0, 1, 65535]),
            "four-records-less-one.bin": seed(4, -1, reads: [0]),
        ]
    }

    /// A layer for the relay: instruction, then the inner message; built by `OnionWriter` as `send --via` builds it.
    static func layer(path: [PublicKey], mailbox: Address, inner: [UInt8]) throws -> [UInt8] {
        let collected = Collector()
        let writer = try OnionWriter(path: path, mailbox: mailbox, options: Messages.options) { collected.append($0) }
        try writer.write(inner)
        try writer.finish()
        return collected.bytes
    }

    static func onions(_ messages: Messages) throws -> [String: [UInt8]] {
        let deposit = OnionInstruction(kind: .deposit, address: FuzzKeys.owner.address)
        let forward = OnionInstruction(kind: .forward, address: FuzzKeys.sender.address)
        let receipt = DeliveryReceipt(messageID: Array(messages.raw[8..<24]), relay: FuzzKeys.relay, time: FuzzKeys.seedCreated)
        return [
            "instruction.bin": [0] + deposit.encoded,
            "receipt.bin": [0] + receipt.encoded,
            // The latest time a receipt can claim, which a sender prints (issue 18, failure 1).
            "receipt-time-max.bin": [0] + receipt.encoded[..<40] + [UInt8](repeating: 0xff, count: 8) + receipt.encoded[48...],
            "layer-deposit.bin": [1] + deposit.encoded + messages.raw,
            "layer-forward-64k-chunks.bin": [3] + forward.encoded + (try layer(path: [FuzzKeys.sender.publicKey], mailbox: FuzzKeys.owner.address, inner: messages.raw)),
        ]
    }

    static func sessions(_ messages: Messages) throws -> [String: [UInt8]] {
        func message(_ message: RelayMessage) -> [UInt8] {
            let bytes = message.encoded
            return [1, UInt8(bytes.count >> 8), UInt8(bytes.count & 0xff)] + bytes
        }
        let owner = FuzzKeys.owner.address, relay = FuzzKeys.relay.address
        let whole = message(.depositWhole(mailbox: owner, envelope: messages.raw))
        let streamed = message(.depositBegin(mailbox: owner)) + message(.data(Array(messages.zstd.prefix(300))))
            + message(.data(Array(messages.zstd.dropFirst(300)))) + message(.end)
        // Onion layers into the relay's own address: one for a mailbox here, one for a peer whose
        // card is published first (its endpoint refuses the connection).
        let here = try layer(path: [FuzzKeys.relay.publicKey], mailbox: owner, inner: messages.raw)
        let onward = try layer(path: [FuzzKeys.relay.publicKey, FuzzKeys.sender.publicKey], mailbox: owner, inner: messages.padded)
        return [
            "deposit-login-list-fetch-ack.bin": [0] + whole + [0] + message(.list) + [6, 0] + [2, 0] + [3, 0] + message(.list),
            "subscribe-then-stream.bin": [0] + [0] + message(.subscribe) + streamed + message(.ping) + [2, 0],
            "cards-and-status.bin": [0] + message(.publishCard(json: card(FuzzKeys.owner, relay: false)))
                + message(.lookupCard(address: owner)) + message(.lookupCard(address: relay)) + message(.statusRequest),
            "onion-deposit-here.bin": [0] + message(.depositWhole(mailbox: relay, envelope: here)) + [0] + message(.list),
            "onion-forward-refused.bin": [0] + message(.publishCard(json: card(FuzzKeys.sender, relay: true)))
                + message(.depositWhole(mailbox: relay, envelope: onward)),
            "stamps-and-tiny-limits.bin": [3] + whole + message(.depositWhole(mailbox: owner, envelope: messages.routed))
                + whole + [0] + message(.depositWhole(mailbox: owner, envelope: messages.zstd)),
            "duplicate-wrong-login-garbage.bin": [0] + whole + whole + [4] + [5, 3, 1, 2, 3],
            "dated-2-to-the-63.bin": [0] + message(.depositWhole(mailbox: owner, envelope: messages.farFuture))
                + [0] + message(.depositWhole(mailbox: owner, envelope: messages.farFuture)),
        ]
    }

    /// Collects a writer's output.
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [UInt8] = []
        func append(_ bytes: [UInt8]) { lock.withLock { storage += bytes } }
        var bytes: [UInt8] { lock.withLock { storage } }
    }
}
#endif
