import ArgumentParser
import ConetCore
import Foundation

struct WalletChangePassword: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "change-password",
        abstract: "Re-encrypt a wallet under a new password (atomically: the old file stays until the new one is complete).",
        discussion: """
            The new password comes from --new-password-file, CONET_NEW_PASSWORD, or a prompt \
            (twice). The keystore is rewritten under a temporary name and renamed over the old one.

            JSON: none; prints one line naming the wallet.

            \(ManualText.walletExit)

            \(ManualText.walletEnvironment) CONET_NEW_PASSWORD supplies the new password.

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet change-password alice
              CONET_PASSWORD=old CONET_NEW_PASSWORD=new conet wallet change-password alice
            """)

    @Argument(help: "Wallet name.")
    var name: String

    @Option(help: ArgumentHelp("Read the new password from the first line of FILE.", valueName: "FILE"))
    var newPasswordFile: String?

    @OptionGroup var kdf: KDFOption
    @OptionGroup var passwords: PasswordOptions

    func run() throws {
        try reportingErrors {
            let store = WalletStore.current
            let (wallet, key) = try store.unlock(name, passwords: passwords)
            let newPassword = try Passwords.obtain(
                file: newPasswordFile, variable: "CONET_NEW_PASSWORD", prompt: "New password for wallet '\(name)': ", confirm: true)
            let keystore = try Keystore.encrypt(key, password: newPassword, kdf: kdf.kdf)
            let updated = WalletFile(keystore: keystore, publicKey: key.publicKey, path: wallet.path, created: wallet.created)
            try store.save(updated, as: name, overwrite: true)
            print("password changed for wallet '\(name)'")
        }
    }
}
