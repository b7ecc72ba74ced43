import ArgumentParser
import ConetCore
import Foundation

/// `conet send`: seal a file or a pipe to one or more wallets.
struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compress, encrypt and sign data for one or more wallets.",
        discussion: """
            Reads FILE (or standard input) and writes a sealed conet message (docs/PROTOCOL.md §4): \
            zstd-compressed unless the data does not compress, encrypted to every recipient, signed \
            by the sender's wallet over the whole message. Memory use is constant in the size.

            RECIPIENTS (--to, repeatable): a card file, a contact's address or name from 'conet \
            wallet contacts', a public key in hex (33 or 65 bytes), or a local wallet's name.

            OUTPUT: standard output (refused when it is a terminal, unless --armor), or -o FILE, \
            written under a temporary name and renamed only when complete; on failure no FILE exists.

            JSON (--json): {chunks, compressed, contentBytes, envelopeBytes, format, messageId, \
            output, paddingBytes, recipients, sender}, on standard output with -o, else on standard error.

            EXIT STATUS: 0 sent; 2 malformed input or options; 3 wrong password; 4 a recipient, \
            wallet or output file missing or already present; 5 I/O errors.

            EXAMPLES:
              tar c project | conet send --to bob.card.json > project.conet
              conet send --to 0xB0b... --to carol --pad --armor notes.txt -o notes.conet.txt
              conet send --to bob --no-compress --hide-recipients video.mkv -o video.conet
            """)

    @Option(name: .long, help: ArgumentHelp("A recipient: card file, contact address or name, public key hex, or wallet name.", valueName: "RECIPIENT"))
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
    }

    struct Report: Encodable {
        let messageId: String
        let sender: String
        let recipients: Int
        let format: String
        let contentBytes: Int
        let compressed: Int
        let paddingBytes: Int
        let envelopeBytes: Int
        let chunks: Int
        let output: String?
    }

    func run() throws {
        try reportingErrors {
            let store = WalletStore.current
            let recipients = try Recipients.resolve(to, store: store)
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
            let senderName = try store.resolveName(from)
            let source = ReadAheadSource(try EnvelopeInput.descriptorSource(file))
            let output = try BinaryOutput(
                path: outputPath, mode: 0o644, overwrite: force, what: "an encrypted message",
                hint: "redirect it, use -o FILE, or --armor")
            let (_, key) = try store.unlock(senderName, passwords: passwords)

            let armorWriter = armor ? ArmorWriter(output: output.write) : nil
            let writer = try EnvelopeWriter(recipients: recipients, sender: key, options: options) { bytes in
                if let armorWriter { try armorWriter.write(bytes) } else { try output.write(bytes) }
            }
            while true {
                let block = try source.read(upTo: 256 * 1024)
                if block.isEmpty { break }
                try writer.write(block)
            }
            let summary = try writer.finish()
            try armorWriter?.finish()
            try output.commit(overwrite: force)

            let report = Report(
                messageId: Hex.encode(summary.header.messageID), sender: key.publicKey.address.checksummed,
                recipients: summary.header.stanzas.count, format: summary.format == .zstd ? "zstd" : "raw",
                contentBytes: summary.contentByteCount, compressed: summary.payloadByteCount - summary.paddingByteCount - 1,
                paddingBytes: summary.paddingByteCount, envelopeBytes: summary.envelopeByteCount,
                chunks: summary.dataChunkCount + 1, output: outputPath)
            if json.json {
                let text = try Output.json(report)
                if outputPath != nil { print(text) } else { Output.printToStandardError(text) }
            } else if outputPath != nil {
                print("sent \(report.contentBytes) bytes as \(report.envelopeBytes) (\(report.format)) to \(report.recipients) recipient(s): \(outputPath!)")
            }
        }
    }
}
