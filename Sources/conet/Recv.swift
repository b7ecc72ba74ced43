import ArgumentParser
import ConetCore
import Foundation

/// `conet recv`: open, verify and decompress a sealed message.
struct Recv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recv",
        abstract: "Verify, decrypt and decompress a message sent to one of your wallets.",
        discussion: """
            Reads a message (binary or armored) from FILE or standard input, finds the stanza for \
            one of the wallets (--wallet, repeatable; default: every wallet in $CONET_HOME), checks \
            the header MAC, every chunk, the end of the stream and the sender's signature, and \
            writes the content.

            With -o FILE the content goes to a temporary file renamed to FILE only after every \
            check passed: on any failure FILE does not exist. On standard output (refused when it \
            is a terminal) content is written as it is verified chunk by chunk; the end of the \
            stream and the sender signature are checked at the end, so a non-zero exit means the \
            output must be discarded, as with age.

            RELAY (--relay): logs in to the wallet's mailbox, fetches every message, verifies it, \
            writes it durably (to -o DIR as DIR/MESSAGEID, or to standard output) and only then \
            acknowledges it, which deletes it from the relay. A message that fails a check (also \
            one whose id is not the one the relay listed) is reported once and left on the relay, \
            and the exit status is then 1 or the check's own. --follow keeps the session open and \
            receives new messages as the relay pushes them; interrupted, it exits 0, or 1 if it \
            refused a message. One report per message.

            REPORT: on standard error, or on standard output with -o. JSON (--json): {chunks, \
            compressionRatio, contentBytes, created, envelopeBytes, expired, expires, format, \
            messageId, output, paddingBytes, recipient, sender, verified, wallet}. \
            compressionRatio is compressed size / content size (null for empty content).

            EXIT STATUS: 0 received and verified; 1 the sender differs from --expect-from or the \
            signature does not verify; 2 malformed input (not a message, bad armor, unsupported \
            version); 3 wrong password, or the message was altered or truncated; 4 no wallet is a \
            recipient, or the output file exists; 5 I/O errors.

            \(ManualText.walletEnvironment) With --relay: \(ManualText.keyLog)

            FILES: -o FILE is written as an unnamed file in FILE's folder (O_TMPFILE; a hidden \
            .FILE.UUID.partial where the file system has no unnamed files) and linked as FILE \
            once every check passed, so a failure, an interruption or a kill leaves nothing. With \
            --relay, -o DIR receives DIR/MESSAGEID per message, each fsynced before it is \
            acknowledged; a name already taken is never replaced (the copy becomes \
            DIR/MESSAGEID-2, -3, ...). Without -o, each message is verified whole in an unnamed \
            temporary file before it is written to standard output: nothing unverified, nothing \
            from a sender other than --expect-from, reaches the pipe.

            EXAMPLES:
              conet recv < project.conet | tar x
              conet recv --wallet bob --expect-from 0xA11ce... notes.conet.txt -o notes.txt --json
            """)

    @Option(name: .long, help: ArgumentHelp("A wallet to try (repeatable; default: all wallets).", valueName: "NAME"))
    var wallet: [String] = []

    @Option(name: .long, help: ArgumentHelp("Fail unless the message is signed by this address.", valueName: "ADDRESS"))
    var expectFrom: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write the content to FILE (only if everything verifies).", valueName: "FILE"))
    var outputPath: String?

    @Flag(help: "Overwrite FILE if it exists.")
    var force = false

    @Argument(help: ArgumentHelp("The message, or - for standard input.", valueName: "FILE"))
    var file = "-"

    @Option(help: ArgumentHelp("Fetch from this relay (0xADDRESS@host:port or a relay card file); -o then names a folder.", valueName: "RELAY"))
    var relay: String?

    @Flag(help: "With --relay: stay connected and receive messages as they arrive (until interrupted).")
    var follow = false

    @Option(help: ArgumentHelp(
        "Refuse a message whose content is larger than SIZE (e.g. 4GiB): a guard against decompression bombs (default: none for a FILE, \(Recv.defaultRelayMaxSize) with --relay).",
        valueName: "SIZE"))
    var maxSize: String?

    static let defaultRelayMaxSize = "1GiB"

    @OptionGroup var passwords: PasswordOptions
    @OptionGroup var json: JSONOption

    struct Report: Encodable {
        let sender: String
        let verified: Bool
        let wallet: String
        let recipient: String
        let messageId: String
        let created: String
        let expires: String
        let expired: Bool
        let format: String
        let contentBytes: Int
        let paddingBytes: Int
        let envelopeBytes: Int
        let chunks: Int
        let compressionRatio: Double?
        let output: String?

        var text: String {
            """
            from \(sender) (signature verified) to wallet \(wallet)
              message \(messageId), created \(created)\(expired ? ", expired \(expires)" : "")
              \(contentBytes) bytes (\(format)\(compressionRatio.map { String(format: ", ratio %.3f", $0) } ?? "")) from a \(envelopeBytes)-byte message
            """
        }
    }

    func validate() throws {
        if follow && relay == nil { throw ValidationError("--follow needs --relay") }
        if relay != nil && file != "-" { throw ValidationError("give either a FILE or --relay") }
    }

    func run() throws {
        if let relay {
            try reportingErrors { try RelayReceiver(command: self, relay: relay).run() }
            return
        }
        try reportingErrors {
            let expected = try expectFrom.map { try Address($0) }
            let store = WalletStore.current
            let input = try EnvelopeInput.open(file)
            let reader = try EnvelopeReader(source: input.source)
            let (name, key) = try Identities.unlock(reader, candidates: wallet, store: store, passwords: passwords)
            let output = try BinaryOutput(
                path: outputPath, mode: 0o600, overwrite: force, what: "the received data", hint: "redirect it or use -o FILE")
            let maxContent = try maxSize.map { try Sizes.parse($0, option: "--max-size") } ?? .max
            let opened = try reader.readPayload(maxContentBytes: maxContent, into: output.write)
            if let expected, opened.sender != expected {
                throw CommandError(.checkFailed, "the message is from \(opened.sender), not \(expected) (--expect-from)")
            }
            try output.commit(overwrite: force)
            let report = Report(opened, wallet: name, recipient: key.publicKey.address, output: outputPath)
            let text = json.json ? try Output.json(report) : report.text
            if outputPath != nil { print(text) } else { Output.printToStandardError(text) }
        }
    }
}

