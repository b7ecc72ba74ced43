import Testing
import ConetCore

@Suite struct CompressionTests {
    /// Compressible but not trivial: repeated text with a varying counter.
    static let corpus: [UInt8] = (0..<20_000).flatMap { Array("line \($0 % 977): the quick brown fox\n".utf8) }

    @Test(arguments: [-5, 1, 3, 9, 19])
    func roundTripAtLevel(_ level: Int) throws {
        let compressed = try ZstdCompressor.compress(Self.corpus, level: level)
        #expect(compressed.count < Self.corpus.count / 4)
        #expect(try ZstdDecompressor.decompress(compressed) == Self.corpus)
    }

    @Test func streamingInPiecesMatches() throws {
        let compressor = try ZstdCompressor(level: 3, checksum: true, workers: 2)
        var compressed = [UInt8]()
        var offset = 0
        while offset < Self.corpus.count {
            let end = min(offset + 10_007, Self.corpus.count)
            try compressor.compress(Array(Self.corpus[offset..<end])) { compressed += $0 }
            offset = end
        }
        try compressor.finish { compressed += $0 }

        let decompressor = try ZstdDecompressor()
        var output = [UInt8]()
        for start in stride(from: 0, to: compressed.count, by: 333) {
            try decompressor.decompress(Array(compressed[start..<min(start + 333, compressed.count)])) { output += $0 }
        }
        try decompressor.finish()
        #expect(output == Self.corpus)
        #expect(decompressor.outputByteCount == Self.corpus.count)
    }

    /// Output that is an exact multiple of the decoder's 128 KiB output buffer makes it call zstd
    /// once more after the frame ended; that extra call must not make the frame look unfinished.
    @Test func outputFillingTheBufferExactlyStillFinishes() throws {
        for size in [131_072, 262_144, 3 * 131_072] {
            let input = (0..<size).map { UInt8(truncatingIfNeeded: $0 % 251) }
            let compressed = try ZstdCompressor.compress(input)
            #expect(try ZstdDecompressor.decompress(compressed) == input, "size \(size)")
            // Fed in pieces too: the frame's end may arrive in a call of its own.
            let decoder = try ZstdDecompressor()
            var out: [UInt8] = []
            for start in stride(from: 0, to: compressed.count, by: 1000) {
                try decoder.decompress(Array(compressed[start..<min(compressed.count, start + 1000)])) { out += $0 }
            }
            try decoder.finish()
            #expect(out == input)
        }
    }

    @Test func emptyInputRoundTrips() throws {
        #expect(try ZstdDecompressor.decompress(try ZstdCompressor.compress([UInt8]())).isEmpty)
    }

    @Test func corruptedStreamIsRejected() throws {
        var compressed = try ZstdCompressor.compress(Self.corpus)
        compressed[compressed.count / 2] ^= 0xff
        #expect(throws: CompressionError.self) { try ZstdDecompressor.decompress(compressed) }
        #expect(throws: CompressionError.self) { try ZstdDecompressor.decompress(Array("not zstd at all".utf8)) }
    }

    @Test func checksumCatchesASilentlyWrongByteInTheLastBlock() throws {
        var compressed = try ZstdCompressor.compress([UInt8](repeating: 0x41, count: 10) + Array("tail".utf8), level: 1)
        // Flip one bit of the 4-byte content checksum at the end.
        compressed[compressed.count - 1] ^= 0x01
        #expect(throws: CompressionError.self) { try ZstdDecompressor.decompress(compressed) }
    }

    @Test func truncatedStreamIsRejected() throws {
        let compressed = try ZstdCompressor.compress(Self.corpus)
        #expect(throws: CompressionError.truncated) { try ZstdDecompressor.decompress(Array(compressed.dropLast(5))) }
        #expect(throws: CompressionError.truncated) { try ZstdDecompressor.decompress([UInt8]()) }
    }

    @Test func decompressionBombIsStoppedAtTheOutputLimit() throws {
        // 256 MiB of zeros compress to a few KiB; the limit stops it long before memory is at risk.
        let compressor = try ZstdCompressor(level: 1)
        var bomb = [UInt8]()
        let block = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<256 { try compressor.compress(block) { bomb += $0 } }
        try compressor.finish { bomb += $0 }
        #expect(bomb.count < 64 << 10)

        let decompressor = try ZstdDecompressor(maxOutputBytes: 4 << 20)
        var produced = 0
        #expect(throws: CompressionError.outputLimitExceeded(limit: 4 << 20)) {
            try decompressor.decompress(bomb) { produced += $0.count }
        }
        #expect(produced <= 4 << 20)
    }

    @Test func frameAskingForAHugeWindowIsRefused() throws {
        // A hand-made frame header: magic, descriptor 0x00 (no single segment), window
        // descriptor 0xA0 (2^30 bytes), then one raw last block holding "A".
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0xA0, 0x09, 0x00, 0x00, 0x41]
        #expect(throws: CompressionError.windowTooLarge(maximumLog: 27)) { try ZstdDecompressor.decompress(frame) }
        // The same frame is fine when the caller allows the window.
        #expect(try ZstdDecompressor.decompress(frame, maxWindowLog: 30) == [0x41])
    }

    @Test func invalidLevelIsRejected() {
        #expect(throws: CompressionError.self) { try ZstdCompressor(level: 1000) }
    }
}
