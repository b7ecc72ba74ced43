import ArgumentParser
import ConetCore
import Foundation

struct WalletNew: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a wallet from a new BIP-39 mnemonic (account m/44'/60'/0'/0/0).",
discussion: """
            The mnemonic is printed once (in the JSON as 'mnemonic'): write it down; conet does \
            not store it. --light uses scrypt N=2^12 instead of 2^18 (for tests and throwaway wallets).

            JSON: (--json): {address, created, file, mnemonic, name, path, publicKey}.

            \(ManualText.walletExit)

            \(ManualText.walletEnvironment)

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet new alice
              conet wallet new bob --words 24 --json
              CONET_PASSWORD=test conet wallet new scratch --light
            """)

    @Argument(help: "Name of the new wallet.")
    var name = "default"

    @Option(help: "Mnemonic length: 12 or 24 words.")
    var words = 12

    @Flag(help: "Replace an existing wallet of the same name.")
    var force = false

    @OptionGroup var kdf: KDFOption
    @OptionGroup var passwords: PasswordOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        guard words == 12 || words == 24 else { throw ValidationError("--words must be 12 or 24") }
    }

    func run() throws {
        try reportingErrors {
            let store = WalletStore.current
            try store.checkAvailable(name, force: force)
            let mnemonic = try Mnemonic.generate(wordCount: words)
            let path = DerivationPath.ethereum(index: 0)
            let key = try ExtendedPrivateKey(seed: mnemonic.seed()).derive(path).key
            let wallet = try store.saveNew(name, key: key, path: path, passwords: passwords, kdf: kdf, force: force)
            var info = WalletInfo(name: name, wallet: wallet, store: store)
            if output.json {
                info.mnemonic = mnemonic.phrase
                try Output.printJSON(info)
            } else {
                print(info.text)
                print("\nRecovery phrase (shown once: write it down and keep it offline):\n  \(mnemonic.phrase)")
            }
        }
    }
}
