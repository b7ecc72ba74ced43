import ConetCore
import Foundation

/// `conet send --via`: the message is wrapped in one layer per relay (the --via relays, then the
/// recipient's mailbox relay from their card) and handed to the first --via relay, which answers
/// once the mailbox relay has stored it, with that relay's signed receipt.
extension Send {
    func sendThroughPath() throws {
        let store = WalletStore.current
        let targets = try via.map(RelayTargets.target)
        let entry = try RelayClient(endpoint: targets[0].endpoint)
        // Recipients come from contacts or card files, never from a look-up on the entry relay,
        // which must not learn whom the message is for.
        let resolved = try to.map { try Recipients.resolve($0, store: store, relay: nil, now: Date()) }
        var mailboxRelay: RelayEndpoint?
        for (spec, recipient) in zip(to, resolved) {
            guard let text = recipient.card?.mailbox, let endpoint = try? RelayEndpoint(text) else {
                throw CommandError(.invalidInput, "--via needs each recipient's card to name a mailbox relay; '\(spec.prefix(80))' has none")
            }
            if let mailboxRelay, mailboxRelay.address != endpoint.address {
                throw CommandError(.invalidInput, "the recipients' cards name different mailbox relays; send to each separately")
            }
            mailboxRelay = endpoint
        }
        let mailboxAddress = mailboxRelay!.address
        // The relays' keys: the entry's from its handshake; the others' from card files, from
        // contacts, or else from the entry relay, which holds a verified card for every relay it
        // forwards to (that look-up shows the entry relay which relays the path uses).
        try OnionWriter.check(path: targets.map(\.endpoint.address) + [mailboxAddress])
        var path = [entry.keys.relayKey]
        for target in targets.dropFirst() {
            path.append(try target.card?.publicKey ?? relayKey(target.endpoint.address, store: store, through: entry))
        }
        path.append(try relayKey(mailboxAddress, store: store, through: entry))

        var options = try envelopeOptions()
        options.stampBits = RelayTargets.stampBits(of: entry)
        let senderName = try store.resolveName(from)
        let key = try store.unlockInBackground(senderName, passwords: passwords)
        let source = ReadAheadSource(try EnvelopeInput.descriptorSource(file))
        let recipients = resolved.map(\.key)
        let mailboxes = recipients.map(\.address)

        var summary: EnvelopeWriter.Summary?
        var receipts: [DeliveryReceipt] = []
        do {
            if mailboxes.count == 1 {
                nonisolated(unsafe) var sealed: EnvelopeWriter.Summary?
                receipts.append(try entry.sendOnion { write in
                    let layers = try OnionWriter(path: path, mailbox: mailboxes[0], options: options, output: write)
                    sealed = try seal(source, to: recipients, key: key, options: options) { try layers.write([UInt8]($0)) }
                    try layers.finish()
                })
                summary = sealed
            } else {
                // Sealed once to a never-committed temporary file, then wrapped once per mailbox.
                let staged = try StagedFile(destination: FileManager.default.temporaryDirectory.appendingPathComponent("conet-send"), mode: 0o600)
                summary = try seal(source, to: recipients, key: key, options: options) { try staged.write($0) }
                for mailbox in mailboxes {
                    let message = try FileDescriptorSource(path: staged.temporaryPath)
                    receipts.append(try entry.sendOnion { write in
                        let layers = try OnionWriter(path: path, mailbox: mailbox, options: options, output: write)
                        while true {
                            let block = try message.read(upTo: 1 << 16)
                            if block.isEmpty { break }
                            try layers.write(block)
                        }
                        try layers.finish()
                    })
                }
            }
        } catch RelayError.refused(let code, let text) {
            throw RelayError.refused(code: code, message: Self.explain(text, path: path.map(\.address)))
        }
        let sealed = summary!
        for receipt in receipts where !receipt.isValid(from: mailboxAddress, for: sealed.header.messageID) {
            throw CommandError(.checkFailed, "the delivery receipt is not \(mailboxAddress)'s signature for message \(Hex.encode(sealed.header.messageID))")
        }
        var report = report(sealed, output: nil, recipients: resolved)
        report.path = path.map(\.address.checksummed)
        if waitReceipt, let receipt = receipts.first {
            report.receipt = ReceiptReport(
                relay: receipt.relay.checksummed, messageId: Hex.encode(receipt.messageID),
                time: TimeText.format(Date(timeIntervalSince1970: TimeInterval(receipt.time))),
                signature: "0x" + Hex.encode(receipt.signature.bytes), verified: true)
        }
        try print(report, relay: entry.endpoint.description, mailboxes: mailboxes.map(\.checksummed))
    }

    /// A relay's wallet key from its card in the contacts, else looked up on the entry relay.
    private func relayKey(_ address: Address, store: WalletStore, through entry: RelayClient) throws -> PublicKey {
        if let card = try? ContactBook(store: store).find(address.checksummed).card, (try? card.verify()) != nil {
            return card.publicKey
        }
        do {
            let card = try entry.lookupCard(address)
            _ = try RelayEndpoint(card: card)
            return card.publicKey
        } catch RelayError.refused(_, _) {
            throw CommandError(.notFoundOrExists, "the entry relay knows no card for relay \(address); give --via a relay card file, or start the entry relay with --peer for it")
        }
    }

    /// Relays name no other relay in errors; they prefix "via next relay: " once per hop the
    /// error came back through. The sender knows the path, so it can name the hop.
    static func explain(_ text: String, path: [Address]) -> String {
        var rest = Substring(text)
        var hop = 0
        while rest.hasPrefix("via next relay: ") {
            rest = rest.dropFirst("via next relay: ".count)
            hop += 1
        }
        guard hop < path.count else { return text }
        if rest.hasPrefix("next relay unreachable: "), hop + 1 < path.count {
            return "relay \(hop + 1) of the path (\(path[hop])) could not pass the message to relay \(hop + 2) (\(path[hop + 1])): "
                + rest.dropFirst("next relay unreachable: ".count)
        }
        return "relay \(hop + 1) of the path (\(path[hop])) refused: \(rest)"
    }
}
