#if DEBUG || CONET_FUZZ
import Foundation
import NIOCore
import NIOEmbedded
@testable import ConetCore

/// The relay's records and the messages inside them. The input is read twice: as the plaintext of
/// one sealed record (what `RelayMessage` decodes on both sides, what `inspect --capture` names
/// and dumps), and as the TCP byte stream the relay's pipeline cuts into records, delivered in
/// pieces of the size the first byte gives (each record found is decoded as a message too).
///
/// Every message that decodes must encode back to the same bytes (an error's text aside, which
/// is cut to 1,000 bytes and may hold invalid UTF-8, and a login signature's v byte, which may
/// arrive as 0/1), and that encoding must decode again to the same message.
enum RelayRecordsTarget {
    static let target = FuzzTarget(
        name: "relay-records",
        summary: "a record plaintext (type byte and body), and the same bytes as a length-prefixed record stream",
        run: run)

    /// The relay's limit on a sealed record, as its pipeline sets it.
    static let maxRecord = RelayMessage.maxPlaintext + XChaCha20Poly1305.tagByteCount

    static func run(_ input: [UInt8]) {
        decodeMessage(input)
        var reader = FuzzReader(input)
        let pieceSize = max(1, Int(reader.byte()))
        let stream = reader.rest()
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RecordFrameDecoder(maxRecord: maxRecord)))
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + pieceSize)
            do { try channel.writeInbound(ByteBuffer(bytes: stream[offset..<end])) } catch { break }
            while let record = try? channel.readInbound(as: ByteBuffer.self) {
                let bytes = Array(record.readableBytesView)
                FuzzInvariant.require(!bytes.isEmpty && bytes.count <= maxRecord, "the framer passed on a record of \(bytes.count) bytes")
                decodeMessage(bytes)
            }
            offset = end
        }
        _ = try? channel.finish()
    }

    /// Decodes `plaintext` as a message, checks its encoding, and describes it as the capture
    /// inspector does (text and annotated hex).
    static func decodeMessage(_ plaintext: [UInt8]) {
        guard let type = plaintext.first else { return }
        var fields = AnnotatedHex()
        fields.layout(plaintext[...], base: 0, [("type", 1)] + AnnotatedHex.messageFields(type))
        _ = fields.text
        guard let message = try? RelayMessage(decoding: plaintext) else { return }
        let encoded = message.encoded
        let again = try? RelayMessage(decoding: encoded)
        switch message {
        case .error:
            FuzzInvariant.require(again != nil, "an error message's encoding does not decode")
        case .login:
            // A signature's v may arrive as 0/1 and is kept as 27/28: equal, not byte for byte.
            FuzzInvariant.require(again == message, "a login's encoding decodes to another message")
        default:
            FuzzInvariant.require(encoded == plaintext, "a message does not encode back to the bytes it was decoded from")
            FuzzInvariant.require(again == message, "a message's encoding decodes to another message")
        }
        _ = CapturedRelaySession.describe(message)
        _ = try? message.deliveryReceipt()
    }
}
#endif
