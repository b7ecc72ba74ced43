#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// Seals a payload plaintext chosen by the fuzzer into a message that is valid in every other
/// respect (header MAC, chunk tags, trailer, sender signature), so the fuzzer reaches what only a
/// recipient parses: the content format byte, zstd frames, padding and the trailer's claims. A
/// hostile sender controls exactly these bytes, so they must be as safe as the clear header.
///
/// The header and keys are made once per (recipient, chunk size); only the chunks are sealed per input.
final class FuzzEnvelopeSealer: @unchecked Sendable {
    let header: EnvelopeHeader
    private let payloadKey: SecretBytes

    init(recipient: PublicKey, chunkSizeLog: UInt8, hiddenRecipients: Bool) {
        let fileKey = SecretBytes(try! BLAKE2b.hash(Array("conet fuzz file key".utf8), outputByteCount: 32))
        let ephemeral = FuzzKeys.relayEphemeral
        let messageID = Array(try! BLAKE2b.hash(Array("conet fuzz message id".utf8), outputByteCount: 16))
        let streamHeader = Array(try! BLAKE2b.hash(Array("conet fuzz stream".utf8), outputByteCount: 24))
        header = try! EnvelopeHeader.encode(
            chunkSizeLog: chunkSizeLog, messageID: messageID,
            createdSeconds: UInt64(FuzzKeys.seedCreated.timeIntervalSince1970), ttl: .max,
            ephemeralKey: ephemeral.publicKey, streamHeader: streamHeader, routing: nil,
            hiddenRecipients: hiddenRecipients, recipientCount: 1, stampBits: 0,
            macKey: EnvelopeKeys.headerMACKey(fileKey: fileKey)
        ) { preamble in
            let shared = ephemeral.sharedSecret(with: recipient)
            let key = EnvelopeKeys.stanzaKey(sharedSecret: shared, ephemeral: ephemeral.publicKey, recipient: recipient)
            let wrapped = try XChaCha20Poly1305.seal(fileKey, key: key, nonce: EnvelopeKeys.stanzaNonce, associatedData: preamble)
            return [EnvelopeHeader.Stanza(recipient: hiddenRecipients ? nil : recipient.address, wrappedKey: wrapped)]
        }
        payloadKey = EnvelopeKeys.payloadKey(fileKey: fileKey, messageID: messageID)
    }

    /// The whole message: header, `payload` cut into chunks (the last tagged as the end of the
    /// data), and a trailer claiming `padding` and `content` bytes, signed by `FuzzKeys.sender`.
    func seal(payload: [UInt8], padding: UInt64, content: UInt64) -> [UInt8] {
        let stream = try! SecretStreamEncryptor(key: payloadKey, header: header.streamHeader)
        let transcript = TranscriptHash()
        transcript.update(header.bytes)
        var message = header.bytes
        let chunkSize = header.chunkSize
        var offset = 0
        repeat {
            let end = min(payload.count, offset + chunkSize)
            let last = end == payload.count
            let sealed = stream.push(Array(payload[offset..<end]), tag: last ? .push : .message)
            transcript.update(sealed)
            message += sealed
            offset = end
        } while offset < payload.count
        let sender = FuzzKeys.sender
        let fields = EnvelopeTrailer.signedFields(paddingByteCount: padding, contentByteCount: content, sender: sender.address)
        let trailer = EnvelopeTrailer(
            paddingByteCount: padding, contentByteCount: content, sender: sender.address,
            signature: PersonalMessage.sign(transcript.finalize(trailerFields: fields), with: sender))
        message += stream.push(trailer.bytes, tag: .final)
        return message
    }
}
#endif
