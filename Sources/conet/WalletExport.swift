import ArgumentParser
import ConetCore
import Foundation

struct WalletExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a wallet as a standard v3 keystore, a signed card, or (explicitly) its private key.",
        discussion: """
            keystore: the v3 JSON that geth, MetaMask ('Import account' > JSON file), Foundry \
            ('cast wallet import --keystore' or --keystore FILE) and eth-keyfile read; no password \
            asked. card: a signed contact card (password asked). private-key: 0x-hex key, only \
            with --unsafe-show-secret (password asked).

            JSON: the keystore or card is itself JSON, written to standard output or -o FILE; \
            private-key prints a 0x-hex line.

            \(ManualText.walletExit)

            \(ManualText.walletEnvironment)

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet export alice --format keystore -o alice.keystore.json
              conet wallet export alice --format card -o alice.card.json
              conet wallet export alice --format private-key --unsafe-show-secret
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case keystore, card
        case privateKey = "private-key"
    }

    @Argument(help: "Wallet name (default: $CONET_WALLET, or the only wallet).")
    var name: String?

    @Option(help: "keystore, card or private-key.")
    var format: Format = .keystore

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE (atomically, mode 0600) instead of standard output.", valueName: "FILE"))
    var output: String?

    @Flag(help: "Replace FILE if it exists.")
    var force = false

    @Flag(help: "Required to print the private key.")
    var unsafeShowSecret = false

    @OptionGroup var card: CardOptions
    @OptionGroup var passwords: PasswordOptions

    func validate() throws {
        if format == .privateKey && !unsafeShowSecret {
            throw ValidationError("exporting the private key needs --unsafe-show-secret")
        }
    }

    func run() throws {
        try reportingErrors {
            let store = WalletStore.current
            let name = try store.resolveName(name)
            var data: Data
            switch format {
            case .keystore:
                data = try store.load(name).keystore.jsonData()
            case .card:
                let (_, key) = try store.unlock(name, passwords: passwords)
                data = try card.make(key: key).jsonData()
            case .privateKey:
                let (_, key) = try store.unlock(name, passwords: passwords)
                var scalar = key.secret.unsafeCopy()
                defer { Memory.wipe(&scalar) }
                data = Data(("0x" + Hex.encode(scalar) + "\n").utf8)
            }
            defer { data.resetBytes(in: 0..<data.count) }
            try Output.write(data, to: output, mode: format == .card ? 0o644 : 0o600, overwrite: force)
        }
    }
}
