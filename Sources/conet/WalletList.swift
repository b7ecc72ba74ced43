import ArgumentParser
import ConetCore
import Foundation

struct WalletList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List wallets (public data only; no password needed).")

    @OptionGroup var output: JSONOption

    struct Listing: Encodable {
        let wallets: [WalletInfo]
        let unreadable: [String]
    }

    func run() throws {
        try reportingErrors {
            let store = WalletStore.current
            var wallets = [WalletInfo](), unreadable = [String]()
            for name in store.names() {
                if let wallet = try? store.load(name) {
                    wallets.append(WalletInfo(name: name, wallet: wallet, store: store))
                } else {
                    unreadable.append(name)
                }
            }
            if output.json {
                try Output.printJSON(Listing(wallets: wallets, unreadable: unreadable))
                return
            }
            if wallets.isEmpty && unreadable.isEmpty { print("no wallets in \(store.walletsFolder.path)") }
            for wallet in wallets {
                print("\(wallet.name.padding(toLength: max(16, wallet.name.count), withPad: " ", startingAt: 0))  \(wallet.address ?? "unknown")  \(wallet.path ?? "")")
            }
            for name in unreadable { Output.printError("wallet '\(name)' is not a readable keystore") }
        }
    }
}
