import Foundation

/// An Ethereum address: the last 20 bytes of Keccak-256 of the uncompressed public key (without
/// its 04 prefix). Printed with the EIP-55 mixed-case checksum.
public struct Address: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 20 address bytes.
    public let bytes: [UInt8]

    /// The address of a public key.
    public init(publicKey: PublicKey) {
        bytes = Array(Keccak256.hash(publicKey.raw).suffix(20))
    }

    /// Wraps 20 raw bytes.
    public init(bytes: [UInt8]) throws(AddressError) {
        guard bytes.count == 20 else { throw .wrongLength(bytes.count) }
        self.bytes = bytes
    }

    /// Parses `0x` + 40 hex digits. All-lower-case and all-upper-case forms carry no checksum and
    /// are accepted; a mixed-case form must match EIP-55 exactly (it is a typo check).
    public init(_ text: String) throws(AddressError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var digits = Substring(trimmed)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard digits.count == 40 else { throw .malformed(trimmed) }
        guard let bytes = try? Hex.decode(String(digits), count: 20) else { throw .malformed(trimmed) }
        self.bytes = bytes
        let hasLower = digits.contains(where: \.isLowercase)
        let hasUpper = digits.contains(where: \.isUppercase)
        if hasLower && hasUpper && checksummed.dropFirst(2) != digits {
            throw .badChecksum(trimmed)
        }
    }

    /// `0x` + EIP-55 mixed-case hex: a hex letter is upper case when the matching nibble of
    /// Keccak-256(lower-case hex) is ≥ 8.
    public var checksummed: String {
        let lower = Hex.encode(bytes)
        let hash = Keccak256.hash(Array(lower.utf8))
        var out = "0x"
        for (index, character) in lower.enumerated() {
            let nibble = index % 2 == 0 ? hash[index / 2] >> 4 : hash[index / 2] & 0x0f
            out.append(character.isLetter && nibble >= 8 ? Character(character.uppercased()) : character)
        }
        return out
    }

    /// `0x` + lower-case hex.
    public var lowercased: String { "0x" + Hex.encode(bytes) }

    public var description: String { checksummed }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(checksummed)
    }
}

/// Why a string is not an address.
public enum AddressError: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    case malformed(String)
    case badChecksum(String)
    case wrongLength(Int)

    public var description: String {
        switch self {
        case .malformed(let text): "'\(text.prefix(80))' is not an address (expected 0x and 40 hex digits)"
        case .badChecksum(let text): "address \(text) has a wrong EIP-55 checksum (mixed case that does not match): check for a typo"
        case .wrongLength(let count): "an address is 20 bytes, got \(count)"
        }
    }

    public var errorDescription: String? { description }
}

extension PublicKey {
    /// The Ethereum address of this key.
    public var address: Address { Address(publicKey: self) }
}
