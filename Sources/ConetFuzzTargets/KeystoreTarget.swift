#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// Keystore JSON, as `wallet import --keystore` reads a file from another tool and as `wallet
/// list` reads every file in `wallets/` (the same keystore with conet's `x-conet` member). What
/// parses must serialise and parse back to the same value; when the key derivation it asks for
/// is cheap, the file is also opened with the seeds' password ("fuzz"), reaching the MAC check,
/// the decryption and the address check.
enum KeystoreTarget {
    static let target = FuzzTarget(
        name: "keystore",
        summary: "Web3 Secret Storage v3 JSON, bare or as a conet wallet file",
        run: run)

    static let password = SecretBytes(Array("fuzz".utf8))

    static func run(_ input: [UInt8]) {
        let json = Data(input)
        if let keystore = try? Keystore(json: json) {
            let again = try? Keystore(json: keystore.jsonData())
            FuzzInvariant.require(again == keystore, "a keystore does not survive its own JSON")
            if isCheap(keystore) { _ = try? keystore.decrypt(password: password) }
        }
        if let wallet = try? WalletFile(json: json) {
            _ = wallet.address
            let again = try? WalletFile(json: wallet.jsonData())
            FuzzInvariant.require(
                again?.keystore == wallet.keystore && again?.publicKey == wallet.publicKey && again?.path == wallet.path
                    && again?.created == wallet.created,
                "a wallet file does not survive its own JSON")
        }
    }

    /// Whether unlocking costs well under a millisecond: the fuzzer should spend its time parsing.
    static func isCheap(_ keystore: Keystore) -> Bool {
        switch keystore.kdf {
        case .scrypt(let n, let r, let p, _): n <= 64 && r <= 8 && p <= 2
        case .pbkdf2(let c, _): c <= 64
        }
    }
}
#endif
