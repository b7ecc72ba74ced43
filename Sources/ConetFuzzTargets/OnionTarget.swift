#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// Onion routing's own parsing. With the first byte even, the rest is read as the small fixed
/// structures: a routing instruction and a delivery receipt (decoded, re-encoded, its signature
/// checked as a sender checks it). With it odd, the rest is the plaintext of a layer: the harness
/// seals it to the relay (`FuzzEnvelopeSealer`) and the relay opens it as it opens every layer
/// deposited into its own address (`RelaySession.open`): the instruction, then the inner
/// envelope, whose header the relay parses next.
enum OnionTarget {
    static let target = FuzzTarget(
        name: "onion",
        summary: "a mode byte, then a routing instruction or delivery receipt, or the plaintext of a layer sealed to the relay",
        run: run)

    static let sealers: [FuzzEnvelopeSealer] = [10, 16].map {
        FuzzEnvelopeSealer(recipient: FuzzKeys.relay.publicKey, chunkSizeLog: $0, hiddenRecipients: true)
    }

    static func run(_ input: [UInt8]) {
        var reader = FuzzReader(input)
        let mode = reader.byte()
        let rest = reader.rest()
        if mode & 1 == 0 {
            structures(rest)
        } else {
            layer(rest, sealer: sealers[Int(mode >> 1) & 1])
        }
    }

    static func structures(_ bytes: [UInt8]) {
        if let instruction = try? OnionInstruction(decoding: bytes) {
            FuzzInvariant.require(instruction.encoded == bytes, "a routing instruction does not encode back to its bytes")
        }
        if let receipt = try? DeliveryReceipt(decoding: bytes) {
            // Not byte for byte: a signature's v may arrive as 0/1 and is kept as 27/28.
            FuzzInvariant.require((try? DeliveryReceipt(decoding: receipt.encoded)) == receipt, "a delivery receipt's encoding decodes to another receipt")
            _ = receipt.isValid(from: FuzzKeys.relay.address, for: receipt.messageID)
            _ = receipt.isValid(from: receipt.relay, for: receipt.messageID)
            _ = TimeText.format(Date(timeIntervalSince1970: TimeInterval(receipt.time)))
        }
        _ = try? RelayMessage.receipt(bytes).deliveryReceipt()
    }

    static func layer(_ plaintext: [UInt8], sealer: FuzzEnvelopeSealer) {
        let payload = [EnvelopeFormat.ContentFormat.raw.rawValue] + plaintext
        let message = sealer.seal(payload: payload, padding: 0, content: UInt64(plaintext.count))
        guard var upload = try? DepositUpload(staging: DepositRecordsTarget.staging, inlineLimit: 1 << 20) else { return }
        try? upload.append(message)
        guard let (instruction, inner) = try? RelaySession.open(
            upload, identity: FuzzKeys.relay, staging: DepositRecordsTarget.staging, inlineLimit: 1 << 20, maxBytes: 1 << 20)
        else { return }
        FuzzInvariant.require(
            instruction.encoded[...] == plaintext.prefix(OnionInstruction.byteCount) && inner.size == plaintext.count - OnionInstruction.byteCount,
            "the opened layer's instruction or inner envelope does not match what was sealed")
        if let source = try? inner.source() { _ = try? EnvelopeHeader.read(from: source) }
    }
}
#endif
