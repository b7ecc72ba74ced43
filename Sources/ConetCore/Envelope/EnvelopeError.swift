import Foundation

/// Why a sealed message was refused. Each message names the part that failed, so a user can tell
/// a damaged file from a message that is not for them or one that was tampered with.
public enum EnvelopeError: Error, Equatable, Sendable, LocalizedError {
    /// Input that does not start with the envelope magic or an armor line.
    case notAnEnvelope
    case unsupportedVersion(UInt8)
    /// A header field out of range or inconsistent; the text names it.
    case malformedHeader(String)
    /// The input ended inside the named part.
    case truncated(String)
    /// None of the offered wallets is among the recipients.
    case notARecipient
    /// The header MAC did not verify: a header byte was changed.
    case headerAltered
    /// A payload chunk failed authentication: altered, reordered, dropped or from another message.
    case chunkAltered(index: Int)
    /// The chunk structure was wrong (end-of-data marker misplaced, missing or data after the end).
    case badChunkSequence(String)
    /// The authenticated plaintext broke a rule (padding not zero, unknown format, length mismatch).
    case badPayload(String)
    /// The decompressed content was invalid.
    case decompression(String)
    /// The trailer signature does not come from the sender it names.
    case signatureMismatch(claimed: Address, recovered: Address?)
    /// A hashcash stamp was required and is missing or too weak.
    case stampTooWeak(required: Int, actual: Int)
    /// The ASCII armor is not in the strict form conet writes.
    case badArmor(String)
    /// Writer options that cannot be honoured.
    case invalidOptions(String)

    public var errorDescription: String? {
        switch self {
        case .notAnEnvelope: "not a conet message (no CONET magic and no armor line)"
        case .unsupportedVersion(let v): "conet message version \(v) is not supported (this conet reads version \(EnvelopeFormat.version))"
        case .malformedHeader(let why): "malformed message header: \(why)"
        case .truncated(let part): "the message is truncated (it ends inside the \(part))"
        case .notARecipient: "none of the given wallets is a recipient of this message"
        case .headerAltered: "the message header failed its MAC check: it was altered"
        case .chunkAltered(let index): "payload chunk \(index) failed authentication: the message was altered, reordered or spliced"
        case .badChunkSequence(let why): "bad payload chunk sequence: \(why)"
        case .badPayload(let why): "bad payload: \(why)"
        case .decompression(let why): "the decrypted payload does not decompress: \(why)"
        case .signatureMismatch(let claimed, let recovered):
            "the sender signature does not verify: the message names \(claimed) but was signed by \(recovered.map(\.checksummed) ?? "nobody valid")"
        case .stampTooWeak(let required, let actual): "the message stamp has \(actual) bits of work; \(required) are required"
        case .badArmor(let why): "bad armor: \(why)"
        case .invalidOptions(let why): why
        }
    }
}
