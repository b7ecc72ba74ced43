import Crypto
import Foundation

/// The session handshake: the client sends an ephemeral key, the relay answers with its wallet key,
/// an ephemeral key and a fresh challenge. Both sides mix ECDH(client ephemeral, relay wallet) and
/// ECDH(client ephemeral, relay ephemeral) with the transcript hash into one key per direction, so
/// only the holder of the relay's wallet key can read or answer, and a later theft of that key
/// does not open recorded sessions (docs/PROTOCOL.md §5.2).
public enum RelayHandshake {
    public static let magic: [UInt8] = Array("CNRL".utf8)
    public static let version: UInt8 = 1
    public static let clientHelloByteCount = 4 + 1 + 33
    public static let serverHelloByteCount = 4 + 1 + 33 + 33 + 32
    static let transcriptLabel = Array("conet/v1 relay handshake".utf8)
    static let clientToRelayLabel = Array("conet/v1 relay client to relay".utf8)
    static let relayToClientLabel = Array("conet/v1 relay relay to client".utf8)
    static let loginLabel = Array("conet relay login v1\n".utf8)

    /// What both sides know once the handshake is done.
    public struct Keys: Sendable {
        public let clientToRelay: SecretBytes
        public let relayToClient: SecretBytes
        /// SHA-256 of both hellos; a mailbox login signs it.
        public let transcript: [UInt8]
        public let challenge: [UInt8]
        public let relayKey: PublicKey
    }

    public static func clientHello(ephemeral: PrivateKey) -> [UInt8] {
        magic + [version] + ephemeral.publicKey.compressed
    }

    /// Parses a client hello: the client's ephemeral public key.
    public static func parseClientHello(_ bytes: [UInt8]) throws(RelayError) -> PublicKey {
        guard bytes.count == clientHelloByteCount, Array(bytes[0..<4]) == magic else {
            throw .protocolViolation("not a conet relay client hello")
        }
        guard bytes[4] == version else { throw .protocolViolation("relay protocol version \(bytes[4]) is not supported") }
        guard let key = try? PublicKey(bytes: Array(bytes[5...])) else { throw .protocolViolation("the client key is not a secp256k1 point") }
        return key
    }

    public static func serverHello(relay: PublicKey, ephemeral: PrivateKey, challenge: [UInt8]) -> [UInt8] {
        magic + [version] + relay.compressed + ephemeral.publicKey.compressed + challenge
    }

    /// Relay side: keys from its wallet key, its ephemeral key and both hellos.
    public static func relayKeys(
        relay: PrivateKey, ephemeral: PrivateKey, clientKey: PublicKey, clientHello: [UInt8], serverHello: [UInt8]
    ) -> Keys {
        keys(
            es: relay.sharedSecret(with: clientKey), ee: ephemeral.sharedSecret(with: clientKey),
            clientHello: clientHello, serverHello: serverHello, relayKey: relay.publicKey)
    }

    /// Parses a server hello: the relay's wallet key, its ephemeral key and its challenge.
    public static func parseServerHello(_ serverHello: [UInt8]) throws(RelayError) -> (relayKey: PublicKey, ephemeral: PublicKey, challenge: [UInt8]) {
        guard serverHello.count == serverHelloByteCount, Array(serverHello[0..<4]) == magic else {
            throw .protocolViolation("not a conet relay server hello")
        }
        guard serverHello[4] == version else { throw .protocolViolation("relay protocol version \(serverHello[4]) is not supported") }
        guard let relayKey = try? PublicKey(bytes: Array(serverHello[5..<38])),
              let relayEphemeral = try? PublicKey(bytes: Array(serverHello[38..<71]))
        else { throw .protocolViolation("the relay sent an invalid public key") }
        return (relayKey, relayEphemeral, Array(serverHello.suffix(32)))
    }

    /// The handshake hash both hellos determine: it names the session in a key log.
    public static func transcript(clientHello: [UInt8], serverHello: [UInt8]) -> [UInt8] {
        var hash = SHA256()
        hash.update(data: transcriptLabel)
        hash.update(data: clientHello)
        hash.update(data: serverHello)
        return Array(hash.finalize())
    }

    /// Client side: checks who answered and derives the keys.
    /// - Parameter expected: the relay address the client meant to reach (nil: accept any, for status probes).
    public static func clientKeys(
        ephemeral: PrivateKey, clientHello: [UInt8], serverHello: [UInt8], expected: Address?
    ) throws(RelayError) -> Keys {
        let (relayKey, relayEphemeral, _) = try parseServerHello(serverHello)
        if let expected, relayKey.address != expected { throw .wrongRelay(expected: expected, actual: relayKey.address) }
        return keys(
            es: ephemeral.sharedSecret(with: relayKey), ee: ephemeral.sharedSecret(with: relayEphemeral),
            clientHello: clientHello, serverHello: serverHello, relayKey: relayKey)
    }

    /// The bytes a wallet signs (EIP-191) to log in to its mailbox on this session.
    public static func loginMessage(relay: Address, keys: Keys) -> [UInt8] {
        loginLabel + relay.bytes + keys.challenge + keys.transcript
    }

    private static func keys(
        es: SecretBytes, ee: SecretBytes, clientHello: [UInt8], serverHello: [UInt8], relayKey: PublicKey
    ) -> Keys {
        let transcript = transcript(clientHello: clientHello, serverHello: serverHello)
        let secret = SecretBytes(count: 64) { buffer in
            es.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 32) }
            ee.withUnsafeBytes { (buffer.baseAddress! + 32).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        }
        func derive(_ label: [UInt8]) -> SecretBytes {
            var digest = try! BLAKE2b.hash(label + transcript, outputByteCount: 32, key: secret)
            defer { Memory.wipe(&digest) }
            return SecretBytes(digest)
        }
        return Keys(
            clientToRelay: derive(clientToRelayLabel), relayToClient: derive(relayToClientLabel), transcript: transcript,
            challenge: Array(serverHello.suffix(32)), relayKey: relayKey)
    }
}

/// Seals or opens the records of one direction: XChaCha20-Poly1305 with the record number as the
/// nonce, so a replayed, dropped or reordered record fails to open and ends the session.
public final class RecordCipher: @unchecked Sendable {
    private let key: SecretBytes
    private var counter: UInt64 = 0

    public init(key: SecretBytes) { self.key = key }

    private func nextNonce() -> [UInt8] {
        defer { counter += 1 }
        return [UInt8](repeating: 0, count: 16) + BigEndian.bytes(counter)
    }

    public func seal(_ plaintext: [UInt8]) -> [UInt8] {
        try! XChaCha20Poly1305.seal(plaintext, key: key, nonce: nextNonce())
    }

    public func open(_ sealed: [UInt8]) throws(RelayError) -> [UInt8] {
        do { return try XChaCha20Poly1305.open(sealed, key: key, nonce: nextNonce()) } catch { throw .recordAltered }
    }
}
