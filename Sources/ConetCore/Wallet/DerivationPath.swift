import Foundation

/// A BIP-32 path such as `m/44'/60'/0'/0/0`; `'` (or `h`) marks a hardened step.
public struct DerivationPath: Hashable, Sendable, CustomStringConvertible {
    /// Child indices; hardened ones have the top bit set.
    public let components: [UInt32]
    public static let hardened: UInt32 = 0x8000_0000

    public init(components: [UInt32]) { self.components = components }

    /// The Ethereum account path of BIP-44: `m/44'/60'/0'/0/index`.
    public static func ethereum(index: UInt32) -> DerivationPath {
        DerivationPath(components: [44 | hardened, 60 | hardened, hardened, 0, index])
    }

    /// Parses `m/…` text.
    public init(_ text: String) throws(DerivationPathError) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.first == "m" || parts.first == "M" else { throw .malformed(text) }
        var components = [UInt32]()
        for part in parts.dropFirst() {
            var digits = part
            var isHardened = false
            if let last = digits.last, last == "'" || last == "h" || last == "H" {
                isHardened = true
                digits = digits.dropLast()
            }
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
                  let value = UInt32(digits), value < Self.hardened
            else { throw .malformed(text) }
            components.append(isHardened ? value | Self.hardened : value)
        }
        guard components.count <= 255 else { throw .malformed(text) }
        self.components = components
    }

    public var description: String {
        (["m"] + components.map { $0 >= Self.hardened ? "\($0 - Self.hardened)'" : "\($0)" }).joined(separator: "/")
    }
}

public enum DerivationPathError: Error, Equatable, Sendable, LocalizedError {
    case malformed(String)

    public var errorDescription: String? {
        switch self {
        case .malformed(let text): "'\(text.prefix(80))' is not a derivation path (expected like m/44'/60'/0'/0/0)"
        }
    }
}
