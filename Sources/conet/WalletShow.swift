import ArgumentParser
import ConetCore
import Foundation

struct WalletShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a wallet's address, public key and path (never secrets).")

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
