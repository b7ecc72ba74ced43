import ArgumentParser
import ConetCore
import Foundation

/// `conet inspect`: decode a message without (or, with --wallet, with) its key.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a message's header, recipients, chunks and size breakdown.",
        discussion: """
            Reads a message (binary or armored) and prints its clear header fields, its stanzas, \
            its chunk count and a size breakdown that adds up to the input size. Nothing is \
            decrypted without --wallet. With --wallet, every check 'recv' makes is made too \
            (nothing is written) and the sender, format, content size and padding are shown.

            CAPTURES (--capture FILE): a pcap or pcapng file as tcpdump, dumpcap or Wireshark write \
            it (link types Ethernet, BSD loopback, raw IP, Linux cooked v1 and v2; IPv4 and IPv6). \
            TCP streams are reassembled in both directions; each conet relay session is listed with \
            its endpoints, the relay's address, keys and challenge from the handshake (sent in the \
            clear), and every record with its sender, time, stream offset and size. With --keylog \
            (a CONET_KEYLOG file of the client or the relay) records are decrypted and named, and \
            envelopes carried by deposits and fetches are decoded as for a file. Damage (a file cut \
            mid-packet, a lost segment, an unsupported link type, a record that does not open) is \
            reported with its packet number and decoding goes on with what is intact.

            HEX (--hex): an annotated dump, one field per entry: offset, bytes (16 per line; fields \
            over 32 bytes show their first 32 and how many more), field name. For a message: every \
            header field, each chunk, the trailer chunk. For a capture: each record's length prefix \
            and hello fields or ciphertext and tag, then (decrypted) the plaintext fields with \
            offsets inside the plaintext. Offsets of captured records count from the start of that \
            direction's stream.

            JSON (--json), message: {armored, chunkSize, chunks, created, ephemeralKey, expires, \
            headerMac, hiddenRecipients, messageId, opened?: {compressionRatio, contentBytes, format, \
            recipient, sender, verified, wallet}, recipients: [{address}], routing, sizes: {armor, \
            chunkOverhead, header, input, padding, payload, stanzas, trailer}, stamp: {bits, work}, \
            ttl, version}. sizes.padding is null without --wallet (the padding is then inside \
            sizes.payload).

            JSON (--json), capture: {format, linkTypes, otherConversations, packets, problems: \
            [{message, packet?}], sessions: [{challenge, client, clientKey, decrypted, problems, \
            records: [{command?, envelope?, from, index, kind, offset, packet, size, summary?, \
            time}], relay, relayAddress, relayKey, transcript}]}. 'from' is client or relay; 'kind' \
            is hello or sealed; 'time' is seconds since 1970; 'envelope' has the message fields \
            above. Sessions are listed in the order they began, each session's records in the \
            order the capture completes them (time order for a capture in time order).

            EXIT STATUS: as 'conet recv': 2 not a message, not a capture, or a malformed key log; \
            3 altered or truncated (with --wallet); 4 the wallet is not a recipient, or a file is \
            missing; 64 usage error (--capture with FILE or --wallet, --hex with --json or --wallet).

            \(ManualText.walletEnvironment) The key log that --keylog reads comes from \
            CONET_KEYLOG=FILE set for 'conet send/recv --relay', 'conet wallet card --publish' or \
            'conet relay'.

            MEMORY: a message or a capture of any size is read as a stream: --hex writes each field \
            as it is read; a capture's records are decoded as their packets come and their report \
            waits in an unnamed temporary file ($TMPDIR, about the size of the report) until the \
            capture ends. Per TCP direction at most 4 MiB is held (a record in progress, segments \
            waiting for a lost one), 64 MiB in all, and 8192 conversations are followed at once; \
            past a bound the damage is reported as a problem, as for a lost segment.

            FILES: --capture - reads the capture from standard input; key logs at most 64 MiB.

            EXAMPLES:
              conet inspect message.conet
              conet inspect --wallet bob --json < message.conet
              conet inspect message.conet --hex
              tcpdump -i lo -w relay.pcap tcp port 7788 & CONET_KEYLOG=keys.log conet recv --relay RELAY -o in
              conet inspect --capture relay.pcap --port 7788 --keylog keys.log --json
            """)

    @Argument(help: ArgumentHelp("The message, or - for standard input.", valueName: "FILE"))
    var file = "-"

    @Option(name: .long, help: ArgumentHelp("Also open and verify it with this wallet (repeatable).", valueName: "NAME"))
    var wallet: [String] = []

    @Option(help: ArgumentHelp("Decode the conet relay sessions in this pcap or pcapng capture instead of a message.", valueName: "CAPTURE"))
    var capture: String?

    @Option(help: ArgumentHelp("With --capture: only TCP conversations with this port on either side.", valueName: "N"))
    var port: Int?

    @Option(help: ArgumentHelp("With --capture: a CONET_KEYLOG file, to decrypt the sessions whose keys it holds.", valueName: "FILE"))
    var keylog: String?

    @Flag(help: "Print an annotated hex dump (offset, bytes, field) of the message, or of every captured record.")
    var hex = false

    @OptionGroup var passwords: PasswordOptions
    @OptionGroup var json: JSONOption

    func validate() throws {
        if capture == nil && (port != nil || keylog != nil) { throw ValidationError("--port and --keylog go with --capture") }
        if capture != nil && (file != "-" || !wallet.isEmpty) { throw ValidationError("--capture takes no FILE and no --wallet") }
        if hex && json.json { throw ValidationError("--hex prints text; leave out --json") }
        if hex && !wallet.isEmpty { throw ValidationError("--hex shows the sealed bytes; leave out --wallet") }
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be 1...65535") }
    }

    func run() throws {
        try reportingErrors {
            if let capture { return try inspectCapture(capture) }
            let input = try EnvelopeInput.open(file)
            let reader = try EnvelopeReader(source: input.source)
            var inspection: EnvelopeInspection
            if hex {
                // Field by field as the message is read: memory stays that of two chunks.
                let output = BufferedOutput.standardOutput()
                try AnnotatedHex.envelope(header: reader.header, rest: input.source) { field in
                    try output.write(field.text)
                    try output.write("\n")
                }
                try output.flush()
                return
            } else if wallet.isEmpty {
                var after = 0
                while true {
                    let block = try input.source.read(upTo: 1 << 20)
                    if block.isEmpty { break }
                    after += block.count
                }
                inspection = try EnvelopeInspection(
                    header: reader.header, afterHeader: after, inputByteCount: input.counter.byteCount, armored: input.armored)
            } else {
                let (name, key) = try Identities.unlock(reader, candidates: wallet, store: .current, passwords: passwords)
                let opened = try reader.readPayload { _ in }
                inspection = try EnvelopeInspection(
                    header: reader.header, afterHeader: opened.envelopeByteCount - reader.header.byteCount,
                    inputByteCount: input.counter.byteCount, armored: input.armored)
                inspection.record(opened, wallet: name, recipient: key.publicKey.address)
            }
            if json.json { try Output.printJSON(inspection) } else { print(Self.text(inspection)) }
        }
    }

    static func text(_ info: EnvelopeInspection) -> String {
        var lines = [
            "conet message v\(info.version)\(info.armored ? " (armored)" : "")",
            "  id:          \(info.messageId)",
            "  created:     \(info.created) (expires \(info.expires))",
            "  chunk size:  \(info.chunkSize) bytes, \(info.chunks) chunks (trailer included)",
            "  ephemeral:   \(info.ephemeralKey)",
            "  recipients:  \(info.hiddenRecipients ? "\(info.recipients.count) hidden" : info.recipients.compactMap(\.address).joined(separator: ", "))",
        ]
        if let routing = info.routing { lines.append("  routing:     \(routing)") }
        if let stamp = info.stamp { lines.append("  stamp:       \(stamp.bits) bits claimed, \(stamp.work) found") }
        let s = info.sizes
        lines.append("  sizes:       header \(s.header) + stanzas \(s.stanzas) + payload \(s.payload) + chunk overhead \(s.chunkOverhead)"
            + " + padding \(s.padding.map(String.init) ?? "?") + trailer \(s.trailer)\(s.armor > 0 ? " + armor \(s.armor)" : "") = \(s.input)")
        if let opened = info.opened {
            lines.append("  sender:      \(opened.sender) (verified, wallet \(opened.wallet))")
            lines.append("  content:     \(opened.contentBytes) bytes, \(opened.format)\(opened.compressionRatio.map { String(format: ", ratio %.3f", $0) } ?? "")")
        }
        return lines.joined(separator: "\n")
    }
}
