import Foundation
@testable import ConetCore

/// Collects what an `EnvelopeWriter` outputs (from its worker thread).
final class ByteCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [UInt8] = []

    func append(_ bytes: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        storage += bytes
    }

    var bytes: [UInt8] {
        lock.lock(); defer { lock.unlock() }
        return storage
    }
}

/// A deterministic byte stream from a seed (BLAKE2b in counter mode), for reproducible messages.
final class SeededRandom {
    private let seed: [UInt8]
    private var counter: UInt64 = 0

    init(seed: String) { self.seed = Array(seed.utf8) }

    func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        while out.count < count {
            counter += 1
            out += try! BLAKE2b.hash(seed + withUnsafeBytes(of: counter.bigEndian, Array.init), outputByteCount: 64)
        }
        return Array(out.prefix(count))
    }
}

enum Envelopes {
    /// Half text-like (compressible), half random, so both compression paths see real data.
    static func content(_ count: Int, seed: String = "content") -> [UInt8] {
        let random = SeededRandom(seed: seed)
        var out: [UInt8] = []
        out.reserveCapacity(count)
        let words = ["conet", "wallet", "relay", "sealed", "message", "layer", "minus", "chunk"].map { Array($0.utf8) }
        while out.count < count {
            let noise = random.bytes(64)
            if noise[0] < 128 {
                for byte in noise.prefix(16) { out += words[Int(byte) % words.count] + [0x20] }
            } else {
                out += noise
            }
        }
        return Array(out.prefix(count))
    }

    static func seal(
        _ content: [UInt8], to recipients: [PublicKey], from sender: PrivateKey,
        options: EnvelopeOptions = EnvelopeOptions(), pieceSize: Int = 50_000
    ) throws -> (bytes: [UInt8], summary: EnvelopeWriter.Summary) {
        let collector = ByteCollector()
        let writer = try EnvelopeWriter(recipients: recipients, sender: sender, options: options) { collector.append($0) }
        var offset = 0
        while offset < content.count {
            let end = min(content.count, offset + pieceSize)
            try writer.write(Array(content[offset..<end]))
            offset = end
        }
        let summary = try writer.finish()
        return (collector.bytes, summary)
    }

    /// Opens `sealed` with `key`; throws `EnvelopeError.notARecipient` when the key has no stanza.
    static func open(_ sealed: [UInt8], with key: PrivateKey) throws -> (content: [UInt8], opened: EnvelopeReader.Opened) {
        let reader = try EnvelopeReader(source: MemorySource(sealed))
        guard try reader.unlock(with: key) else { throw EnvelopeError.notARecipient }
        var content: [UInt8] = []
        let opened = try reader.readPayload { content += $0 }
        return (content, opened)
    }
}
