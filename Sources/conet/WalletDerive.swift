import ArgumentParser
import ConetCore
import Foundation

struct WalletDerive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "derive",
        abstract: "List the accounts of a mnemonic on m/44'/60'/0'/0/i without storing anything.",
        discussion: """
            The mnemonic comes from --mnemonic-file (BIP-39 words). Nothing is written; private \
            keys are printed only with the explicit flag that asks for them.

            JSON: {accounts: [{address, index, path, privateKey?, publicKey}]}.

            EXIT STATUS: 0 listed; 2 a malformed mnemonic, path or count; 4 the mnemonic file is missing; 64 usage error.

            \(ManualText.walletEnvironment)

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet derive --mnemonic-file words.txt --count 5
              conet wallet derive --mnemonic-file words.txt --json
            """)

    @Option(help: ArgumentHelp("File holding a BIP-39 mnemonic.", valueName: "FILE"))
    var mnemonicFile: String

    @Option(help: ArgumentHelp("File holding the BIP-39 passphrase.", valueName: "FILE"))
    var passphraseFile: String?

    @Option(help: "How many accounts (1...1000).")
    var count = 5

    @Option(help: "First account index, 0...2147483647.")
    var start: UInt32 = 0

    @Flag(help: "Also print each private key.")
    var unsafeShowSecret = false

    @OptionGroup var output: JSONOption

    func validate() throws {
        guard (1...1000).contains(count) else { throw ValidationError("--count must be 1...1000") }
        try AccountIndex.check(start, option: "--start")
        guard UInt64(start) + UInt64(count) <= UInt64(DerivationPath.hardened) else {
            throw ValidationError("--start + --count must stay within 0...\(DerivationPath.hardened - 1): account indices of 2^31 and above are hardened")
        }
    }

    struct Account: Encodable {
        let index: UInt32
        let path: String
        let address: String
        let publicKey: String
        let privateKey: String?
    }

    struct Accounts: Encodable { let accounts: [Account] }

    func run() throws {
        try reportingErrors {
            let seed = try WalletSources.mnemonic(file: mnemonicFile).seed(passphrase: WalletSources.passphrase(file: passphraseFile))
            let account = try ExtendedPrivateKey(seed: seed).derive(DerivationPath("m/44'/60'/0'/0"))
            var accounts = [Account]()
            for index in start..<(start + UInt32(count)) {
                let key = try account.child(index).key
                accounts.append(Account(
                    index: index, path: DerivationPath.ethereum(index: index).description,
                    address: key.publicKey.address.checksummed, publicKey: "0x" + Hex.encode(key.publicKey.compressed),
                    privateKey: unsafeShowSecret ? "0x" + Hex.encode(key.secret.unsafeCopy()) : nil))
            }
            if output.json {
                try Output.printJSON(Accounts(accounts: accounts))
            } else {
                for account in accounts {
                    print("\(account.path)  \(account.address)\(account.privateKey.map { "  " + $0 } ?? "")")
                }
            }
        }
    }
}
