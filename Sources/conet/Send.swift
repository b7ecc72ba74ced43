import ArgumentParser
import ConetCore
import Foundation

/// `conet send`: seal a file or a pipe to one or more wallets.
struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Compress, encrypt and sign data for one or more wallets.",
        discussion: """
            Reads FILE (or standard input) and writes a sealed conet message (docs/PROTOCOL.md §4): \
            zstd-compressed unless the data does not compress, encrypted to every recipient, signed \
            by the sender's wallet over the whole message. Memory use is constant in the size. The \
            password is asked for before any input is read; the wallet's key is then decrypted while \
            the message is sealed, and nothing is written until it has opened.

            RECIPIENTS (--to, repeatable): a contact's name or a local wallet's name; a contact's \
            0xADDRESS; a public key in hex (33 or 65 bytes); or a card file, read only when the \
            argument is clearly a path (it holds a '/' or ends in .json), so a file in the current \
            folder never stands in for a name. contact:NAME, wallet:NAME and card:PATH say which; a \
            name that is both a contact and a wallet of different keys is refused until one of them \
            is chosen so. The report names each recipient's address and where its key came from.

            OUTPUT: standard output (refused when it is a terminal, unless --armor), or -o FILE, \
            written under a temporary name and renamed only when complete; on failure no FILE exists.

            RELAY (--relay): the message is deposited in each recipient's mailbox on that relay, \
            answered only once stored durably. A bare address as recipient is then looked up on the \
            relay as a card, whose signature is verified.

            ROUTE (--via, docs/PROTOCOL.md §6): the message is wrapped in one layer per relay — each \
            --via relay, entry first, then the recipient's mailbox relay named in their card — and \
            handed to the first --via relay; each relay learns only the previous and the next hop. \
            At most three relays; a relay twice, or the mailbox relay as a --via relay, is refused. \
            Recipients must be contacts or card files naming a mailbox relay. Relay keys come from \
            relay card files, contacts, or a look-up on the entry relay. The answer comes once the \
            mailbox relay stored the message, with its signed receipt, always checked; \
            --wait-receipt prints it. A failing hop is named in the error.

            JSON (--json): {chunks, compressed, contentBytes, envelopeBytes, format, mailboxes?, messageId, \
            output?, paddingBytes, path?, receipt?: {messageId, relay, signature, time, verified}, \
            recipients, relay?, sender, to: [{address, name?, path?, source}]}, on standard output \
            with -o, --relay or --via, else on standard error. recipients counts them; each of to \
            says where the key came from: source is contact (name: its local name), wallet (name), \
            card-file (path), public-key, or relay (the card the relay holds for a bare address).

            EXIT STATUS: 0 sent; 1 a relay refused (replay, quota, stamp) or the receipt does not \
            verify; 2 malformed input or options, or a refused path; 3 wrong password; 4 a recipient, \
            wallet, relay card or output file missing or already present; 5 I/O errors, or a relay \
            in the path could not be reached.

            \(ManualText.walletEnvironment) With --relay: \(ManualText.keyLog)

            FILES: -o FILE is written as .FILE.UUID.partial in FILE's folder and renamed to FILE \
            when complete (removed on failure or interruption); $CONET_HOME/wallets/ and \
            $CONET_HOME/contacts/ for the sender and recipients.

            EXAMPLES:
              tar c project | conet send --to bob.card.json > project.conet
              conet send --to 0xB0b... --to carol --pad --armor notes.txt -o notes.conet.txt
              conet send --to bob --no-compress --hide-recipients video.mkv -o video.conet
              conet send --to bob --via 0xEntry...@relay1:7788 --via 0xMiddle...@relay2:7788 --pad --wait-receipt note.txt
            """)

    /// The largest read handed to the writer: at least any read-ahead block, so whole blocks pass
    /// through uncopied.
    static let readSize = 1 << 20

    @Option(name: .long, help: ArgumentHelp(
        "A recipient: contact or wallet name, contact 0xADDRESS, public key hex, or card file (a path with '/' or ending in .json); contact:NAME, wallet:NAME, card:PATH say which.",
        valueName: "RECIPIENT"))
    var to: [String] = []

    @Option(name: .long, help: ArgumentHelp("The sending wallet (default: $CONET_WALLET or the only wallet).", valueName: "WALLET"))
    var from: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write the message to FILE instead of standard output.", valueName: "FILE"))
    var outputPath: String?

    @Flag(help: "Overwrite FILE if it exists.")
    var force = false

    @Flag(help: "Write the text form (base64 between BEGIN/END lines) instead of binary.")
    var armor = false

    @Option(help: ArgumentHelp("zstd level, -7...22 (default 3).", valueName: "N"))
    var level: Int?

    @Flag(help: "Do not compress.")
    var noCompress = false

    @Flag(help: "Pad the payload to a size bucket (PADMÉ, at least 1 KiB), so sizes leak less.")
    var pad = false

    @Option(help: ArgumentHelp("How long relays may keep the message, e.g. 12h, 7d (default 7d).", valueName: "DURATION"))
    var ttl: String?

    @Flag(help: "Leave recipient addresses out of the message; recipients find their copy by trial decryption.")
    var hideRecipients = false

    @Argument(help: ArgumentHelp("The data to send, or - for standard input.", valueName: "FILE"))
    var file = "-"

    @OptionGroup var passwords: PasswordOptions
    @OptionGroup var json: JSONOption

    func validate() throws {
        guard !to.isEmpty else { throw ValidationError("give at least one recipient with --to") }
        if noCompress && level != nil { throw ValidationError("--level and --no-compress cannot be used together") }
        if !via.isEmpty && (relay != nil || outputPath != nil) { throw ValidationError("--via sends through relays: leave out --relay and -o") }
        if waitReceipt && via.isEmpty { throw ValidationError("--wait-receipt goes with --via") }
    }

    struct Report: Encodable {
        let messageId: String
        let sender: String
        let recipients: Int
        /// Each recipient, in --to order, and where its key came from.
        let to: [RecipientReport]
        let format: String
        let contentBytes: Int
        let compressed: Int
        let paddingBytes: Int
        let envelopeBytes: Int
        let chunks: Int
        let output: String?
        var relay: String?
        var mailboxes: [String]?
        /// With --via: the relays' addresses, entry first, mailbox relay last.
        var path: [String]?
        var receipt: ReceiptReport?
    }

    /// One recipient in the report: the address, and the contact, wallet, card file or key it came from.
    struct RecipientReport: Encodable {
        let address: String
        let source: String
        /// The contact's local name or the wallet's name.
        let name: String?
        /// The card file's path.
        let path: String?
        /// "0xADDRESS (contact bob)", for the human report.
        let text: String

        init(_ recipient: Recipients.Recipient) {
            address = recipient.address.checksummed
            source = recipient.source.kind
            switch recipient.source {
            case .contact(let name): self.name = name; path = nil
            case .wallet(let name): self.name = name; path = nil
            case .cardFile(let file): name = nil; path = file
            case .publicKey, .relay: name = nil; path = nil
            }
            text = "\(address) (\(recipient.source.text))"
        }

        private enum CodingKeys: String, CodingKey { case address, source, name, path }
    }

    struct ReceiptReport: Encodable {
        let relay: String
        let messageId: String
        let time: String
        let signature: String
        let verified: Bool
    }

    @Option(help: ArgumentHelp("Deposit the message on this relay instead of writing it: 0xADDRESS@host:port or a relay card file.", valueName: "RELAY"))
    var relay: String?

    @Option(help: ArgumentHelp(
        "Route through this relay, entry first (repeatable, at most two); the recipient's card names the last relay: 0xADDRESS@host:port or a relay card file.",
        valueName: "RELAY"))
    var via: [String] = []

    @Flag(help: "With --via: print the mailbox relay's signed delivery receipt (verified) in the report.")
    var waitReceipt = false

    func run() throws {
        try reportingErrors {
            if relay != nil && outputPath != nil { throw CommandError(.invalidInput, "--relay and -o cannot be used together") }
            if !via.isEmpty { return try sendThroughPath() }
            let store = WalletStore.current
            let client = try relay.map { try RelayClient(endpoint: RelayTargets.endpoint($0)) }
            let resolved = try Recipients.resolve(to, store: store, relay: client)
            let recipients = resolved.map(\.key)
            var options = try envelopeOptions()
            let senderName = try store.resolveName(from)
            // Uncompressed, the read hand-overs are a visible share of the work: larger blocks.
            let source = ReadAheadSource(
                try EnvelopeInput.descriptorSource(file), blockSize: noCompress ? Self.readSize : ReadAheadSource.defaultBlockSize,
                depth: noCompress ? 4 : 2)

            if let client {
                // A relay that wants stamps on anonymous deposits says so in its status.
                options.stampBits = RelayTargets.stampBits(of: client)
                let key = try store.unlockInBackground(senderName, passwords: passwords)
                let (summary, mailboxes) = try deposit(source, to: recipients, through: client, key: key, options: options)
                try print(report(summary, output: nil, recipients: resolved), relay: client.endpoint.description, mailboxes: mailboxes)
                return
            }
            let output = try BinaryOutput(
                path: outputPath, mode: 0o644, overwrite: force, what: "an encrypted message",
                hint: "redirect it, use -o FILE, or --armor")
            let key = try store.unlockInBackground(senderName, passwords: passwords)
            let summary = try seal(source, to: recipients, key: key, options: options) { try output.write($0) }
            try output.commit(overwrite: force)
            try print(report(summary, output: outputPath, recipients: resolved), relay: nil, mailboxes: nil)
        }
    }

    /// The envelope options the flags ask for.
    func envelopeOptions() throws -> EnvelopeOptions {
        var options = EnvelopeOptions()
        if let ttl {
            guard let seconds = TimeText.parseDuration(ttl), seconds >= 1, seconds <= Double(UInt32.max) else {
                throw CommandError(.invalidInput, "--ttl '\(ttl)' is not a duration like 12h or 7d (1 second ... 136 years)")
            }
            options.ttl = UInt32(seconds)
        }
        options.compression = noCompress ? .none : (level.map { .zstd(level: $0) } ?? .automatic(level: 3))
        options.compressionWorkers = ProcessInfo.processInfo.activeProcessorCount > 1 ? ProcessInfo.processInfo.activeProcessorCount : 0
        options.pad = pad
        options.hideRecipients = hideRecipients
        return options
    }

    /// Seals `source` to `output` (armored if asked), which is lent each piece in place.
    func seal(
        _ source: ByteSource, to recipients: [PublicKey], key: PendingKey, options: EnvelopeOptions,
        output: @escaping @Sendable (UnsafeRawBufferPointer) throws -> Void
    ) throws -> EnvelopeWriter.Summary {
        let armorWriter = armor ? ArmorWriter { try $0.withUnsafeBytes(output) } : nil
        let writer = try EnvelopeWriter(recipients: recipients, sender: key, options: options) { (bytes: UnsafeRawBufferPointer) in
            if let armorWriter { try armorWriter.write([UInt8](bytes)) } else { try output(bytes) }
        }
        while true {
            let block = try source.read(upTo: Self.readSize)
            if block.isEmpty { break }
            try writer.write(block)
        }
        let summary = try writer.finish()
        try armorWriter?.finish()
        return summary
    }

    /// Deposits into each recipient's mailbox: streamed for one recipient, staged in a temporary
    /// file and sent once per mailbox for several.
    private func deposit(
        _ source: ByteSource, to recipients: [PublicKey], through client: RelayClient, key: PendingKey, options: EnvelopeOptions
    ) throws -> (EnvelopeWriter.Summary, [String]) {
        let mailboxes = recipients.map(\.address)
        if mailboxes.count == 1 {
            nonisolated(unsafe) var summary: EnvelopeWriter.Summary?
            _ = try client.deposit(into: mailboxes[0]) { write in
                summary = try seal(source, to: recipients, key: key, options: options) { try write([UInt8]($0)) }
            }
            return (summary!, [mailboxes[0].checksummed])
        }
        // Never committed: the temporary file is read back once per mailbox, then removed with `staged`.
        let staged = try StagedFile(destination: FileManager.default.temporaryDirectory.appendingPathComponent("conet-send"), mode: 0o600)
        let summary = try seal(source, to: recipients, key: key, options: options) { try staged.write($0) }
        for mailbox in mailboxes {
            _ = try client.deposit(into: mailbox, from: try FileDescriptorSource(path: staged.temporaryPath))
        }
        return (summary, mailboxes.map(\.checksummed))
    }

    func report(_ summary: EnvelopeWriter.Summary, output: String?, recipients: [Recipients.Recipient]) -> Report {
        Report(
            messageId: Hex.encode(summary.header.messageID), sender: summary.sender.checksummed,
            recipients: summary.header.stanzas.count, to: recipients.map(RecipientReport.init),
            format: summary.format == .zstd ? "zstd" : "raw",
            contentBytes: summary.contentByteCount, compressed: summary.sealedContentByteCount,
            paddingBytes: summary.paddingByteCount, envelopeBytes: summary.envelopeByteCount,
            chunks: summary.dataChunkCount + 1, output: output, relay: nil, mailboxes: nil)
    }

    /// One line a recipient: its address and where its key came from.
    private func printRecipients(_ report: Report) {
        for recipient in report.to { Swift.print("  to \(recipient.text)") }
    }

    func print(_ report: Report, relay: String?, mailboxes: [String]?) throws {
        var report = report
        report.relay = relay
        report.mailboxes = mailboxes
        if json.json {
            let text = try Output.json(report)
            if outputPath != nil || relay != nil { Swift.print(text) } else { Output.printToStandardError(text) }
        } else if let relay, let receipt = report.receipt {
            Swift.print("sent \(report.contentBytes) bytes as message \(report.messageId) to \(mailboxes!.joined(separator: ", ")) through \(report.path!.count) relay(s); receipt signed by \(receipt.relay) at \(receipt.time) (entry \(relay))")
            printRecipients(report)
        } else if let relay {
            Swift.print("sent \(report.contentBytes) bytes as a \(report.envelopeBytes)-byte message \(report.messageId) to \(mailboxes!.joined(separator: ", ")) on \(relay)")
            printRecipients(report)
        } else if let outputPath {
            Swift.print("sent \(report.contentBytes) bytes as \(report.envelopeBytes) (\(report.format)) to \(report.recipients) recipient(s): \(outputPath)")
            printRecipients(report)
        }
    }
}
