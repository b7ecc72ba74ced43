#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// The first record of each side of a relay session, in the clear: the relay parses a stranger's
/// client hello, a client (or a relay passing on a layer) parses whatever answered. Both sides
/// then derive the session keys, and the first sealed record is opened with them.
enum RelayHandshakeTarget {
    static let target = FuzzTarget(
        name: "relay-handshake",
        summary: "a client hello or a server hello (then a sealed record) as the relay and the client parse them",
        run: run)

    static let clientHello = RelayHandshake.clientHello(ephemeral: FuzzKeys.client)
    static let serverHello = RelayHandshake.serverHello(
        relay: FuzzKeys.relay.publicKey, ephemeral: FuzzKeys.relayEphemeral, challenge: [UInt8](repeating: 7, count: 32))

    static func run(_ input: [UInt8]) {
        let hello = Array(input.prefix(RelayHandshake.serverHelloByteCount))
        let record = Array(input.dropFirst(RelayHandshake.serverHelloByteCount))
        // The relay's side: the input's first 38 bytes as the client hello.
        let client = Array(input.prefix(RelayHandshake.clientHelloByteCount))
        if let clientKey = try? RelayHandshake.parseClientHello(client) {
            let keys = RelayHandshake.relayKeys(
                relay: FuzzKeys.relay, ephemeral: FuzzKeys.relayEphemeral, clientKey: clientKey, clientHello: client, serverHello: serverHello)
            _ = try? RecordCipher(key: keys.clientToRelay).open(Array(input.dropFirst(RelayHandshake.clientHelloByteCount)))
        }
        // The client's side: the first 103 bytes as the server hello, checked against the relay it
        // meant to reach and against none (a status probe), then the rest as its first record.
        if let parsed = try? RelayHandshake.parseServerHello(hello) {
            _ = parsed.relayKey.address
            _ = RelayHandshake.transcript(clientHello: clientHello, serverHello: hello)
        }
        _ = try? RelayHandshake.clientKeys(ephemeral: FuzzKeys.client, clientHello: clientHello, serverHello: hello, expected: FuzzKeys.relay.address)
        if let keys = try? RelayHandshake.clientKeys(ephemeral: FuzzKeys.client, clientHello: clientHello, serverHello: hello, expected: nil) {
            _ = RelayHandshake.loginMessage(relay: keys.relayKey.address, keys: keys)
            if let plaintext = try? RecordCipher(key: keys.relayToClient).open(record) {
                _ = try? RelayMessage(decoding: plaintext)
            }
        }
    }
}
#endif
