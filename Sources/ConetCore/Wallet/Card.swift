import Foundation

/// A contact card: a wallet's public key and mailbox relay, signed by the wallet itself with
/// EIP-191, so anyone can check it by recovering the signer, and a relay serving it cannot forge it.
///
/// The signed text is canonical and human-readable (see docs/PROTOCOL.md), so a hardware or
/// browser wallet could show and sign the same card.
public struct Card: Equatable, Sendable {
    public let address: Address
    public let publicKey: PublicKey
    /// Where the wallet receives mail: `0xRELAYADDRESS@host:port`, at most 255 printable characters.
    public let mailbox: String?
    public let created: Date
    public let expires: Date?
    public let signature: RecoverableSignature

    /// Largest card JSON accepted.
    public static let maxSize = 4096
    /// Clock skew tolerated for a card "created" slightly in the future.
    public static let allowedSkew: TimeInterval = 300

    /// Makes and signs a card for `key`.
    public static func make(key: PrivateKey, mailbox: String?, created: Date = Date(), expires: Date?) throws(CardError) -> Card {
        if let mailbox { try checkMailbox(mailbox) }
        let created = TimeText.wholeSeconds(created)
        let expires = expires.map(TimeText.wholeSeconds)
        let address = key.publicKey.address
        let message = canonicalMessage(address: address, publicKey: key.publicKey, mailbox: mailbox, created: created, expires: expires)
        return Card(
            address: address, publicKey: key.publicKey, mailbox: mailbox, created: created, expires: expires,
            signature: PersonalMessage.sign(message, with: key))
    }

    /// The exact bytes that are signed: one `field: value` per line, fixed order, optional lines omitted.
    public var canonicalMessage: [UInt8] {
        Self.canonicalMessage(address: address, publicKey: publicKey, mailbox: mailbox, created: created, expires: expires)
    }

    static func canonicalMessage(address: Address, publicKey: PublicKey, mailbox: String?, created: Date, expires: Date?) -> [UInt8] {
        var lines = [
            "conet card v1",
            "address: \(address.checksummed)",
            "public-key: 0x\(Hex.encode(publicKey.compressed))",
        ]
        if let mailbox { lines.append("mailbox: \(mailbox)") }
        lines.append("created: \(TimeText.format(created))")
        if let expires { lines.append("expires: \(TimeText.format(expires))") }
        return Array(lines.joined(separator: "\n").utf8)
    }

    /// Checks the card: the public key is the address's, the signature recovers to the address,
    /// it is not expired at `now`, and not created in the future.
    public func verify(now: Date = Date()) throws(CardError) {
        guard publicKey.address == address else { throw .forged("the public key does not belong to \(address)") }
        let signer: Address
        do { signer = try PersonalMessage.signer(of: canonicalMessage, signature: signature) } catch {
            throw .forged("the signature does not recover to any key")
        }
        guard signer == address else { throw .forged("signed by \(signer), not by \(address)") }
        if let expires, expires <= now { throw .expired(expires) }
        guard created.timeIntervalSince(now) <= Self.allowedSkew else { throw .forged("created in the future (\(TimeText.format(created)))") }
        if let expires, expires <= created { throw .malformed("'expires' is not after 'created'") }
    }

    static func checkMailbox(_ mailbox: String) throws(CardError) {
        guard !mailbox.isEmpty, mailbox.utf8.count <= 255,
              mailbox.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f })
        else { throw .malformed("'mailbox' must be 1 to 255 printable ASCII characters without spaces") }
    }
}

/// Why a card was refused.
public enum CardError: Error, Equatable, Sendable, LocalizedError {
    case malformed(String)
    case forged(String)
    case expired(Date)

    public var errorDescription: String? {
        switch self {
        case .malformed(let why): "malformed card: \(why)"
        case .forged(let why): "card signature check failed: \(why)"
        case .expired(let date): "card expired at \(TimeText.format(date))"
        }
    }
}
