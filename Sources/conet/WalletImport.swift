import ArgumentParser
import ConetCore
import Foundation

struct WalletImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a wallet from a mnemonic, a raw private key, or a v3 keystore.",
        discussion: """
            Exactly one source: --mnemonic-file (BIP-39 words; account --index or --path), \
            --private-key-file (64 hex digits, optional 0x), or --keystore (a v3 JSON keystore, \
            opened with its password and stored unchanged). Mnemonic and private-key imports ask \
            for a new password.

            JSON (--json): {address, created, file, name, path, publicKey}.

            \(ManualText.walletExit)

            \(ManualText.walletEnvironment)

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet import alice --mnemonic-file words.txt --index 2
              conet wallet import bob --private-key-file bob.key
              conet wallet import carol --keystore ~/.foundry/keystores/carol
            """)

    @Argument(help: "Name for the imported wallet.")
    var name: String

    @Option(help: ArgumentHelp("File holding a BIP-39 mnemonic.", valueName: "FILE"))
    var mnemonicFile: String?

    @Option(help: "Account index on m/44'/60'/0'/0/INDEX (with --mnemonic-file), 0...2147483647.")
    var index: UInt32 = 0

    @Option(help: "Full derivation path instead of --index, e.g. \"m/44'/60'/1'/0/0\".")
    var path: String?

    @Option(help: ArgumentHelp("File holding the BIP-39 passphrase (the optional 25th word).", valueName: "FILE"))
    var passphraseFile: String?

    @Option(help: ArgumentHelp("File holding a private key in hex.", valueName: "FILE"))
    var privateKeyFile: String?

    @Option(help: ArgumentHelp("A v3 keystore JSON file (geth, MetaMask, Foundry).", valueName: "FILE"))
    var keystore: String?

    @Flag(help: "Replace an existing wallet of the same name.")
    var force = false

    @OptionGroup var kdf: KDFOption
    @OptionGroup var passwords: PasswordOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        let sources = [mnemonicFile, privateKeyFile, keystore].compactMap { $0 }
        guard sources.count == 1 else {
            throw ValidationError("give exactly one of --mnemonic-file, --private-key-file, --keystore")
        }
        try AccountIndex.check(index, option: "--index")
    }

    func run() throws {
        try reportingErrors {
            let store = WalletStore.current
            try store.checkAvailable(name, force: force)
            let wallet: WalletFile
            if let file = mnemonicFile {
                let derivation = try path.map { try DerivationPath($0) } ?? .ethereum(index: index)
                let key = try WalletSources.mnemonicKey(file: file, passphraseFile: passphraseFile, path: derivation)
                wallet = try store.saveNew(name, key: key, path: derivation, passwords: passwords, kdf: kdf, force: force)
            } else if let file = privateKeyFile {
                let key = try WalletSources.privateKey(file: file)
                wallet = try store.saveNew(name, key: key, path: nil, passwords: passwords, kdf: kdf, force: force)
            } else {
                // Stored unchanged (same KDF, same password) once the password proves it opens.
                let data = try AtomicFile.read(URL(fileURLWithPath: keystore!), limit: Keystore.maxFileSize)
                let imported = try Keystore(json: data)
                let key = try imported.decrypt(password: passwords.existing(for: name))
                wallet = WalletFile(keystore: imported, publicKey: key.publicKey, path: nil, created: Date())
                try store.save(wallet, as: name, overwrite: force)
            }
            try WalletInfo(name: name, wallet: wallet, store: store).print(json: output.json)
        }
    }
}

/// The last step of m/44'/60'/0'/0/INDEX is not hardened: an index of 2^31 or more would set the
/// hardened bit and silently derive a different account, so it is refused.
enum AccountIndex {
    static func check(_ index: UInt32, option: String) throws {
        guard index < DerivationPath.hardened else {
            throw ValidationError("\(option) \(index) is too large: account indices are 0...\(DerivationPath.hardened - 1) (2^31 and above would silently be hardened)")
        }
    }
}

/// Reading key material from the files the user names.
enum WalletSources {
    static func mnemonic(file: String) throws -> Mnemonic {
        try Mnemonic(Input.readLine(file, what: "mnemonic"))
    }

    static func passphrase(file: String?) throws -> String {
        try file.map { try Input.readLine($0, what: "passphrase") } ?? ""
    }

    static func mnemonicKey(file: String, passphraseFile: String?, path: DerivationPath) throws -> PrivateKey {
        let seed = try mnemonic(file: file).seed(passphrase: passphrase(file: passphraseFile))
        return try ExtendedPrivateKey(seed: seed).derive(path).key
    }

    static func privateKey(file: String) throws -> PrivateKey {
        var bytes = try Hex.decode(Input.readLine(file, what: "private key"), count: 32)
        defer { Memory.wipe(&bytes) }
        return try PrivateKey(bytes: bytes)
    }
}
