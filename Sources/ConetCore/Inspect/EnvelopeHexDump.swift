import Foundation

extension AnnotatedHex {
    /// The annotated dump of a sealed message, field by field as it is read: every header field,
    /// then each chunk (its first bytes) and the trailer chunk. `emit` receives each field as
    /// soon as it is known, so a message of any size dumps in the memory of two chunks: a chunk
    /// is known to be an ordinary data chunk once a full chunk follows it, and the last two hold
    /// the last data chunk and the trailer.
    public static func envelope(header: EnvelopeHeader, rest: ByteSource, emit: (Field) throws -> Void) throws {
        var dump = AnnotatedHex()
        var parts: [(String, Int?)] = [
            ("magic \"CONET\"", 5), ("version", 1), ("flags", 1), ("chunk size log2 (\(header.chunkSize) bytes)", 1),
            ("message id", EnvelopeFormat.messageIDByteCount), ("created \(TimeText.format(header.created))", 8),
            ("ttl \(header.ttl) s", 4), ("ephemeral key", 33), ("secretstream header", SecretStreamEncryptor.headerByteCount),
        ]
        if let routing = header.routing { parts.append(("routing address \(routing.checksummed)", 20)) }
        parts.append(("stanza count \(header.stanzas.count)", 1))
        for (index, stanza) in header.stanzas.enumerated() {
            if let recipient = stanza.recipient { parts.append(("stanza \(index): recipient \(recipient.checksummed)", 20)) }
            parts.append(("stanza \(index): wrapped file key", EnvelopeFormat.wrappedKeyByteCount))
        }
        if let stamp = header.stamp { parts.append(("stamp (\(stamp.bits) bits claimed)", EnvelopeFormat.stampByteCount)) }
        parts.append(("header MAC", EnvelopeFormat.macByteCount))
        dump.layout(header.bytes[...], base: 0, parts)
        for field in dump.fields { try emit(field) }

        let full = header.chunkSize + SecretStreamEncryptor.chunkOverhead
        let trailerChunk = EnvelopeTrailer.byteCount + SecretStreamEncryptor.chunkOverhead
        let base = header.byteCount
        func field(_ name: String, at offset: Int, _ bytes: ArraySlice<UInt8>, byteCount: Int) -> Field {
            Field(offset: offset, bytes: Array(bytes.prefix(shownBytes)), byteCount: byteCount, name: name)
        }
        // Full chunks read so far and handed on; `pending` is the one after them.
        var index = 0
        var pending = try rest.read(exactly: full)
        var tail = pending
        if pending.count == full {
            while true {
                let next = try rest.read(exactly: full)
                if next.count == full {
                    try emit(field("chunk \(index): sealed (tag, data, 16-byte MAC)", at: base + index * full, pending[...], byteCount: full))
                    index += 1
                    pending = next
                    continue
                }
                tail = pending + next
                break
            }
        }
        // The tail holds what is left: the rest of the data chunks and the trailer chunk.
        let tailStart = index * full
        let total = tailStart + tail.count
        let data = total - trailerChunk
        guard data >= SecretStreamEncryptor.chunkOverhead + 1 else {
            try emit(field("after the header: too short for a chunk and the trailer", at: base, tail[...], byteCount: total))
            return
        }
        let chunks = (data + full - 1) / full
        for chunk in index..<chunks {
            let size = min(full, data - chunk * full)
            let kind = chunk == chunks - 1 ? "last data chunk" : "chunk \(chunk)"
            let from = chunk * full - tailStart
            try emit(field("\(kind): sealed (tag, data, 16-byte MAC)", at: base + chunk * full, tail[from..<(from + size)], byteCount: size))
        }
        try emit(field("trailer chunk: sealed (tag, padding and content lengths, sender, signature, MAC)", at: base + data,
                       tail.suffix(trailerChunk)[...], byteCount: trailerChunk))
    }

    /// The whole dump of a sealed message, held in memory: for small messages (tests, fuzzing).
    public static func envelope(header: EnvelopeHeader, rest: ByteSource) throws -> AnnotatedHex {
        var dump = AnnotatedHex()
        try envelope(header: header, rest: rest) { dump.add($0.name, at: $0.offset, $0.bytes[...], byteCount: $0.byteCount) }
        return dump
    }
}
