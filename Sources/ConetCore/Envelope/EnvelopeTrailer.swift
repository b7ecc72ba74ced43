import Foundation

/// The last, FINAL-tagged chunk of a message: who sent it, and their signature over everything
/// before it. Encrypted like the payload, so relays never learn the sender.
struct EnvelopeTrailer: Equatable {
    /// Zero bytes at the end of the payload plaintext added by `--pad`.
    let paddingByteCount: UInt64
    /// Bytes of content after decompression, checked by the reader.
    let contentByteCount: UInt64
    let sender: Address
    let signature: RecoverableSignature

    /// padding u64 ‖ content length u64 ‖ sender address ‖ 65-byte signature.
    static let byteCount = 8 + 8 + 20 + RecoverableSignature.byteCount

    var bytes: [UInt8] {
        BigEndian.bytes(paddingByteCount) + BigEndian.bytes(contentByteCount) + sender.bytes + signature.bytes
    }

    /// What the signature commits to, after the header and payload ciphertext already hashed.
    static func signedFields(paddingByteCount: UInt64, contentByteCount: UInt64, sender: Address) -> [UInt8] {
        BigEndian.bytes(paddingByteCount) + BigEndian.bytes(contentByteCount) + sender.bytes
    }

    init(paddingByteCount: UInt64, contentByteCount: UInt64, sender: Address, signature: RecoverableSignature) {
        self.paddingByteCount = paddingByteCount
        self.contentByteCount = contentByteCount
        self.sender = sender
        self.signature = signature
    }

    init(bytes: [UInt8]) throws(EnvelopeError) {
        guard bytes.count == Self.byteCount else {
            throw .badPayload("the trailer is \(bytes.count) bytes, expected \(Self.byteCount)")
        }
        paddingByteCount = BigEndian.value(bytes[0..<8], as: UInt64.self)
        contentByteCount = BigEndian.value(bytes[8..<16], as: UInt64.self)
        do {
            sender = try Address(bytes: Array(bytes[16..<36]))
            signature = try RecoverableSignature(bytes: Array(bytes[36...]))
        } catch {
            throw .badPayload("the trailer signature is malformed")
        }
    }
}
