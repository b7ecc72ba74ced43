import ArgumentParser
import ConetCore
import Dispatch
import Foundation
import Logging

/// `conet relay`: run a store-and-forward relay addressed by its wallet.
struct Relay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Run a relay: mailboxes addressed by wallet, durable, with limits on by default.",
        discussion: """
            The relay is a wallet (--wallet) and listens on --listen. Clients reach it as \
            0xADDRESS@host:port: the handshake proves the relay holds that address's key. Anyone may \
            deposit a sealed message into a mailbox (with a hashcash stamp when --stamp-bits is set \
            and the depositor has not logged in); only the mailbox's wallet lists, fetches, \
            acknowledges (deletes) or subscribes. A deposit is answered only once it is durable \
            (SQLite in WAL mode with synchronous=FULL under --data; large messages as fsynced files).

            ROUTING (docs/PROTOCOL.md §6): a message deposited into the relay's own address is an \
            onion layer: the relay remembers its id (a replay is refused until it expires), opens \
            it, and deposits the envelope inside in a mailbox here (answering with a receipt signed \
            by its wallet) or forwards it to the next relay, which it must know by a verified card \
            (--peer, or a relay card published to it) and which must prove its wallet. The relay \
            publishes its own card to its store at start, so clients can look up its key. Logs \
            record, per layer, its id, size and next relay (or mailbox, on the last relay) and the \
            previous hop's connection: nothing a relay does not already know.

            OUTPUT: one line on standard output once listening: the relay's endpoint \
            0xADDRESS@host:port, or with --json {address, data, endpoint, publicKey}. Logs: one JSON \
            object per line on standard error (connections refused, sessions ended and why, cards \
            published, purges; with --verbose also each stored and acknowledged message). SIGINT or SIGTERM stops accepting, lets sessions in \
            flight finish (--drain-timeout, default 10 s), closes the rest and exits 0. Should the \
            relay ever crash, its report shows the stack only, no registers or memory \
            (SWIFT_BACKTRACE=\(CrashReports.withoutMemory) unless you set SWIFT_BACKTRACE).

            EXIT STATUS: 0 after a clean stop; 2 bad options; 3 wrong wallet password; 4 no such \
            wallet; 5 cannot listen or open the data folder.

            ENVIRONMENT: CONET_HOME (default ~/.conet) holds the relay's wallet; CONET_PASSWORD \
            unlocks it. \(ManualText.keyLog) The relay logs a warning at start when it is set.

            FILES: under --data (default $CONET_HOME/relay): relay.sqlite with its -wal and -shm \
            files (index, small messages, cards), bodies/ (messages over 256 KiB, one fsynced file \
            each), tmp/ (uploads in progress; emptied at start).

            EXAMPLES:
              conet relay --wallet relay --listen 127.0.0.1:7788
              conet relay --wallet relay --data /var/lib/conet --stamp-bits 16 --max-message-size 64MiB
              conet relay --wallet entry --listen 0.0.0.0:7788 --peer middle.card --peer mailbox.card
            """)

    @Option(help: ArgumentHelp("Address and port to listen on (port 0: any free port).", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:7788"

    @Option(help: ArgumentHelp("Data folder (default: $CONET_HOME/relay).", valueName: "DIR"))
    var data: String?

    @Option(help: ArgumentHelp("The relay's wallet (default: $CONET_WALLET or the only wallet).", valueName: "NAME"))
    var wallet: String?

    @Option(help: ArgumentHelp("Largest message accepted (e.g. 256MiB).", valueName: "SIZE"))
    var maxMessageSize = "256MiB"

    @Option(help: ArgumentHelp("Bytes a mailbox may hold.", valueName: "SIZE"))
    var mailboxBytes = "1GiB"

    @Option(help: ArgumentHelp("Messages a mailbox may hold.", valueName: "N"))
    var mailboxMessages = 10_000

    @Option(help: ArgumentHelp("Longest a message is kept, whatever its own TTL (e.g. 30d).", valueName: "DURATION"))
    var maxTtl = "30d"

    @Option(help: ArgumentHelp("Bytes of waiting messages the whole store may hold, over all mailboxes.", valueName: "SIZE"))
    var storeBytes = "16GiB"

    @Option(help: ArgumentHelp("Simultaneous connections (lowered to what the open-file limit allows).", valueName: "N"))
    var maxConnections = 4096

    @Option(help: ArgumentHelp("Simultaneous connections from one address (an IPv6 /64 counts as one).", valueName: "N"))
    var maxConnectionsPerAddress = 64

    @Option(help: ArgumentHelp("Records per second per connection before it is slowed down.", valueName: "N"))
    var rate = 20_000

    @Option(help: ArgumentHelp("Close connections that complete no record, either way, for this long.", valueName: "DURATION"))
    var idleTimeout = "5m"

    @Option(help: ArgumentHelp("Close connections that take longer than this to finish a record they started (at most 64 KiB).", valueName: "DURATION"))
    var recordTimeout = "30s"

    @Option(help: ArgumentHelp("Onion layers passed on at once (more are refused as busy).", valueName: "N"))
    var maxForwards = 256

    @Option(help: ArgumentHelp("Onion layers passed on at once to any one next relay.", valueName: "N"))
    var maxForwardsPerPeer = 32

    @Option(help: ArgumentHelp("Onion layers from any one address passed on at once.", valueName: "N"))
    var maxForwardsPerAddress = 16

    @Option(help: ArgumentHelp("Bytes of deposits being received at once, over all connections (staged on disk until checked).", valueName: "SIZE"))
    var uploadBytes = "4GiB"

    @Option(help: ArgumentHelp("Close connections that have not finished the handshake in this time.", valueName: "DURATION"))
    var handshakeTimeout = "10s"

    @Option(help: ArgumentHelp("Hashcash bits anonymous deposits must carry (0: none).", valueName: "N"))
    var stampBits = 0

    @Option(help: ArgumentHelp("On SIGINT/SIGTERM, how long sessions in flight may finish before they are closed.", valueName: "DURATION"))
    var drainTimeout = "10s"

    @Flag(help: "Also log every stored and acknowledged message (mailbox, id, size).")
    var verbose = false

    @Option(help: ArgumentHelp(
        "Another relay's card (its wallet card naming its endpoint), to forward onion layers to (repeatable). Relay cards published to this relay count too.",
        valueName: "CARD"))
    var peer: [String] = []

    @OptionGroup var passwords: PasswordOptions
    @OptionGroup var json: JSONOption

    func run() async throws {
        CrashReports.excludeMemory()
        var settings = RelayConfiguration()
        let store = WalletStore.current
        let (host, port): (String, Int)
        let server: RelayServer
        let drain: TimeInterval
        do {
            drain = try Sizes.duration(drainTimeout, option: "--drain-timeout")
            guard let colon = listen.lastIndex(of: ":"), let parsed = Int(listen[listen.index(after: colon)...]), (0...65535).contains(parsed) else {
                throw CommandError(.invalidInput, "--listen '\(listen)' is not HOST:PORT")
            }
            (host, port) = (String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), parsed)
            settings.maxMessageBytes = try Sizes.parse(maxMessageSize, option: "--max-message-size")
            settings.quota = MailboxQuota(maxBytes: try Sizes.parse(mailboxBytes, option: "--mailbox-bytes"), maxCount: mailboxMessages)
            settings.maxTTL = try Sizes.duration(maxTtl, option: "--max-ttl")
            settings.idleTimeout = try Sizes.duration(idleTimeout, option: "--idle-timeout")
            settings.handshakeTimeout = try Sizes.duration(handshakeTimeout, option: "--handshake-timeout")
            settings.recordTimeout = try Sizes.duration(recordTimeout, option: "--record-timeout")
            settings.storeMaxBytes = try Sizes.parse(storeBytes, option: "--store-bytes")
            settings.uploadMaxBytes = try Sizes.parse(uploadBytes, option: "--upload-bytes")
            guard maxConnections > 0, maxConnectionsPerAddress > 0, maxForwards > 0, maxForwardsPerPeer > 0, maxForwardsPerAddress > 0,
                  rate > 0, mailboxMessages > 0,
                  (0...Stamp.maxBits).contains(stampBits)
            else {
                throw CommandError(.invalidInput, "limits must be positive (and --stamp-bits 0...\(Stamp.maxBits))")
            }
            settings.maxConnectionsPerAddress = maxConnectionsPerAddress
            settings.maxForwards = maxForwards
            settings.maxForwardsPerPeer = maxForwardsPerPeer
            settings.maxForwardsPerAddress = maxForwardsPerAddress
            settings.recordsPerSecond = rate
            settings.stampBits = stampBits
            let name = try store.resolveName(wallet)
            let (_, key) = try store.unlock(name, passwords: passwords)
            let folder = data.map { URL(fileURLWithPath: $0) } ?? store.home.appendingPathComponent("relay")
            // Everything the relay creates (the SQLite files, bodies, uploads) is its own alone.
            umask(0o077)
            // Each connection is a descriptor, and so is each forward's downstream session.
            let openFiles = Limits.raiseOpenFiles()
            settings.maxConnections = min(maxConnections, max(1, (openFiles - 64) / 2))
            let mailboxes = try SQLiteMailboxStore(folder: folder)
            var logger = Logger(label: "conet.relay") { JSONLogHandler(label: $0) }
            logger.logLevel = verbose ? .debug : .info
            logger[metadataKey: "relay"] = "\(key.publicKey.address)"
            server = try await RelayServer(
                identity: key, host: host, port: port, store: mailboxes, stagingFolder: mailboxes.stagingFolder,
                configuration: settings, logger: logger)
            for file in peer {
                do {
                    let card = try Card(json: Input.read(file, limit: Card.maxSize, what: "peer card"))
                    try await server.addPeer(card)
                } catch {
                    throw CommandError(.invalidInput, "--peer \(file): \(error.localizedDescription)")
                }
            }
            // Written unbuffered: scripts and tests wait for this line.
            let line = json.json
                ? try Output.json([
                    "address": key.publicKey.address.checksummed, "endpoint": server.endpoint, "data": folder.path,
                    "publicKey": "0x" + Hex.encode(key.publicKey.compressed),
                ])
                : server.endpoint
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
            logger.info("listening", metadata: ["endpoint": "\(server.endpoint)", "data": "\(folder.path)"])
            if settings.maxConnections < maxConnections {
                logger.warning("--max-connections lowered to fit the open-file limit", metadata: [
                    "maxConnections": "\(settings.maxConnections)", "openFiles": "\(openFiles)",
                ])
            }
            if let problem = SessionKeyLog.problem {
                logger.error("CONET_KEYLOG is set but will not be written", metadata: ["reason": "\(problem)"])
            } else if let keyLog = SessionKeyLog.path {
                logger.warning("CONET_KEYLOG is set: every session's keys are appended to it (a debugging aid)", metadata: ["keylog": "\(keyLog)"])
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Output.printError(error.localizedDescription)
            throw ExitCode(exitStatus(for: error).rawValue)
        }
        let stop = StopSignals { server.shutdown(drainTimeout: drain) }
        // Off the main actor: sessions then spread over the cooperative pool, not the main thread.
        try await Task.detached { try await server.run() }.value
        withExtendedLifetime(stop) {}
    }
}

/// Calls `action` once on SIGINT or SIGTERM (instead of dying), so the relay can drain.
final class StopSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(action: @escaping @Sendable () -> Void) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
    }
}

/// Sizes and durations on the command line.
enum Sizes {
    /// `123`, `64KiB`, `256MiB`, `1GiB` (also KB/MB/GB as powers of 1000).
    static func parse(_ text: String, option: String) throws -> Int {
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let value = Int(text.dropLast(suffix.count)), value > 0, value <= Int.max / factor { return value * factor }
            break
        }
        if let value = Int(text), value > 0 { return value }
        throw CommandError(.invalidInput, "\(option) '\(text)' is not a size like 64MiB")
    }

    static func duration(_ text: String, option: String) throws -> TimeInterval {
        guard let seconds = TimeText.parseDuration(text), seconds > 0 else {
            throw CommandError(.invalidInput, "\(option) '\(text)' is not a duration like 30s, 5m or 7d")
        }
        return seconds
    }
}

enum Limits {
    /// A relay holds a descriptor per connection: lift the soft limit to the hard one, and return
    /// the limit in force.
    static func raiseOpenFiles() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        limit.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 { _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) }
        return Int(clamping: limit.rlim_cur)
    }
}
