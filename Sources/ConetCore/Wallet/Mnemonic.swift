import Crypto
import _CryptoExtras
import Foundation

/// A BIP-39 mnemonic on the English word list: 12 to 24 words encoding 128 to 256 bits of
/// entropy plus a checksum, turned into a 64-byte seed with PBKDF2-HMAC-SHA512.
public struct Mnemonic: Sendable {
    /// The words, normalised (NFKD, lower case).
    public let words: [String]

    /// The English list shipped with conet (2048 words, sorted), with each word's index.
    static let wordList: [String] = String(decoding: PackageResources.bip39_english_txt, as: UTF8.self)
        .split(whereSeparator: \.isNewline).map(String.init)
    static let wordIndex: [String: Int] = Dictionary(uniqueKeysWithValues: wordList.enumerated().map { ($1, $0) })

    /// Word counts BIP-39 defines.
    public static let validWordCounts = [12, 15, 18, 21, 24]

    /// Parses and validates a phrase: words separated by any white space, NFKD-normalised,
    /// each on the list, and the checksum right.
    /// - Throws: `MnemonicError` naming the unknown word and its position, or a bad checksum.
    public init(_ phrase: String) throws(MnemonicError) {
        let words = phrase.decomposedStringWithCompatibilityMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard Self.validWordCounts.contains(words.count) else { throw .wrongWordCount(words.count) }
        var indices = [Int]()
        for (position, word) in words.enumerated() {
            guard let index = Self.wordIndex[word] else { throw .unknownWord(word, position: position + 1) }
            indices.append(index)
        }
        // 11 bits a word: entropy bits then checksum bits (entropy/32 of them).
        let totalBits = words.count * 11
        let checksumBits = totalBits / 33
        var bits = [UInt8](repeating: 0, count: (totalBits + 7) / 8)
        for (wordNumber, index) in indices.enumerated() {
            for bit in 0..<11 where index & (1 << (10 - bit)) != 0 {
                let position = wordNumber * 11 + bit
                bits[position / 8] |= 0x80 >> UInt8(position % 8)
            }
        }
        var entropy = Array(bits.prefix((totalBits - checksumBits) / 8))
        defer { Memory.wipe(&entropy); Memory.wipe(&bits) }
        guard Self.checksum(of: entropy, bits: checksumBits) == bits[entropy.count] >> UInt8(8 - checksumBits) else {
            throw .badChecksum
        }
        self.words = words
    }

    /// Encodes 16, 20, 24, 28 or 32 bytes of entropy.
    public init(entropy: [UInt8]) throws(MnemonicError) {
        guard [16, 20, 24, 28, 32].contains(entropy.count) else { throw .wrongEntropyLength(entropy.count) }
        let checksumBits = entropy.count * 8 / 32
        var bits = entropy + [Self.checksum(of: entropy, bits: checksumBits) << UInt8(8 - checksumBits)]
        defer { Memory.wipe(&bits) }
        let wordCount = (entropy.count * 8 + checksumBits) / 11
        words = (0..<wordCount).map { wordNumber in
            var index = 0
            for bit in 0..<11 {
                let position = wordNumber * 11 + bit
                index = index << 1 | Int(bits[position / 8] >> UInt8(7 - position % 8) & 1)
            }
            return Self.wordList[index]
        }
    }

    /// A new mnemonic from the CSPRNG: 12 words (128 bits) or 24 words (256 bits).
    public static func generate(wordCount: Int = 12) throws(MnemonicError) -> Mnemonic {
        guard wordCount == 12 || wordCount == 24 else { throw .wrongWordCount(wordCount) }
        var entropy = SecureRandom.bytes(wordCount == 12 ? 16 : 32)
        defer { Memory.wipe(&entropy) }
        return try Mnemonic(entropy: entropy)
    }

    /// The words joined by single spaces.
    public var phrase: String { words.joined(separator: " ") }

    /// The 64-byte BIP-39 seed: PBKDF2-HMAC-SHA512(NFKD(phrase), "mnemonic" + NFKD(passphrase), 2048).
    public func seed(passphrase: String = "") -> SecretBytes {
        var password = Array(phrase.decomposedStringWithCompatibilityMapping.utf8)
        defer { Memory.wipe(&password) }
        let salt = Array(("mnemonic" + passphrase).decomposedStringWithCompatibilityMapping.utf8)
        // Non-empty password and salt and standard parameters: PBKDF2 cannot fail here.
        let key = try! KDF.Insecure.PBKDF2.deriveKey(
            from: password, salt: salt, using: .sha512, outputByteCount: 64, unsafeUncheckedRounds: 2048)
        return key.withUnsafeBytes { SecretBytes($0) }
    }

    private static func checksum(of entropy: [UInt8], bits: Int) -> UInt8 {
        SHA256.hash(data: entropy).withUnsafeBytes { $0[0] } >> UInt8(8 - bits)
    }
}

/// Why a phrase is not a valid BIP-39 mnemonic.
public enum MnemonicError: Error, Equatable, Sendable, LocalizedError {
    case wrongWordCount(Int)
    case unknownWord(String, position: Int)
    case badChecksum
    case wrongEntropyLength(Int)

    public var errorDescription: String? {
        switch self {
        case .wrongWordCount(let count): "a mnemonic has 12, 15, 18, 21 or 24 words, got \(count)"
        case .unknownWord(let word, let position): "word \(position) ('\(word.prefix(20))') is not in the BIP-39 English word list"
        case .badChecksum: "the mnemonic's checksum is wrong: a word is mistyped or the words are out of order"
        case .wrongEntropyLength(let count): "entropy must be 16, 20, 24, 28 or 32 bytes, got \(count)"
        }
    }
}
