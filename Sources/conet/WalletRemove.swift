import ArgumentParser
import ConetCore
import Foundation

struct WalletRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Delete a wallet file (irreversible unless you kept the mnemonic or an export).")

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