extension Recv.Report {
    init(_ opened: EnvelopeReader.Opened, wallet: String, recipient: Address, output: String?) {
        self.init(
            sender: opened.sender.checksummed, verified: true, wallet: wallet, recipient: recipient.checksummed,
            messageId: Hex.encode(opened.header.messageID), created: TimeText.format(opened.header.created),
            expires: TimeText.format(opened.header.expires), expired: opened.header.expires < Date(),
            format: opened.format == .zstd ? "zstd" : "raw", contentBytes: opened.contentByteCount,
            paddingBytes: opened.paddingByteCount, envelopeBytes: opened.envelopeByteCount, chunks: opened.dataChunkCount + 1,
            compressionRatio: opened.compressionRatio,
            output: output)
    }
}

/// Picks and unlocks the wallet a message is for.
enum Identities {
    /// Named stanzas: unlocks only the wallet they name. Hidden recipients: unlocks each candidate
    /// in turn and tries it on every stanza.
    static func unlock(
        _ reader: EnvelopeReader, candidates: [String], store: WalletStore, passwords: PasswordOptions
    ) throws -> (String, PrivateKey) {
        let names = candidates.isEmpty ? store.names() : candidates
        guard !names.isEmpty else { throw CommandError(.notFoundOrExists, "no wallets in \(store.home.path) to open the message with") }
        for name in names {
            let file = try store.load(name)
            if !reader.header.hiddenRecipients {
                guard let address = file.address, reader.names(address) else { continue }
            }
            let (_, key) = try store.unlock(name, passwords: passwords)
            if try reader.unlock(with: key) { return (name, key) }
        }
        let recipients = reader.header.stanzas.compactMap(\.recipient).map(\.checksummed)
        let list = recipients.isEmpty ? "hidden recipients" : "recipients \(recipients.joined(separator: ", "))"
        throw CommandError(
            .notFoundOrExists,
            "none of the wallets (\(names.joined(separator: ", "))) is a recipient of this message (\(list))")
    }
}

/// `recv --relay`: fetch, verify, store durably, then acknowledge, message by message. The relay
/// is not trusted with more than delivery: each message is verified whole (and checked against
/// the id the relay listed) before any of its content reaches a file or standard output, and a
/// file already received is never replaced.
struct RelayReceiver {
    let command: Recv
    let relay: String

    /// Messages this run refused, by id: reported once, not fetched again at every drain.
    private final class Refusals: @unchecked Sendable {
        private let lock = NSLock()
        private var ids: Set<[UInt8]> = []
        func insert(_ id: [UInt8]) -> Bool { lock.withLock { ids.insert(id).inserted } }
        func contains(_ id: [UInt8]) -> Bool { lock.withLock { ids.contains(id) } }
        var isEmpty: Bool { lock.withLock { ids.isEmpty } }
    }

