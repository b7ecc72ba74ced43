import ArgumentParser
import ConetCore
import Foundation

struct WalletShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a wallet's address, public key and path (never secrets).",
        discussion: """
            Reads only the keystore's public fields: no password is asked.

            JSON: {address, created, file, name, path, publicKey}.

            EXIT STATUS: 0 shown; 2 unreadable keystore; 4 no such wallet; 64 usage error.

            \(ManualText.walletEnvironment)

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet show alice
              conet wallet show --json | jq -r .address
            """)

    @Argument(help: "Wallet name (default: $CONET_WALLET, or the only wallet).")
    var name: String?

    @OptionGroup var output: JSONOption

    func run() throws {
        try reportingErrors {
            let store = WalletStore.current
            let name = try store.resolveName(name)
            try WalletInfo(name: name, wallet: store.load(name), store: store).print(json: output.json)
        }
    }
}
