import Foundation

/// Seals a message as it streams in: `write` any amount, then `finish`. Memory stays at a few
/// chunks whatever the size. Ciphertext is handed to `output` in order, from a background
/// thread that also hashes it, so encryption and hashing use both cores.
public final class EnvelopeWriter {
    /// What one sealed message came to.
    public typealias Summary = EnvelopeDescription

    /// How much input decides `.automatic` compression.
    static let sampleByteCount = 128 * 1024

    public let header: EnvelopeHeader
    private let sender: PendingKey
    private let options: EnvelopeOptions
    private let stream: SecretStreamEncryptor
    private let output: @Sendable (UnsafeRawBufferPointer) throws -> Void
    private let worker: SerialWorker
    private let transcript = TranscriptHash()
    private let chunkSize: Int

    private var format: EnvelopeFormat.ContentFormat?
    private var sample: [UInt8] = []
    private var compressor: ZstdCompressor?
    private var chunk: [UInt8] = []
    private var payloadByteCount = 0
    private var contentByteCount = 0
    private var dataChunkCount = 0
    private var envelopeByteCount = 0
    private var finished = false
    private var outgoing: WorkBatcher<SealedChunk>
    private let held: HeldChunks

    /// Starts a message from `sender` to `recipients` and writes its header to `output`.
    /// - Throws: `EnvelopeError.invalidOptions` for no recipients, too many, or bad option values.
    public convenience init(
        recipients: [PublicKey], sender: PrivateKey, options: EnvelopeOptions = EnvelopeOptions(),
        output: @escaping @Sendable ([UInt8]) throws -> Void
    ) throws {
        try self.init(recipients: recipients, sender: PendingKey(sender), options: options, writingTo: { try output([UInt8]($0)) })
    }

