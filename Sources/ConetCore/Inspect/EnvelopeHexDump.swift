import Foundation

extension AnnotatedHex {
    /// The annotated dump of a sealed message: every header field, then each chunk (its first
    /// bytes) and the trailer chunk. Reads `rest` (the bytes after the header) to its end, keeping
    /// only the first bytes of each chunk and the last two chunks.
    public static func envelope(header: EnvelopeHeader, rest: ByteSource) throws -> AnnotatedHex {
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

        let full = header.chunkSize + SecretStreamEncryptor.chunkOverhead
        let trailerChunk = EnvelopeTrailer.byteCount + SecretStreamEncryptor.chunkOverhead
        var heads: [[UInt8]] = []
        var previous: [UInt8] = [], last: [UInt8] = []
        var total = 0
        while true {
            let block = try rest.read(exactly: full)
            if block.isEmpty { break }
            heads.append(Array(block.prefix(shownBytes)))
            previous = last
            last = block
            total += block.count
        }
        let base = header.byteCount
        let data = total - trailerChunk
        guard data >= SecretStreamEncryptor.chunkOverhead + 1 else {
            dump.add("after the header: too short for a chunk and the trailer", at: base, (previous + last).suffix(total)[...], byteCount: total)
            return dump
        }
        let chunks = (data + full - 1) / full
        for index in 0..<chunks {
            let size = min(full, data - index * full)
            let kind = index == chunks - 1 ? "last data chunk" : "chunk \(index)"
            dump.add("\(kind): sealed (tag, data, 16-byte MAC)", at: base + index * full, heads[index][...], byteCount: size)
        }
        let tail = previous + last
        dump.add("trailer chunk: sealed (tag, padding and content lengths, sender, signature, MAC)", at: base + data,
                 tail.suffix(trailerChunk)[...], byteCount: trailerChunk)
        return dump
    }
}