    func run() throws {
        let store = WalletStore.current
        let expected = try command.expectFrom.map { try Address($0) }
        // Mail from strangers arrives unasked: a bound by default (a 64 KiB deposit can inflate to 2 GB).
        let maxContent = try Sizes.parse(command.maxSize ?? Recv.defaultRelayMaxSize, option: "--max-size")
        let name = try store.resolveName(command.wallet.first)
        let (_, key) = try store.unlock(name, passwords: command.passwords)
        let folder = command.outputPath.map { URL(fileURLWithPath: $0) }
        if let folder { try AtomicFile.ensureFolder(folder, mode: 0o700) }
        if folder == nil && Terminal.isTerminal(STDOUT_FILENO) {
            throw CommandError(.invalidInput, "refusing to write the received data to a terminal; redirect it or use -o DIR")
        }
        let client = try RelayClient(endpoint: RelayTargets.endpoint(relay))
        try client.login(key)
        let refused = Refusals()
        // Ids received in this run: a relay listing one again gets no second copy written.
        var received = Set<[UInt8]>()
        var lastFailure: (any Error)?
        func drain() throws {
            for entry in try client.list() where !refused.contains(entry.id) && !received.contains(entry.id) {
                do {
                    try receive(entry, from: client, key: key, wallet: name, expected: expected, folder: folder, maxContent: maxContent)
                    received.insert(entry.id)
                } catch let error as RelayError {
                    throw error
                } catch {
                    if refused.insert(entry.id) {
                        Output.printError("message \(Hex.encode(entry.id)) left on the relay: \(error.localizedDescription)")
                    }
                    lastFailure = error
                }
            }
        }
        // Subscribed before the first listing, a message stored meanwhile is listed or announced;
        // subscribed after it, one stored in between was neither, until the next 30 s ping.
        if command.follow { try client.subscribe() }
        try drain()
        if command.follow {
            // Interrupted, the exit status still says whether any message was refused.
            let stop = StopSignals { exit(refused.isEmpty ? 0 : ExitStatus.checkFailed.rawValue) }
            Output.printToStandardError("connected to \(relay); waiting for messages (interrupt to stop)")
            while true {
                if !client.missedNotification, try client.nextNotification(timeout: 30) == nil { try client.ping() }
                client.missedNotification = false
                try drain()
            }
            withExtendedLifetime(stop) {}
        }
        if let lastFailure { throw lastFailure }
    }

    private func receive(
        _ entry: MailboxEntry, from client: RelayClient, key: PrivateKey, wallet: String, expected: Address?, folder: URL?, maxContent: Int
    ) throws {
        // An envelope is at most its content plus a sliver of overhead (1/4096 per chunk, the
        // header, padding to the next bucket below 12%): a relay announcing more is not believed.
        let (allowance, overflow) = maxContent.addingReportingOverflow(maxContent / 8 + (1 << 20))
        let source = try client.fetch(entry.id, maxBytes: overflow ? .max : UInt64(allowance))
        // Whatever happens, read the message to its end so the session stays in step.
        defer { while let rest = try? source.read(upTo: 1 << 20), !rest.isEmpty {} }
        let reader = try EnvelopeReader(source: source)
        guard reader.header.messageID == entry.id else {
            throw CommandError(
                .checkFailed, "the relay listed message \(Hex.encode(entry.id)) but sent message \(Hex.encode(reader.header.messageID))")
        }
        guard try reader.unlock(with: key) else { throw EnvelopeError.notARecipient }
        // Staged unnamed, in DIR or in the temporary folder when the content goes to standard
        // output: nothing is visible, and nothing is left by a kill, until every check passed.
        let destination = folder?.appendingPathComponent(Hex.encode(entry.id))
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("conet-recv")
        let staged = try StagedFile(destination: destination, mode: 0o600)
        let opened = try reader.readPayload(maxContentBytes: maxContent) { try staged.write($0) }
        if let expected, opened.sender != expected {
            throw CommandError(.checkFailed, "the message is from \(opened.sender), not \(expected) (--expect-from)")
        }
        var output: String?
        if folder != nil {
            // A message written before a crash but not acknowledged arrives again: the copy goes
            // under a new name rather than over a file this run did not write.
            output = try staged.commitUnderFreeName().path
        } else {
            let spooled = try FileDescriptorSource(path: staged.temporaryPath)
            let out = FileDescriptorWriter(descriptor: STDOUT_FILENO, name: "standard output")
            while true {
                let piece = try spooled.read(upTo: 1 << 20)
                if piece.isEmpty { break }
                try out.write(piece)
            }
        }
        try client.acknowledge(entry.id)
        let report = Recv.Report(opened, wallet: wallet, recipient: key.publicKey.address, output: output)
        let text = command.json.json ? try Output.json(report) : report.text
        if folder != nil { print(text) } else { Output.printToStandardError(text) }
        fflush(nil)
    }
}
