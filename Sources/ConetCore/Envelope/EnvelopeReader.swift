import Foundation

/// Opens a sealed message as it streams in: read the header, `unlock` it with a recipient's key,
/// then `readPayload` hands verified plaintext to a sink. Every chunk is authenticated before its
/// plaintext is passed on; the sender signature and the end of the stream can only be checked at
/// the end, so a caller that must not act on unverified data stages it until `readPayload` returns.
public final class EnvelopeReader {
    /// What an opened message turned out to be, every check passed.
    public typealias Opened = EnvelopeDescription

    public let header: EnvelopeHeader
    private let source: ByteSource
    private var payloadKey: SecretBytes?
    private var stanzaIndex: Int?

    /// Reads and parses the header from `source`.
    public init(source: ByteSource) throws {
        self.source = source
        header = try EnvelopeHeader.read(from: source)
    }

    /// Whether a stanza names `address` (always false when recipients are hidden).
    public func names(_ address: Address) -> Bool {
        header.stanzas.contains { $0.recipient == address }
    }

    /// Tries `identity` on the stanzas meant for it (all of them when recipients are hidden).
    /// On success the header MAC is verified and the payload can be read.
    /// - Returns: false when `identity` is not a recipient.
    /// - Throws: `headerAltered` when the file key opens but the MAC fails, or when a stanza that
    ///   names this identity does not open (its bytes or the ephemeral key were changed).
    public func unlock(with identity: PrivateKey) throws(EnvelopeError) -> Bool {
        guard let (index, fileKey) = try unwrapFileKey(with: identity) else { return false }
        payloadKey = EnvelopeKeys.payloadKey(fileKey: fileKey, messageID: header.messageID)
        stanzaIndex = index
        return true
    }

    /// Finds and opens `identity`'s stanza and checks the header MAC with the file key inside.
    func unwrapFileKey(with identity: PrivateKey) throws(EnvelopeError) -> (Int, SecretBytes)? {
        let address = identity.address
        let shared = identity.sharedSecret(with: header.ephemeralKey)
        let key = EnvelopeKeys.stanzaKey(sharedSecret: shared, ephemeral: header.ephemeralKey, recipient: identity.publicKey)
        let preamble = Array(header.bytes[..<header.preambleByteCount])
        var named = false
        for (index, stanza) in header.stanzas.enumerated() {
            if let recipient = stanza.recipient {
                guard recipient == address else { continue }
                named = true
            }
            guard var opened = try? XChaCha20Poly1305.open(
                stanza.wrappedKey, key: key, nonce: EnvelopeKeys.stanzaNonce, associatedData: preamble)
            else { continue }
            let fileKey = SecretBytes(opened)
            Memory.wipe(&opened)
            let mac = EnvelopeKeys.headerMAC(key: EnvelopeKeys.headerMACKey(fileKey: fileKey), header: Array(header.authenticatedBytes))
            guard ConstantTime.equal(mac, header.mac) else { throw .headerAltered }
            return (index, fileKey)
        }
        if named { throw .headerAltered }
        return nil
    }

    /// Decrypts, verifies and decompresses the payload, handing content to `sink` in order.
    ///
    /// Three stages overlap on two cores: this thread reads and decrypts, one background thread
    /// hashes the ciphertext for the signature, another decompresses and calls `sink` (one call
    /// at a time, in order; every call has returned before this method returns or throws).
    /// - Parameter maxContentBytes: refuse content beyond this size (a decompression bomb guard).
    /// - Throws: `EnvelopeError` naming the failed check, or whatever `sink` or the source throws.
    public func readPayload(maxContentBytes: Int = .max, into sink: ([UInt8]) throws -> Void) throws -> Opened {
        try readPayload(maxContentBytes: maxContentBytes, recoversSender: true, into: sink)
    }

    /// The relay's reading of an onion layer: every check but the sender signature, which a
    /// throwaway key made (PROTOCOL §6.2): nothing is hashed and nothing recovered, and the
    /// returned `sender` is only what the trailer claims.
    func readPayloadIgnoringSender(maxContentBytes: Int, into sink: ([UInt8]) throws -> Void) throws -> Opened {
        try readPayload(maxContentBytes: maxContentBytes, recoversSender: false, into: sink)
    }

