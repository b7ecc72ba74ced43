import Foundation

/// The mailbox relay's signed statement that it stored a message: its address, the message id,
/// the time. It travels back along the onion path unchanged, so the sender can check it against
/// the mailbox relay named in the recipient's card; it names no mailbox, so the relays it passes
/// learn nothing new.
public struct DeliveryReceipt: Sendable, Equatable {
    public static let magic: [UInt8] = Array("CNRC".utf8)
    public static let byteCount = 4 + 20 + EnvelopeFormat.messageIDByteCount + 8 + 65
    static let label = Array("conet delivery receipt v1\n".utf8)

    public let relay: Address
    public let messageID: [UInt8]
    /// Seconds since 1970 when the relay stored the message.
    public let time: UInt64
    public let signature: RecoverableSignature

    /// Signs a receipt for `messageID` with the relay's wallet key.
    public init(messageID: [UInt8], relay key: PrivateKey, time: Date = Date()) {
        relay = key.address
        self.messageID = messageID
        self.time = UInt64(max(0, time.timeIntervalSince1970))
        signature = PersonalMessage.sign(Self.signedBytes(relay: relay, messageID: messageID, time: self.time), with: key)
    }

    public var encoded: [UInt8] { Self.magic + relay.bytes + messageID + BigEndian.bytes(time) + signature.bytes }

    public init(decoding bytes: [UInt8]) throws(RelayError) {
        guard bytes.count == Self.byteCount, Array(bytes[0..<4]) == Self.magic,
              let relay = try? Address(bytes: Array(bytes[4..<24])),
              let signature = try? RecoverableSignature(bytes: Array(bytes[48...]))
        else { throw .protocolViolation("malformed delivery receipt") }
        self.relay = relay
        messageID = Array(bytes[24..<40])
        time = BigEndian.value(bytes[40..<48], as: UInt64.self)
        self.signature = signature
    }

    /// Whether `relay` really signed this receipt for `messageID`.
    public func isValid(from relay: Address, for messageID: [UInt8]) -> Bool {
        self.relay == relay && self.messageID == messageID
            && PersonalMessage.verify(Self.signedBytes(relay: relay, messageID: messageID, time: time), signature: signature, address: relay)
    }

    static func signedBytes(relay: Address, messageID: [UInt8], time: UInt64) -> [UInt8] {
        label + relay.bytes + messageID + BigEndian.bytes(time)
    }
}

extension RelayMessage {
    /// This message as the answer to an onion layer: the receipt it carries, decoded but not yet
    /// checked against any address. An error answer is thrown as `RelayError.refused`.
    func deliveryReceipt() throws(RelayError) -> DeliveryReceipt {
        switch self {
        case .receipt(let bytes): return try DeliveryReceipt(decoding: bytes)
        case .error(let code, let message): throw .refused(code: code.rawValue, message: message)
        default: throw .protocolViolation("unexpected answer to an onion layer")
        }
    }
}
