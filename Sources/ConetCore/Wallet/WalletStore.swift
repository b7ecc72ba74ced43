import Foundation

/// The wallet directory under `$CONET_HOME` (default `~/.conet`): `wallets/NAME.json` keystores
/// and `contacts/` cards, folders 0700 and files 0600, every write atomic. Temporary files are
/// staged in `tmp/`, so a write killed midway never leaves a partial file among the wallets.
public struct WalletStore: Sendable {
    public let home: URL

    public init(home: URL) {
        self.home = home
    }

    /// `$CONET_HOME`, or `~/.conet`.
    public static func defaultHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["CONET_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".conet")
    }

    public var walletsFolder: URL { home.appendingPathComponent("wallets") }
    public var contactsFolder: URL { home.appendingPathComponent("contacts") }
    var stagingFolder: URL { home.appendingPathComponent("tmp") }

    /// Wallet names: 1–64 of letters, digits, `.`, `_`, `-`, not starting with `.`.
    public static func checkName(_ name: String) throws(WalletStoreError) {
        let allowed = name.unicodeScalars.allSatisfy {
            (("0"..."9").contains($0) || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || "._-".unicodeScalars.contains($0))
        }
        guard (1...64).contains(name.count), allowed, !name.hasPrefix(".") else { throw .invalidName(name) }
    }

    public func url(ofWallet name: String) -> URL {
        walletsFolder.appendingPathComponent("\(name).json")
    }

    /// The names of stored wallets, sorted.
    public func names() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: walletsFolder.path)) ?? []
        return entries.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }.sorted()
    }

    public func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: url(ofWallet: name).path)
    }

    /// Reads a wallet file (public data only; nothing is decrypted).
    public func load(_ name: String) throws -> WalletFile {
        try Self.checkName(name)
        let data: Data
        do { data = try AtomicFile.read(url(ofWallet: name), limit: Keystore.maxFileSize) } catch .notFound {
            throw WalletStoreError.notFound(name)
        }
        do { return try WalletFile(json: data) } catch { throw WalletStoreError.unreadable(name, error) }
    }

    /// Stores a wallet atomically; refuses to replace an existing one unless `overwrite`.
    public func save(_ wallet: WalletFile, as name: String, overwrite: Bool) throws {
        try Self.checkName(name)
        try prepare()
        do {
            try AtomicFile.write(wallet.jsonData(), to: url(ofWallet: name), staging: stagingFolder, overwrite: overwrite)
        } catch .exists {
            throw WalletStoreError.exists(name)
        }
    }

    /// Deletes a wallet file.
    public func remove(_ name: String) throws {
        try Self.checkName(name)
        guard exists(name) else { throw WalletStoreError.notFound(name) }
        guard unlink(url(ofWallet: name).path) == 0 else { throw FileError.io("cannot remove wallet '\(name)': \(String(cString: strerror(errno)))") }
        AtomicFile.syncFolder(walletsFolder)
    }

    /// Picks the wallet to use: the given name, else `$CONET_WALLET`, else the only wallet.
    public func resolveName(_ name: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let name { return name }
        if let name = environment["CONET_WALLET"], !name.isEmpty { return name }
        let all = names()
        if all.count == 1 { return all[0] }
        throw WalletStoreError.noDefault(count: all.count)
    }

    /// Creates the folders with private permissions.
    func prepare() throws(FileError) {
        try AtomicFile.ensureFolder(home)
        try AtomicFile.ensureFolder(walletsFolder)
        try AtomicFile.ensureFolder(contactsFolder)
        try AtomicFile.ensureFolder(stagingFolder)
    }
}

/// Why the wallet directory could not do what was asked.
public enum WalletStoreError: Error, LocalizedError {
    case invalidName(String)
    case notFound(String)
    case exists(String)
    case unreadable(String, KeystoreError)
    case noDefault(count: Int)

    public var errorDescription: String? {
        switch self {
        case .invalidName(let name): "'\(name.prefix(80))' is not a valid wallet name (1–64 letters, digits, '.', '_', '-', not starting with '.')"
        case .notFound(let name): "no wallet named '\(name)' (see 'conet wallet list')"
        case .exists(let name): "a wallet named '\(name)' already exists (use --force to replace it)"
        case .unreadable(let name, let error): "wallet '\(name)': \(error.localizedDescription)"
        case .noDefault(let count):
            count == 0 ? "there are no wallets yet: create one with 'conet wallet new'"
                : "\(count) wallets exist: name one, or set CONET_WALLET"
        }
    }
}
