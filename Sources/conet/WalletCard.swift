import ArgumentParser
import ConetCore
import Foundation

struct WalletCard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Make a signed contact card: {address, publicKey, mailbox?, created, expires?, signature}.",
        discussion: "The card is EIP-191-signed by the wallet over a canonical text (docs/PROTOCOL.md); give it to anyone who should write to you.")

    @Argument(help: "Wallet name (default: $CONET_WALLET, or the only wallet).")
    var name: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the card to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    @Flag(help: "Replace FILE if it exists.")
    var force = false

    @OptionGroup var card: CardOptions
    @OptionGroup var passwords: PasswordOptions

    func run() throws {
        try reportingErrors {
            let store = WalletStore.current
            let name = try store.resolveName(name)
            let (_, key) = try store.unlock(name, passwords: passwords)
            try Output.write(card.make(key: key).jsonData(), to: output, mode: 0o644, overwrite: force)
        }
    }
}
