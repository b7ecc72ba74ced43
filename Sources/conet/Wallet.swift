import ArgumentParser
import ConetCore
import Foundation

/// `conet wallet`: the group; each subcommand lives in its own `Wallet*.swift` file.
struct Wallet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet",
        abstract: "Create, import, derive, export, sign and verify with secp256k1 wallets.",
        discussion: """
            Wallets are Web3 Secret Storage v3 keystores (scrypt), readable by geth, MetaMask, \
            Foundry and eth-keyfile, stored in $CONET_HOME/wallets/NAME.json (folder 0700, files \
            0600, written atomically). Contacts are verified cards in $CONET_HOME/contacts/.

            PASSWORDS: --password-file FILE (first line), or CONET_PASSWORD, or a prompt on the \
            terminal without echo (twice for a new password). Never an argument.

            JSON (--json, keys sorted): a wallet is {address, created, file, name, path, publicKey}; \
            'list' prints {unreadable: [{error, name}], wallets: [...]}; 'new' adds mnemonic; 'sign' prints {address, \
            messageHash, signature}; 'verify' prints {address, signer, valid}; 'derive' prints \
            {accounts: [{address, index, path, publicKey, privateKey?}]}.

            EXIT STATUS: 0 success; 1 invalid signature or card; 2 malformed input; 3 wrong \
            password or tampered keystore; 4 wallet, contact or file missing or already present; \
            5 other errors; 64 usage error.

            \(ManualText.walletEnvironment) CONET_NEW_PASSWORD: the new password for \
            change-password.

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet new alice
              conet wallet export alice --format keystore -o alice.keystore.json
              echo hello | conet wallet sign alice -
              conet wallet verify --address 0x... --signature 0x... --message hello
            """,
        subcommands: [
            WalletNew.self, WalletImport.self, WalletList.self, WalletShow.self, WalletExport.self,
            WalletDerive.self, WalletSign.self, WalletVerify.self, WalletCard.self, WalletContacts.self,
            WalletChangePassword.self, WalletRemove.self,
        ]
    )
}

/// The public description of a stored wallet, as `show`, `list`, `new` and `import` print it.
struct WalletInfo: Encodable {
    let name: String
    let address: String?
    let publicKey: String?
    let path: String?
    let created: String?
    let file: String
    /// Only `wallet new` sets it, the one time the mnemonic is shown; omitted from JSON otherwise.
    var mnemonic: String?

    init(name: String, wallet: WalletFile, store: WalletStore) {
        self.name = name
        address = wallet.address?.checksummed
        publicKey = wallet.publicKey.map { "0x" + Hex.encode($0.compressed) }
        path = wallet.path?.description
        created = wallet.created.map(TimeText.format)
        file = store.url(ofWallet: name).path
    }

    var text: String {
        var lines = ["wallet \(name)", "  address:    \(address ?? "unknown")"]
        if let publicKey { lines.append("  public key: \(publicKey)") }
        if let path { lines.append("  path:       \(path)") }
        if let created { lines.append("  created:    \(created)") }
        lines.append("  file:       \(file)")
        return lines.joined(separator: "\n")
    }

    func print(json: Bool) throws {
        if json { try Output.printJSON(self) } else { Swift.print(text) }
    }
}

/// `--mailbox` and `--expires`, for commands that sign a card.
struct CardOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Mailbox relay to put on the card: 0xRELAYADDRESS@host:port.", valueName: "RELAY"))
    var mailbox: String?

    @Option(help: ArgumentHelp("Card lifetime, e.g. 30d, 12h, 1y (default: no expiry).", valueName: "DURATION"))
    var expires: String?

    func make(key: PrivateKey, now: Date = Date()) throws -> Card {
        var expiry: Date?
        if let expires {
            guard let seconds = TimeText.parseDuration(expires) else {
                throw CommandError(.invalidInput, "--expires '\(expires)' is not a duration like 30d, 12h or 1y")
            }
            expiry = now.addingTimeInterval(seconds)
        }
        return try Card.make(key: key, mailbox: mailbox, created: now, expires: expiry)
    }
}

/// `--light`, for commands that write a keystore.
struct KDFOption: ParsableArguments {
    @Flag(name: .long, help: "Use scrypt N=2^12 instead of 2^18 (fast, weaker: for tests and throwaway wallets).")
    var light = false

    var kdf: Keystore.KDF { light ? .light : .standard }
}

extension WalletStore {
    /// The store of `$CONET_HOME`.
    static var current: WalletStore { WalletStore(home: defaultHome()) }

    /// Encrypts a new key under a new password and stores it with its public metadata.
    func saveNew(_ name: String, key: PrivateKey, path: DerivationPath?, passwords: PasswordOptions, kdf: KDFOption, force: Bool) throws -> WalletFile {
        let keystore = try Keystore.encrypt(key, password: passwords.new(for: name), kdf: kdf.kdf)
        let wallet = WalletFile(keystore: keystore, publicKey: key.publicKey, path: path, created: Date())
        try save(wallet, as: name, overwrite: force)
        return wallet
    }

    /// Refuses early (before any password prompt) a bad name or one already taken.
    func checkAvailable(_ name: String, force: Bool) throws {
        try WalletStore.checkName(name)
        if exists(name) && !force { throw WalletStoreError.exists(name) }
    }

    /// Loads a wallet and decrypts its key with a password from the usual sources.
    func unlock(_ name: String, passwords: PasswordOptions) throws -> (WalletFile, PrivateKey) {
        let wallet = try load(name)
        let key = try wallet.keystore.decrypt(password: passwords.existing(for: name))
        return (wallet, key)
    }

    /// `unlock`, with the decryption on another thread (`send` seals meanwhile). The password is
    /// asked for now, before any input is read: standard input may be the terminal too.
    func unlockInBackground(_ name: String, passwords: PasswordOptions) throws -> PendingKey {
        let wallet = try load(name)
        let password = try passwords.existing(for: name)
        return PendingKey { try wallet.keystore.decrypt(password: password) }
    }
}
