#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// The payload plaintext of a message from a hostile but genuine sender: the harness seals the
/// fuzzer's bytes into an otherwise valid message (`FuzzEnvelopeSealer`) and the recipient's reader
/// opens it, so the content format byte, zstd decompression (frames cut across chunks), the zero
/// runs held back as possible padding, and the trailer's length claims are all reached.
///
/// Input: one option byte, then (option bit 3) 16 bytes of trailer claims, then the plaintext.
/// - bits 0–1: chunk size 2^10, 2^11, 2^12 or 2^16;
/// - bit 2: recipients hidden (the reader tries the stanza without a name);
/// - bit 3: the trailer's padding and content lengths come from the input, not from the plaintext;
/// - bit 4: a content limit of 1 KiB instead of 1 MiB;
/// - bit 5: the plaintext's trailing zeros are declared as padding.
///
/// With honest trailer claims the reader must give back exactly the content: the raw bytes, or
/// what one-shot zstd decompression of the same bytes gives (or fail where that fails).
enum EnvelopePayloadTarget {
    static let target = FuzzTarget(
        name: "envelope-payload",
        summary: "an option byte and the payload plaintext a sender seals (format byte, zstd, padding, trailer claims)",
        run: run)

    static let chunkSizeLogs: [UInt8] = [10, 11, 12, 16]

    /// One sealer per chunk size and recipient visibility, made once.
    static let sealers: [FuzzEnvelopeSealer] = chunkSizeLogs.flatMap { log in
        [false, true].map { FuzzEnvelopeSealer(recipient: FuzzKeys.recipient.publicKey, chunkSizeLog: log, hiddenRecipients: $0) }
    }

    static func run(_ input: [UInt8]) {
        var reader = FuzzReader(input)
        let options = reader.byte()
        let sealer = sealers[Int(options & 3) * 2 + (options & 4 != 0 ? 1 : 0)]
        let claimsFromInput = options & 8 != 0
        let limit = options & 16 != 0 ? 1024 : 1 << 20
        let claimed = claimsFromInput ? reader.take(16) + [UInt8](repeating: 0, count: 16) : []
        let payload = reader.rest()

        var padding: UInt64 = 0
        if options & 32 != 0, payload.count > 1 {
            padding = UInt64(payload.dropFirst().reversed().prefix { $0 == 0 }.count)
        }
        let body = payload.isEmpty ? [] : Array(payload[1..<(payload.count - Int(padding))])
        // What the content must come to: the raw body, or its one-shot decompression.
        let expected: [UInt8]? = switch payload.first {
        case EnvelopeFormat.ContentFormat.raw.rawValue: body.count <= limit ? body : nil
        case EnvelopeFormat.ContentFormat.zstd.rawValue: try? ZstdDecompressor.decompress(body, maxOutputBytes: limit)
        default: nil
        }
        let content = claimsFromInput
            ? BigEndian.value(claimed[8..<16], as: UInt64.self)
            : UInt64(expected?.count ?? 0)
        if claimsFromInput { padding = BigEndian.value(claimed[0..<8], as: UInt64.self) }

        let message = sealer.seal(payload: payload, padding: padding, content: content)
        let opened = open(message, limit: limit)
        if !claimsFromInput {
            FuzzInvariant.require(
                opened == expected,
                "content read back (\(opened.map { "\($0.count) bytes" } ?? "refused")) differs from what was sealed (\(expected.map { "\($0.count) bytes" } ?? "invalid"))")
        }
    }

    /// The content the recipient's reader delivers, or nil when it refuses the message.
    static func open(_ message: [UInt8], limit: Int) -> [UInt8]? {
        guard let reader = try? EnvelopeReader(source: MemorySource(message)),
              (try? reader.unlock(with: FuzzKeys.recipient)) == true
        else { return nil }
        var content: [UInt8] = []
        guard (try? reader.readPayload(maxContentBytes: limit, into: { content += $0 })) != nil else { return nil }
        return content
    }
}
#endif