    /// As above, lending `output` each piece in place: the bulk of the message reaches it without
    /// a copy (valid only during the call). The sender's key may still be unlocking: sealing goes
    /// on meanwhile, but `output` gets nothing until it has opened (a wrong password writes nothing).
    public convenience init(
        recipients: [PublicKey], sender: PendingKey, options: EnvelopeOptions = EnvelopeOptions(),
        writingTo output: @escaping @Sendable (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try self.init(recipients: recipients, sender: sender, options: options, output: output, randomBytes: SecureRandom.bytes)
    }

    /// As above, with the random source given (tests pin a message's bytes with a seeded one).
    init(
        recipients: [PublicKey], sender: PendingKey, options: EnvelopeOptions,
        output: @escaping @Sendable (UnsafeRawBufferPointer) throws -> Void, randomBytes: (Int) -> [UInt8]
    ) throws {
        var unique: [PublicKey] = []
        for recipient in recipients where !unique.contains(recipient) { unique.append(recipient) }
        guard !unique.isEmpty else { throw EnvelopeError.invalidOptions("a message needs at least one recipient") }
        guard unique.count <= EnvelopeFormat.maxRecipients else {
            throw EnvelopeError.invalidOptions("\(unique.count) recipients; at most \(EnvelopeFormat.maxRecipients) are allowed")
        }
        guard options.ttl > 0 else { throw EnvelopeError.invalidOptions("the time to live must be at least one second") }
        guard options.stampBits == 0 || (1...Stamp.maxBits).contains(options.stampBits) else {
            throw EnvelopeError.invalidOptions("stamp bits must be 1...\(Stamp.maxBits)")
        }
        guard EnvelopeFormat.chunkSizeLogRange.contains(options.chunkSizeLog) else {
            throw EnvelopeError.invalidOptions("chunk size 2^\(options.chunkSizeLog) is outside 2^10...2^20")
        }
        switch options.compression {
        case .zstd(let level), .automatic(let level):
            guard ZstdCompressor.levels.contains(level) else {
                throw EnvelopeError.invalidOptions("compression level \(level) is outside \(ZstdCompressor.levels)")
            }
        case .none: break
        }
        self.sender = sender
        self.options = options
        self.output = output
        // Uncompressed content may queue more (no zstd contexts to share the memory with).
        if case .none = options.compression { worker = SerialWorker(depth: 4) } else { worker = SerialWorker() }
        // Each chunk is hashed and written from the buffer it was sealed into, once the sender's
        // key has opened; until then up to `HeldChunks.limit` bytes wait, so sealing and hashing
        // overlap the unlock.
        let held = HeldChunks()
        self.held = held
        outgoing = WorkBatcher(worker: worker) { [transcript] chunk in
            let count = chunk.withBytes { bytes in
                transcript.update(bytes)
                return bytes.count
            }
            if try held.keep(chunk, byteCount: count, until: sender, output: output) { return }
            try chunk.withBytes(output)
        }
        chunkSize = 1 << Int(options.chunkSizeLog)

        let fileKey = SecretBytes(randomBytes(EnvelopeFormat.fileKeyByteCount))
        var ephemeral: PrivateKey?
        while ephemeral == nil { ephemeral = try? PrivateKey(secret: SecretBytes(randomBytes(32))) }
        let messageID = randomBytes(EnvelopeFormat.messageIDByteCount)
        let streamHeader = randomBytes(SecretStreamEncryptor.headerByteCount)
        let hidden = options.hideRecipients
        header = try EnvelopeHeader.encode(
            chunkSizeLog: options.chunkSizeLog, messageID: messageID,
            createdSeconds: UInt64(clamping: TimeText.clampedSeconds(options.created)), ttl: options.ttl,
            ephemeralKey: ephemeral!.publicKey, streamHeader: streamHeader, routing: options.routing,
            hiddenRecipients: hidden, recipientCount: unique.count, stampBits: options.stampBits,
            macKey: EnvelopeKeys.headerMACKey(fileKey: fileKey)
        ) { preamble in
            try unique.map { recipient in
                let shared = ephemeral!.sharedSecret(with: recipient)
                let key = EnvelopeKeys.stanzaKey(sharedSecret: shared, ephemeral: ephemeral!.publicKey, recipient: recipient)
                let wrapped = try XChaCha20Poly1305.seal(fileKey, key: key, nonce: EnvelopeKeys.stanzaNonce, associatedData: preamble)
                return EnvelopeHeader.Stanza(recipient: hidden ? nil : recipient.address, wrappedKey: wrapped)
            }
        }
        stream = try SecretStreamEncryptor(
            key: EnvelopeKeys.payloadKey(fileKey: fileKey, messageID: messageID), header: streamHeader)
        chunk.reserveCapacity(chunkSize)
        try hashAndOutput(SealedChunk(bytes: header.bytes), byteCount: header.bytes.count)
        if case .none = options.compression { try begin(.raw) }
        if case .zstd = options.compression { try begin(.zstd) }
    }

    /// Adds content to the message. Given its last reference, the writer may seal in the array's
    /// own memory instead of copying it.
    public func write(_ bytes: consuming [UInt8]) throws {
        precondition(!finished, "EnvelopeWriter.write after finish")
        contentByteCount += bytes.count
        if format == nil {
            // The first write is taken as it is, not copied: it may be the whole message.
            if sample.isEmpty { sample = bytes } else { sample += bytes }
            if sample.count >= Self.sampleByteCount { try decideFormat() }
            return
        }
        try take(content: bytes)
    }

    /// Ends the content: flushes compression, pads, signs, and writes the trailer.
    /// - Returns: the sizes of what was written, once `output` has taken every byte.
    public func finish() throws -> Summary {
        precondition(!finished, "EnvelopeWriter.finish called twice")
        finished = true
        if format == nil { try decideFormat() }
        if let compressor { try compressor.finish { try self.append($0) } }
        var padding = 0
        if options.pad {
            padding = PaddingBuckets.bucket(for: payloadByteCount) - payloadByteCount
            var left = padding
            let zeros = [UInt8](repeating: 0, count: min(padding, chunkSize))
            while left > 0 {
                let piece = min(left, zeros.count)
                try append(piece == zeros.count ? zeros : Array(zeros[..<piece]))
                left -= piece
            }
        }
        try seal(chunk, tag: .push)
        try outgoing.finish()
        try worker.drain()
        let sender = try self.sender.wait()
        // The worker is idle now: what it still holds goes out from here.
        try held.release(output: output)
        let fields = EnvelopeTrailer.signedFields(
            paddingByteCount: UInt64(padding), contentByteCount: UInt64(contentByteCount), sender: sender.publicKey.address)
        let digest = transcript.finalize(trailerFields: fields)
        let trailer = EnvelopeTrailer(
            paddingByteCount: UInt64(padding), contentByteCount: UInt64(contentByteCount), sender: sender.publicKey.address,
            signature: PersonalMessage.sign(digest, with: sender))
        let sealed = stream.push(trailer.bytes, tag: .final)
        try sealed.withUnsafeBytes(output)
        envelopeByteCount += sealed.count
        return Summary(
            header: header, sender: sender.publicKey.address, stanzaIndex: nil, format: format!, contentByteCount: contentByteCount,
            payloadByteCount: payloadByteCount, paddingByteCount: padding, dataChunkCount: dataChunkCount,
            envelopeByteCount: envelopeByteCount)
    }

    /// Settles `.automatic` compression from the first `sampleByteCount` bytes: zstd only if
    /// level 1 saves 2% of them. Only that prefix is tried, however large the first write was,
    /// so the choice does not depend on how the content was cut into writes.
    private func decideFormat() throws {
        var chosen = EnvelopeFormat.ContentFormat.zstd
        if case .automatic = options.compression, !sample.isEmpty {
            let tried = sample.prefix(Self.sampleByteCount)
            let trial = try ZstdCompressor.compress(tried, level: 1)
            if trial.count * 100 >= tried.count * 98 { chosen = .raw }
        }
        try begin(chosen)
        let held = sample
        sample = []
        try take(content: held)
    }

    private func begin(_ chosen: EnvelopeFormat.ContentFormat) throws {
        format = chosen
        // Uncompressed content is fast to seal: larger jobs halve the wake-ups between the two
        // threads, and without zstd's contexts the extra megabyte held is affordable.
        if chosen == .raw { outgoing.size = 16 }
        try append([chosen.rawValue])
        if chosen == .zstd {
            let level: Int
            switch options.compression {
            case .zstd(let l), .automatic(let l): level = l
            case .none: level = 3
            }
            // 2 MiB jobs keep multithreaded compression within a few tens of MiB at any level.
            compressor = try ZstdCompressor(
                level: level, checksum: false, workers: options.compressionWorkers, jobSize: 2 << 20)
        }
    }

    private func take(content: consuming [UInt8]) throws {
        if let compressor {
            try compressor.compress(content) { try self.append($0) }
        } else {
            try append(content)
        }
    }

    /// Adds payload plaintext, sealing each full chunk once the next byte shows it is not the last.
    private func append(_ bytes: consuming [UInt8]) throws {
        payloadByteCount += bytes.count
        var bytes = bytes
        var offset = 0
        while offset < bytes.count {
            // A whole chunk with more input after it is sealed straight from the input, uncopied:
            // the bytes before it are sealed or gathered already, so the block is written there.
            if chunk.isEmpty && bytes.count - offset > chunkSize {
                let scratch = SecretStreamChunk.blockByteCount
                if offset >= scratch {
                    let range = (offset - scratch)..<(offset + chunkSize)
                    try add(
                        bytes.withUnsafeMutableBytes { stream.pushDeferred(inPlace: UnsafeMutableRawBufferPointer(rebasing: $0[range]), tag: .message) },
                        messageByteCount: chunkSize)
                } else {
                    try seal(bytes[offset..<(offset + chunkSize)], tag: .message)
                }
                offset += chunkSize
                continue
            }
            if chunk.count == chunkSize {
                try seal(chunk, tag: .message)
                chunk.removeAll(keepingCapacity: true)
                // The rest may now be sealed straight from the input.
                continue
            }
            let count = min(chunkSize - chunk.count, bytes.count - offset)
            chunk.append(contentsOf: bytes[offset..<(offset + count)])
            offset += count
        }
    }

    private func seal(_ plaintext: some ContiguousBytes, tag: SecretStreamTag) throws {
        try add(stream.pushDeferred(plaintext, tag: tag), messageByteCount: plaintext.withUnsafeBytes(\.count))
    }

    /// Counts a sealed data chunk and hands it on.
    private func add(_ sealed: SealedChunk, messageByteCount: Int) throws {
        dataChunkCount += 1
        try hashAndOutput(sealed, byteCount: messageByteCount + SecretStreamEncryptor.chunkOverhead)
    }

    /// Hands signed bytes (the header, then each data chunk) to the worker, in order.
    private func hashAndOutput(_ chunk: SealedChunk, byteCount: Int) throws {
        envelopeByteCount += byteCount
        try outgoing.add(chunk)
    }
}

/// Chunks sealed and hashed while the sender's key is still unlocking, waiting to be written.
/// Touched by the writer's worker, and by `finish` only once that worker is idle.
private final class HeldChunks: @unchecked Sendable {
    /// About 5 ms of sealing at full speed (half a light keystore's unlock), small beside the
    /// 64 MiB a send may use.
    static let limit = 8 << 20
    private var chunks: [SealedChunk] = []
    private var byteCount = 0
    private var open = false

    /// Keeps `chunk` if the key is still unlocking and there is room; else waits for the key,
    /// writes what was kept, and returns false so the caller writes `chunk`.
    func keep(
        _ chunk: SealedChunk, byteCount count: Int, until sender: PendingKey,
        output: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Bool {
        if open { return false }
        if !sender.isSettled && byteCount + count <= Self.limit {
            chunks.append(chunk)
            byteCount += count
            return true
        }
        _ = try sender.wait()
        try release(output: output)
        return false
    }

    /// Writes every kept chunk, in order; from then on nothing is kept.
    func release(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        open = true
        for chunk in chunks { try chunk.withBytes(output) }
        chunks = []
        byteCount = 0
    }
}