    private func readPayload(maxContentBytes: Int, recoversSender: Bool, into sink: ([UInt8]) throws -> Void) throws -> Opened {
        try withoutActuallyEscaping(sink) { sink in
            nonisolated(unsafe) let sink = sink
            return try readPayload(maxContentBytes: maxContentBytes, recoversSender: recoversSender, sink: { try sink($0) })
        }
    }

    private func readPayload(
        maxContentBytes: Int, recoversSender: Bool, sink: @escaping @Sendable ([UInt8]) throws -> Void
    ) throws -> Opened {
        guard let payloadKey, let stanzaIndex else { preconditionFailure("EnvelopeReader.readPayload before a successful unlock") }
        let decryptor = try SecretStreamDecryptor(key: payloadKey, header: header.streamHeader)
        let hasher = SerialWorker()
        let decoder = SerialWorker()
        // Whatever happens, no job may still hold `sink` once this method has returned.
        defer {
            try? hasher.drain()
            try? decoder.drain()
        }
        let transcript = TranscriptHash()
        let headerBytes = header.bytes
        let content = ContentDecoder(maxContentBytes: maxContentBytes)
        // Without the sender's signature to check, nothing is hashed.
        var hashing = recoversSender ? WorkBatcher<[UInt8]>(worker: hasher) { transcript.update($0) } : nil
        var decoding = WorkBatcher<[UInt8]>(worker: decoder) { try content.take($0, sink: sink) }
        try hashing?.add(headerBytes)
        let fullChunk = header.chunkSize + SecretStreamEncryptor.chunkOverhead
        let trailerChunk = EnvelopeTrailer.byteCount + SecretStreamEncryptor.chunkOverhead
        var index = 0
        var envelopeByteCount = headerBytes.count

        func openData(_ sealed: [UInt8], last: Bool) throws {
            envelopeByteCount += sealed.count
            try hashing?.add(sealed)
            let plaintext: [UInt8], tag: SecretStreamTag
            do { (plaintext, tag) = try decryptor.pullTagged(sealed) } catch { throw EnvelopeError.chunkAltered(index: index) }
            if last && tag != .push {
                throw EnvelopeError.badChunkSequence("chunk \(index), the last before the trailer, does not mark the end of the data")
            }
            if !last && tag != .message {
                throw EnvelopeError.badChunkSequence("chunk \(index) is tagged \(tag) but more data follows")
            }
            index += 1
            try decoding.add(plaintext)
        }

        // Data chunks are all full-size except the last; the trailer chunk has a fixed size. Read
        // one chunk ahead: a chunk followed by a full one is an ordinary data chunk.
        var current = try source.read(exactly: fullChunk)
        while true {
            let next = try source.read(exactly: fullChunk)
            if next.count == fullChunk {
                try openData(current, last: false)
                current = next
                continue
            }
            var tail = current + next
            guard tail.count >= trailerChunk + SecretStreamEncryptor.chunkOverhead else {
                throw EnvelopeError.truncated(index == 0 ? "payload" : "payload after chunk \(index - 1)")
            }
            while tail.count > fullChunk + trailerChunk {
                try openData(Array(tail[..<fullChunk]), last: false)
                tail.removeFirst(fullChunk)
            }
            try openData(Array(tail[..<(tail.count - trailerChunk)]), last: true)
            current = Array(tail[(tail.count - trailerChunk)...])
            break
        }
        envelopeByteCount += current.count
        let trailerPlaintext: [UInt8], tag: SecretStreamTag
        do { (trailerPlaintext, tag) = try decryptor.pullTagged(current) } catch { throw EnvelopeError.chunkAltered(index: index) }
        guard tag == .final else { throw EnvelopeError.badChunkSequence("the trailer chunk is not tagged final") }
        let trailer = try EnvelopeTrailer(bytes: trailerPlaintext)
        try decoding.finish()
        try decoder.drain()
        let padding = try content.finish(paddingByteCount: trailer.paddingByteCount, sink: sink)
        guard UInt64(content.contentByteCount) == trailer.contentByteCount else {
            throw EnvelopeError.badPayload("\(content.contentByteCount) content bytes, but the trailer says \(trailer.contentByteCount)")
        }
        if var hashing {
            try hashing.finish()
            try hasher.drain()
            let digest = transcript.finalize(
                trailerFields: EnvelopeTrailer.signedFields(
                    paddingByteCount: trailer.paddingByteCount, contentByteCount: trailer.contentByteCount, sender: trailer.sender))
            let signer = try? PersonalMessage.signer(of: digest, signature: trailer.signature)
            guard signer == trailer.sender else { throw EnvelopeError.signatureMismatch(claimed: trailer.sender, recovered: signer) }
        }
        return Opened(
            header: header, sender: trailer.sender, stanzaIndex: stanzaIndex, format: content.format ?? .raw,
            contentByteCount: content.contentByteCount, payloadByteCount: content.payloadByteCount,
            paddingByteCount: padding, dataChunkCount: index, envelopeByteCount: envelopeByteCount)
    }
}

