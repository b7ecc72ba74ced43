import Foundation

/// Where a relay is and who it must be: `0xADDRESS@host:port`. The address is checked against the
/// key the relay proves in the handshake, so a wrong host cannot impersonate it.
public struct RelayEndpoint: Sendable, Equatable, CustomStringConvertible {
    public let address: Address
    public let host: String
    public let port: Int

    public init(address: Address, host: String, port: Int) {
        self.address = address
        self.host = host
        self.port = port
    }

    /// Parses `0xADDRESS@host:port` (an IPv6 host in brackets).
    public init(_ text: String) throws(RelayError) {
        guard let at = text.firstIndex(of: "@"), let colon = text.lastIndex(of: ":"), colon > at,
              let address = try? Address(String(text[..<at])),
              let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
        else { throw .badRelayAddress(text) }
        var host = String(text[text.index(after: at)..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .badRelayAddress(text) }
        self.init(address: address, host: host, port: port)
    }

    /// A relay's own card names its endpoint in its mailbox field.
    public init(card: Card) throws(RelayError) {
        guard let mailbox = card.mailbox else { throw .badRelayAddress("a card without a relay endpoint") }
        try self.init(mailbox)
        guard address == card.address else { throw .badRelayAddress("a card whose endpoint names another address") }
    }

    public var description: String {
        host.contains(":") ? "\(address.checksummed)@[\(host)]:\(port)" : "\(address.checksummed)@\(host):\(port)"
    }
}
