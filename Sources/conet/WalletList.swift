import ArgumentParser
import ConetCore
import Foundation

struct WalletList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List wallets (public data only; no password needed).",
        discussion: """
            Every keystore in $CONET_HOME/wallets; one that cannot be read is listed apart with \
            the reason, so one damaged file never hides the others.

            JSON: {unreadable: [{error, name}], wallets: [{address, created, file, name, path, publicKey}]}.

            EXIT STATUS: 0 listed (even when some are unreadable); 5 the folder cannot be read.

            \(ManualText.walletEnvironment)

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet list
              conet wallet list --json
            """)

    @OptionGroup var output: JSONOption

    /// A file in the wallet folder that could not be read, and why.
    struct Unreadable: Encodable {
        let name: String
        let error: String
    }

    struct Listing: Encodable {
        let wallets: [WalletInfo]
        let unreadable: [Unreadable]
    }

    func run() throws {
        try reportingErrors {
            let store = WalletStore.current
            var wallets = [WalletInfo](), unreadable = [Unreadable]()
            for name in store.names() {
                do {
                    wallets.append(WalletInfo(name: name, wallet: try store.load(name), store: store))
                } catch {
                    unreadable.append(Unreadable(name: name, error: error.localizedDescription))
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
            for file in unreadable { Output.printError(file.error) }
        }
    }
}
