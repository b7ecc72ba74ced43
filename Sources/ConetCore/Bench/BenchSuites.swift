import Foundation
internal import CSecp256k1
internal import CSodium

/// The benchmark suites. Each primitive is also timed as a direct call into its C library, so the
/// printed ratio is the cost of conet's Swift layer.
public enum BenchSuites {
    public static let all = ["keys", "hash", "aead", "zstd", "envelope", "relay", "onion"]

    /// Runs one suite. `corpus` replaces the built-in mixed corpus of the zstd suite.
    public static func run(_ suite: String, stopwatch: Stopwatch, corpus: [UInt8]? = nil) throws -> [BenchFigure] {
        switch suite {
        case "keys": return try keys(stopwatch)
        case "hash": return try hash(stopwatch)
        case "aead": return try aead(stopwatch)
        case "zstd": return try zstd(stopwatch, corpus: corpus ?? BenchCorpus.mixed(count: 8 << 20))
        case "envelope": return try envelope(stopwatch)
        case "relay": return try relay(stopwatch)
        case "onion": return try onion(stopwatch)
        default: throw CryptoError.unsupportedParameter("unknown benchmark suite '\(suite)' (known: \(all.joined(separator: ", ")))")
        }
    }

    static func keys(_ watch: Stopwatch) throws -> [BenchFigure] {
        let context = Secp256k1Context.shared.pointer
        let key = PrivateKey.generate()
        let peer = PrivateKey.generate().publicKey
        let digest = SecureRandom.bytes(32)
        let signature = try key.sign(digest: digest)
        let scalar = key.secret.unsafeCopy()
        var parsedPeer = peer.parsed
        var rawSignature = secp256k1_ecdsa_recoverable_signature()
        _ = secp256k1_ecdsa_recoverable_signature_parse_compact(context, &rawSignature, signature.bytes, Int32(signature.recoveryID))
        return [
            try watch.measure(suite: "keys", name: "generate", unit: "ops/s", direct: {
                var scalar = SecureRandom.bytes(32)
                var point = secp256k1_pubkey()
                _ = secp256k1_ec_seckey_verify(context, scalar)
                _ = secp256k1_ec_pubkey_create(context, &point, scalar)
                Memory.wipe(&scalar)
                return 1
            }) { _ = PrivateKey.generate(); return 1 },
            try watch.measure(suite: "keys", name: "sign", unit: "ops/s", direct: {
                var out = secp256k1_ecdsa_recoverable_signature()
                _ = secp256k1_ecdsa_sign_recoverable(context, &out, digest, scalar, secp256k1_nonce_function_rfc6979, nil)
                return 1
            }) { _ = try key.sign(digest: digest); return 1 },
            try watch.measure(suite: "keys", name: "verify", unit: "ops/s", direct: {
                var plain = secp256k1_ecdsa_signature()
                _ = secp256k1_ecdsa_recoverable_signature_convert(context, &plain, &rawSignature)
                _ = secp256k1_ecdsa_verify(context, &plain, digest, &parsedPeer)
                return 1
            }) { _ = key.publicKey.isValidSignature(signature, digest: digest); return 1 },
            try watch.measure(suite: "keys", name: "recover", unit: "ops/s", direct: {
                var out = secp256k1_pubkey()
                _ = secp256k1_ecdsa_recover(context, &out, &rawSignature, digest)
                return 1
            }) { _ = try signature.recoverPublicKey(digest: digest); return 1 },
            try watch.measure(suite: "keys", name: "ecdh", unit: "ops/s", direct: {
                var out = [UInt8](repeating: 0, count: 32)
                _ = secp256k1_ecdh(context, &out, &parsedPeer, scalar, nil, nil)
                return 1
            }) { _ = key.sharedSecret(with: peer); return 1 },
        ]
    }

    static func hash(_ watch: Stopwatch) throws -> [BenchFigure] {
        let small = SecureRandom.bytes(64), large = SecureRandom.bytes(1 << 20)
        var out = [UInt8](repeating: 0, count: 32)
        return [
            try watch.measure(suite: "hash", name: "keccak256 64 B", unit: "ops/s") { _ = Keccak256.hash(small); return 1 },
            try watch.measure(suite: "hash", name: "keccak256 1 MiB", unit: "MB/s", scale: 1e-6) { _ = Keccak256.hash(large); return large.count },
            try watch.measure(suite: "hash", name: "blake2b-256 1 MiB", unit: "MB/s", scale: 1e-6, direct: {
                _ = crypto_generichash(&out, 32, large, UInt64(large.count), nil, 0)
                return large.count
            }) { _ = try BLAKE2b.hash(large); return large.count },
        ]
    }

