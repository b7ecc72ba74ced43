import ArgumentParser
import ConetCore
import Foundation

struct WalletCard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Make a signed contact card: {address, publicKey, mailbox?, created, expires?, signature}.",
        discussion: """
            The card is EIP-191-signed by the wallet over a canonical text (docs/PROTOCOL.md); give it to \
            anyone who should write to you. With --publish RELAY it is stored on that relay, where \
            senders look up a bare address (and verify the signature); then it is printed only with -o.

            JSON: the card itself is JSON {address, created, expires?, mailbox?, publicKey, \
            signature}, on standard output or in -o FILE.

            EXIT STATUS: 0 made (and published); 2 malformed options or relay; 3 wrong password, or \
            the relay failed authentication; 4 no such wallet, or -o FILE exists; 5 the relay \
            refused or could not be reached.

            \(ManualText.walletEnvironment) \(ManualText.keyLog)

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet card alice -o alice.card.json
              conet wallet card alice --mailbox 0xRelay...@relay.example:7788 --expires 90d
              conet wallet card alice --publish 0xRelay...@127.0.0.1:7788
            """)

    @Argument(help: "Wallet name (default: $CONET_WALLET, or the only wallet).")
    var name: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the card to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    @Flag(help: "Replace FILE if it exists.")
    var force = false

    @Option(help: ArgumentHelp("Also publish the card on this relay (0xADDRESS@host:port or a relay card file).", valueName: "RELAY"))
    var publish: String?

    @OptionGroup var card: CardOptions
    @OptionGroup var passwords: PasswordOptions

    func run() throws {
        try reportingErrors {
            let store = WalletStore.current
            let name = try store.resolveName(name)
            let (_, key) = try store.unlock(name, passwords: passwords)
            let made = try card.make(key: key)
            if let publish {
                try RelayClient(endpoint: RelayTargets.endpoint(publish)).publishCard(made)
                if output == nil { return }
            }
            try Output.write(made.jsonData(), to: output, mode: 0o644, overwrite: force)
        }
    }
}
