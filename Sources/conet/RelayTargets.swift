import ConetCore
import Foundation

/// A RELAY argument: `0xADDRESS@host:port`, or a relay card file whose mailbox names that.
enum RelayTargets {
    /// Says once, before the first session, that a CONET_KEYLOG file will not be written.
    nonisolated(unsafe) private static let keyLogChecked: Void = {
        if let problem = SessionKeyLog.problem { Output.printError("warning: \(problem); no session keys will be logged") }
    }()

    static func endpoint(_ text: String) throws -> RelayEndpoint {
        try target(text).endpoint
    }

    /// The endpoint and, when `text` was a card file, the relay's verified card (which also
    /// carries its key).
    static func target(_ text: String) throws -> (endpoint: RelayEndpoint, card: Card?) {
        _ = keyLogChecked
        if let endpoint = try? RelayEndpoint(text) { return (endpoint, nil) }
        guard FileManager.default.fileExists(atPath: text) else { throw RelayError.badRelayAddress(text) }
        let card = try Card(json: Input.read(text, limit: Card.maxSize, what: "relay card"))
        try card.verify()
        return (try RelayEndpoint(card: card), card)
    }

    /// The mailbox-stamp difficulty a relay asks of anonymous deposits (from its status), or 0.
    static func stampBits(of client: RelayClient) -> Int {
        guard let status = try? JSONSerialization.jsonObject(with: Data(client.status())) as? [String: Any],
              let bits = status["stampBits"] as? Int, (1...Stamp.maxBits).contains(bits)
        else { return 0 }
        return bits
    }
}
