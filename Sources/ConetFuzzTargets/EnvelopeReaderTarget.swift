#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// A whole message as `conet recv` opens it with the recipient's key: armor, header, stanzas,
/// header MAC, every chunk, the trailer and the sender's signature. Seeds are messages sealed to
/// `FuzzKeys.recipient`, so mutations reach each check in turn (most end at an authentication
/// failure; the payload's own parsing is `envelope-payload`).
enum EnvelopeReaderTarget {
    static let target = FuzzTarget(
        name: "envelope-reader",
        summary: "a message (binary or armored) opened by its recipient as `conet recv` and `inspect --wallet` do",
        run: run)

    /// Content beyond this is refused (as `recv` bounds it by its limit): keeps one input's work small.
    static let maxContentBytes = 4 << 20

    static func run(_ input: [UInt8]) {
        let (source, armored) = EnvelopeHeaderTarget.source(input)
        guard let reader = try? EnvelopeReader(source: source) else { return }
        let header = reader.header
        let recipient = FuzzKeys.recipient
        _ = reader.names(recipient.address)
        guard (try? reader.unlock(with: recipient)) == true else { return }
        var contentByteCount = 0
        guard let opened = try? reader.readPayload(maxContentBytes: maxContentBytes, into: { contentByteCount += $0.count }) else { return }
        FuzzInvariant.require(opened.contentByteCount == contentByteCount, "the reader reports \(opened.contentByteCount) content bytes but delivered \(contentByteCount)")
        if var inspection = try? EnvelopeInspection(
            header: header, afterHeader: opened.envelopeByteCount - header.byteCount, inputByteCount: input.count, armored: armored) {
            inspection.record(opened, wallet: "fuzz", recipient: recipient.address)
            _ = try? JSONEncoder().encode(inspection)
        }
    }
}
#endif
