import Foundation

/// Wraps a sealed message in one envelope per relay of a path, the mailbox relay's innermost and
/// the entry relay's outermost, as it streams (constant memory). Each layer is sealed to one
/// relay's wallet with hidden recipients, signed by a throwaway key (so no relay learns the
/// sender's wallet), uncompressed (it holds ciphertext) and padded when asked. Its plaintext is
/// an `OnionInstruction` followed by the next layer; the message itself goes through `write`,
/// which one caller at a time calls in order.
public final class OnionWriter: @unchecked Sendable {
    public static let maxRelays = 3

    private let layers: [EnvelopeWriter]

    /// - Parameters:
    ///   - path: the relays' wallet keys, entry first, the recipient's mailbox relay last.
    ///   - mailbox: the mailbox the last relay deposits the message in.
    ///   - output: receives the outermost layer.
    public init(path: [PublicKey], mailbox: Address, options: EnvelopeOptions, output: @escaping @Sendable ([UInt8]) throws -> Void) throws {
        try Self.check(path: path.map(\.address))
        var layerOptions = EnvelopeOptions()
        layerOptions.compression = .none
        layerOptions.pad = options.pad
        layerOptions.hideRecipients = true
        layerOptions.ttl = options.ttl
        layerOptions.stampBits = options.stampBits
        var layers: [EnvelopeWriter] = []
        var next = output
        for (index, relay) in path.enumerated() {
            let writer = try EnvelopeWriter(recipients: [relay], sender: PrivateKey.generate(), options: layerOptions, output: next)
            let instruction = index == path.count - 1
                ? OnionInstruction(kind: .deposit, address: mailbox) : OnionInstruction(kind: .forward, address: path[index + 1].address)
            try writer.write(instruction.encoded)
            layers.append(writer)
            // Only the inner writer (or the caller) calls this, one piece after another.
            nonisolated(unsafe) let layer = writer
            next = { try layer.write($0) }
        }
        self.layers = layers
    }

    /// Refuses paths that would defeat the split of knowledge: too long, a relay twice (a loop,
    /// or an entry relay that is also the mailbox relay).
    public static func check(path: [Address]) throws(RelayError) {
        guard !path.isEmpty else { throw .badPath("an onion path needs at least the mailbox relay") }
        guard path.count <= maxRelays else {
            throw .badPath("\(path.count) relays in a path; at most \(maxRelays) (two --via and the mailbox relay)")
        }
        for (index, relay) in path.enumerated() where path[..<index].contains(relay) {
            throw .badPath(index == path.count - 1
                ? "the mailbox relay \(relay) is also a --via relay: it would see both ends"
                : "relay \(relay) appears twice in the path")
        }
    }

    /// Writes bytes of the sealed message (the innermost content).
    public func write(_ bytes: [UInt8]) throws { try layers.last!.write(bytes) }

    /// Finishes every layer, innermost first, once the message is complete.
    public func finish() throws {
        for layer in layers.reversed() { _ = try layer.finish() }
    }
}
