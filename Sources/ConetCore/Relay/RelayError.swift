import Foundation

/// Why a relay session or request failed. Relay answers carry a code from `RelayMessage.ErrorCode`
/// and a message; the client turns them into these.
public enum RelayError: Error, Equatable, Sendable, LocalizedError {
    /// A frame or message that does not parse; the text names what was wrong.
    case protocolViolation(String)
    /// A record failed authentication: altered, replayed, reordered, or a different key.
    case recordAltered
    /// The relay's key does not belong to the address the client expected.
    case wrongRelay(expected: Address, actual: Address)
    /// The relay refused the request.
    case refused(code: UInt8, message: String)
    /// The connection closed or timed out.
    case connection(String)
    /// A relay address that is not `0xADDRESS@host:port`.
    case badRelayAddress(String)
    /// An onion path the client will not use (too long, a relay twice, no mailbox relay).
    case badPath(String)

    public var errorDescription: String? {
        switch self {
        case .protocolViolation(let why): "relay protocol violation: \(why)"
        case .recordAltered: "a relay record failed authentication (altered, replayed or reordered): session closed"
        case .wrongRelay(let expected, let actual): "the relay at that endpoint is \(actual), not the expected \(expected)"
        case .refused(_, let message): "the relay refused: \(message)"
        case .connection(let why): "relay connection: \(why)"
        case .badRelayAddress(let text): "'\(text.prefix(120))' is not a relay address (0xADDRESS@host:port) or a relay card file"
        case .badPath(let why): "onion path refused: \(why)"
        }
    }
}
