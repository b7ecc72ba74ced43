#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// Fixed keys, so that the committed seeds stay meaningful: envelopes in the corpus are sealed to
/// `recipient`, onion layers to `relay`, and a session logs in as `owner`. Each is the BLAKE2b
/// hash of its label (a valid secp256k1 scalar with overwhelming probability; checked at start).
enum FuzzKeys {
    static let recipient = key("conet fuzz recipient")
    static let sender = key("conet fuzz sender")
    static let relay = key("conet fuzz relay")
    static let owner = key("conet fuzz mailbox owner")
    /// The client's ephemeral key in the handshake targets (a fixed hello keeps seeds valid).
    static let client = key("conet fuzz client ephemeral")
    /// The relay's ephemeral key when the handshake target plays the relay.
    static let relayEphemeral = key("conet fuzz relay ephemeral")

    private static func key(_ label: String) -> PrivateKey {
        let scalar = try! BLAKE2b.hash(Array(label.utf8), outputByteCount: 32)
        return try! PrivateKey(bytes: scalar)
    }

    /// The creation time of every seed envelope (2026-01-01): with the longest time to live they
    /// stay valid for relays for a century, so the corpus does not expire.
    static let seedCreated = Date(timeIntervalSince1970: 1_767_225_600)
}
#endif
