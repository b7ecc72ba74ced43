import Foundation

/// What a relay is told to do with the envelope inside an onion layer: the plaintext of an
/// envelope sealed to the relay's own wallet starts with this instruction, and the inner envelope
/// follows (docs/PROTOCOL.md §6).
public struct OnionInstruction: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        /// Deposit the inner envelope into this relay's mailbox `address`.
        case deposit = 1
        /// Hand the inner envelope (the next layer) to the relay whose wallet is `address`.
        case forward = 2
    }

    public static let magic: [UInt8] = Array("CNON".utf8)
    public static let version: UInt8 = 1
    public static let byteCount = 4 + 1 + 1 + 20

    public let kind: Kind
    public let address: Address

    public init(kind: Kind, address: Address) {
        self.kind = kind
        self.address = address
    }

    public var encoded: [UInt8] { Self.magic + [Self.version, kind.rawValue] + address.bytes }

    public init(decoding bytes: [UInt8]) throws(RelayError) {
        guard bytes.count == Self.byteCount, Array(bytes[0..<4]) == Self.magic else {
            throw .protocolViolation("the layer addressed to this relay holds no routing instruction")
        }
        guard bytes[4] == Self.version else { throw .protocolViolation("routing instruction version \(bytes[4]) is not supported") }
        guard let kind = Kind(rawValue: bytes[5]) else { throw .protocolViolation("unknown routing instruction \(bytes[5])") }
        guard let address = try? Address(bytes: Array(bytes[6...])) else { throw .protocolViolation("bad address in a routing instruction") }
        self.init(kind: kind, address: address)
    }
}
