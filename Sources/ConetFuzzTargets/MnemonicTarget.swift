#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// Text a user types or pastes: a BIP-39 phrase (`wallet import --mnemonic-file`, `wallet derive`)
/// and a derivation path. A phrase that parses must parse again from its normalised words; bytes
/// of an entropy length must make a phrase that parses back to the same words.
enum MnemonicTarget {
    static let target = FuzzTarget(
        name: "mnemonic",
        summary: "a BIP-39 phrase or a derivation path as text; 16 to 32 bytes also as entropy",
        run: run)

    static func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        if let mnemonic = try? Mnemonic(text) {
            FuzzInvariant.require((try? Mnemonic(mnemonic.phrase))?.words == mnemonic.words, "a valid phrase does not parse from its own words")
        }
        if let path = try? DerivationPath(text) {
            FuzzInvariant.require((try? DerivationPath(path.description)) == path, "a derivation path does not parse from its own text")
        }
        if let mnemonic = try? Mnemonic(entropy: input) {
            FuzzInvariant.require((try? Mnemonic(mnemonic.phrase))?.words == mnemonic.words, "the phrase made from entropy does not parse")
        }
    }
}
#endif
