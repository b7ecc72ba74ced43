import ConetCore
import Foundation

/// A RELAY argument: `0xADDRESS@host:port`, or a relay card file whose mailbox names that.
enum RelayTargets {
    static func endpoint(_ text: String) throws -> RelayEndpoint {
        if let endpoint = try? RelayEndpoint(text) { return endpoint }
        guard FileManager.default.fileExists(atPath: text) else { throw RelayError.badRelayAddress(text) }
        let card = try Card(json: Input.read(text, limit: Card.maxSize, what: "relay card"))
        try card.verify()
        return try RelayEndpoint(card: card)
    }
}