/// Turns authenticated payload plaintext into content: reads the format byte, holds back runs of
/// zeros (the padding is a zero run at the very end, whose length only the trailer tells) and
/// decompresses. Memory stays constant: a zero run is kept as a count.
///
/// Used by one thread at a time: the decoding worker, then (after it drained) the reader.
private final class ContentDecoder: @unchecked Sendable {
    let maxContentBytes: Int
    var format: EnvelopeFormat.ContentFormat?
    var decompressor: ZstdDecompressor?
    var pendingZeros = 0
    var contentByteCount = 0
    var payloadByteCount = 0

    init(maxContentBytes: Int) {
        self.maxContentBytes = maxContentBytes
    }

    func take(_ plaintext: [UInt8], sink: ([UInt8]) throws -> Void) throws {
        payloadByteCount += plaintext.count
        var body = plaintext[...]
        if format == nil {
            guard let first = body.first else { throw EnvelopeError.badPayload("the first chunk is empty") }
            guard let known = EnvelopeFormat.ContentFormat(rawValue: first) else {
                throw EnvelopeError.badPayload(String(format: "unknown content format 0x%02x", first))
            }
            format = known
            if known == .zstd {
                decompressor = try ZstdDecompressor(maxOutputBytes: maxContentBytes)
            }
            body = body.dropFirst()
        }
        if let last = body.lastIndex(where: { $0 != 0 }) {
            try releaseZeros(pendingZeros, sink: sink)
            pendingZeros = body.endIndex - last - 1
            // The common case, a whole chunk of content, goes on without a copy.
            if body.startIndex == 0 && pendingZeros == 0 {
                try deliver(plaintext[...], whole: plaintext, sink: sink)
            } else {
                try deliver(body[...last], sink: sink)
            }
        } else {
            pendingZeros += body.count
        }
    }

    /// Checks that the content ends with the trailer's padding and flushes the rest.
    func finish(paddingByteCount: UInt64, sink: ([UInt8]) throws -> Void) throws -> Int {
        guard format != nil else { throw EnvelopeError.badPayload("the payload is empty") }
        guard UInt64(pendingZeros) >= paddingByteCount else {
            throw EnvelopeError.badPayload("the trailer claims \(paddingByteCount) bytes of padding, but the payload ends in \(pendingZeros) zero bytes")
        }
        try releaseZeros(pendingZeros - Int(paddingByteCount), sink: sink)
        pendingZeros = 0
        if let decompressor {
            do { try decompressor.finish() } catch { throw EnvelopeError.decompression(error.localizedDescription) }
        }
        return Int(paddingByteCount)
    }

    private func releaseZeros(_ count: Int, sink: ([UInt8]) throws -> Void) throws {
        var left = count
        let block = [UInt8](repeating: 0, count: min(count, 65536))
        while left > 0 {
            let piece = min(left, block.count)
            try deliver(block[..<piece], sink: sink)
            left -= piece
        }
    }

    private func deliver(_ bytes: ArraySlice<UInt8>, whole: [UInt8]? = nil, sink: ([UInt8]) throws -> Void) throws {
        guard !bytes.isEmpty else { return }
        if let decompressor {
            var produced = 0
            do {
                try decompressor.decompress(bytes) { block in
                    produced += block.count
                    try sink(block)
                }
            } catch let error as CompressionError {
                throw EnvelopeError.decompression(error.localizedDescription)
            }
            contentByteCount += produced
        } else {
            contentByteCount += bytes.count
            guard contentByteCount <= maxContentBytes else {
                throw EnvelopeError.badPayload("the content exceeds the limit of \(maxContentBytes) bytes")
            }
            try sink(whole ?? Array(bytes))
        }
    }
}