    static func aead(_ watch: Stopwatch) throws -> [BenchFigure] {
        let key = SecureRandom.bytes(32), nonce = SecureRandom.bytes(24)
        var figures: [BenchFigure] = []
        for size in [1024, 64 * 1024, 1 << 20] {
            let message = SecureRandom.bytes(size)
            var out = [UInt8](repeating: 0, count: size + 16)
            var length: UInt64 = 0
            figures.append(try watch.measure(suite: "aead", name: "xchacha20-poly1305 \(label(size))", unit: "MB/s", scale: 1e-6, direct: {
                _ = crypto_aead_xchacha20poly1305_ietf_encrypt(&out, &length, message, UInt64(size), nil, 0, nil, nonce, key)
                return size
            }) { _ = try XChaCha20Poly1305.seal(message, key: key, nonce: nonce); return size })
            let stream = try SecretStreamEncryptor(key: key)
            var state = crypto_secretstream_xchacha20poly1305_state()
            var header = [UInt8](repeating: 0, count: 24)
            _ = crypto_secretstream_xchacha20poly1305_init_push(&state, &header, key)
            var sealed = [UInt8](repeating: 0, count: size + 17)
            var figure = try watch.measure(suite: "aead", name: "secretstream \(label(size))", unit: "MB/s", scale: 1e-6, direct: {
                _ = crypto_secretstream_xchacha20poly1305_push(&state, &sealed, nil, message, UInt64(size), nil, 0, 0)
                return size
            }) { _ = stream.push(message); return size }
            if SecretStreamChunk.takes(messageByteCount: size) {
                figure.note = "fused cipher, same bytes as libsodium (PROTOCOL §4.3)"
            }
            figures.append(figure)
        }
        return figures
    }

    static func zstd(_ watch: Stopwatch, corpus: [UInt8]) throws -> [BenchFigure] {
        var figures: [BenchFigure] = []
        for level in [1, 3, 9] {
            let compressed = try ZstdCompressor.compress(corpus, level: level)
            figures.append(try watch.measure(suite: "zstd", name: "compress level \(level)", unit: "MB/s", scale: 1e-6) {
                _ = try ZstdCompressor.compress(corpus, level: level)
                return corpus.count
            })
            var decompress = try watch.measure(suite: "zstd", name: "decompress level \(level)", unit: "MB/s", scale: 1e-6) {
                _ = try ZstdDecompressor.decompress(compressed)
                return corpus.count
            }
            decompress.note = String(format: "ratio %.3f", Double(compressed.count) / Double(max(1, corpus.count)))
            figures.append(decompress)
        }
        return figures
    }

    static func envelope(_ watch: Stopwatch) throws -> [BenchFigure] {
        let sender = PrivateKey.generate()
        let recipients = (0..<5).map { _ in PrivateKey.generate() }
        var figures: [BenchFigure] = []
        for (count, size, unit) in [(1, 1024, "ops/s"), (5, 1024, "ops/s"), (1, 1 << 20, "MB/s"), (1, 64 << 20, "MB/s")] {
            let content = BenchCorpus.mixed(count: size)
            let scale = unit == "MB/s" ? 1e-6 : 1
            let keys = recipients.prefix(count).map(\.publicKey)
            let units = unit == "MB/s" ? size : 1
            let sealed = try BenchCorpus.seal(content, to: keys, from: sender)
            figures.append(try watch.measure(suite: "envelope", name: "seal \(label(size)), \(count) recipient(s)", unit: unit, scale: scale) {
                _ = try BenchCorpus.seal(content, to: keys, from: sender)
                return units
            })
            figures.append(try watch.measure(suite: "envelope", name: "open \(label(size)), \(count) recipient(s)", unit: unit, scale: scale) {
                let reader = try EnvelopeReader(source: MemorySource(sealed))
                _ = try reader.unlock(with: recipients[count - 1])
                _ = try reader.readPayload { _ in }
                return units
            })
        }
        return figures
    }

    static func label(_ size: Int) -> String {
        size >= 1 << 20 ? "\(size >> 20) MiB" : size >= 1024 ? "\(size >> 10) KiB" : "\(size) B"
    }
}

/// Deterministic benchmark input: text-like runs and noise, so compression has real work.
enum BenchCorpus {
    static func mixed(count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var out = [UInt8]()
        out.reserveCapacity(count)
        let words = ["conet", "wallet", "relay", "sealed", "message", "layer", "minus", "chunk", "\n"].map { Array($0.utf8) }
        while out.count < count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            if state >> 62 == 0 {
                for _ in 0..<8 {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    out += withUnsafeBytes(of: state) { Array($0) }
                }
            } else {
                out += words[Int(state >> 33) % words.count] + [0x20]
            }
        }
        return Array(out.prefix(count))
    }

    final class Sink: @unchecked Sendable {
        var bytes: [UInt8] = []
    }

    static func seal(_ content: [UInt8], to keys: [PublicKey], from sender: PrivateKey) throws -> [UInt8] {
        let sink = Sink()
        let writer = try EnvelopeWriter(recipients: keys, sender: sender) { sink.bytes += $0 }
        try writer.write(content)
        _ = try writer.finish()
        return sink.bytes
    }
}
