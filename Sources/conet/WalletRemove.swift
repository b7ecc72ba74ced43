import ArgumentParser
import ConetCore
import Foundation

struct WalletRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Delete a wallet file (irreversible unless you kept the mnemonic or an export).",
        discussion: """
            Refused without --yes.

            JSON: none; prints one line naming the removed wallet.

            EXIT STATUS: 0 removed; 4 no such wallet; 5 I/O error; 64 usage error (--yes missing).

            \(ManualText.walletEnvironment)

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet remove scratch --yes
            """)

    @Argument(help: "Wallet name.")
    var name: String

    @Flag(help: "Confirm the deletion.")
    var yes = false

    func validate() throws {
        guard yes else { throw ValidationError("removing a wallet needs --yes (export it first if in doubt)") }
    }

    func run() throws {
        try reportingErrors {
            try WalletStore.current.remove(name)
            print("removed wallet '\(name)'")
        }
    }
}
