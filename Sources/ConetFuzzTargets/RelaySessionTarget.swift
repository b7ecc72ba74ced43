#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// A relay session driven in-process by a script of client messages: the handshake, then each
/// message the script holds, decoded first (`RelayMessage`) and sealed as a real client seals
/// it, then the relay's answers opened and decoded as a client would. This reaches what the relay
/// does with requests — logins, whole and streamed deposits with their header, date, stamp and
/// quota checks, onion layers addressed to the relay, listings, fetches, acknowledgements,
/// subscriptions, cards — through its own session code (`RelaySession`) on a NIO event loop,
/// with an in-memory store emptied before each input (see `RelaySessionHarness`).
///
/// Input: one option byte (bit 0: the relay asks anonymous deposits for an 8-bit stamp; bit 1:
/// tiny limits: 2 KiB messages, 2 per mailbox, 8 KiB in all), then steps, each a byte:
/// - 0: log in as `FuzzKeys.owner` (the harness signs the session's challenge);
/// - 1: a message: a 16-bit length and that many bytes, sent if they decode as a message;
/// - 2, 3, 6: fetch, acknowledge, list after the message id of the n-th envelope deposited so far
///   (next byte n);
/// - 4: log in with a signature by the wrong key;
/// - 5: a record that does not open (the relay must end the session).
///
/// Checked: the relay's hello proves its address, every record it sends opens and decodes, it
/// never answers more often than it was asked, and a fetched message arrives as announced (its
/// data adds up to the size given).
enum RelaySessionTarget {
    static let target = FuzzTarget(
        name: "relay-session",
        summary: "an option byte and a script of client messages for one relay session, run in-process",
        run: run)

    /// Steps beyond this are ignored: a session's work per input stays small.
    static let maxSteps = 64

    enum Step {
        case login
        case message(RelayMessage)
        case fetch(Int)
        case acknowledge(Int)
        case listAfter(Int)
        case wrongLogin
        case garbage([UInt8])
    }

    static func run(_ input: [UInt8]) {
        var reader = FuzzReader(input)
        let options = reader.byte()
        var steps: [Step] = []
        while !reader.isAtEnd && steps.count < maxSteps {
            switch reader.byte() % 7 {
            case 0: steps.append(.login)
            case 1:
                let bytes = reader.take(reader.uint16())
                if let message = try? RelayMessage(decoding: bytes) { steps.append(.message(message)) }
            case 2: steps.append(.fetch(Int(reader.byte())))
            case 3: steps.append(.acknowledge(Int(reader.byte())))
            case 4: steps.append(.wrongLogin)
            case 5: steps.append(.garbage(reader.take(Int(reader.byte()))))
            default: steps.append(.listAfter(Int(reader.byte())))
            }
        }
        RelaySessionHarness.shared.run(steps, stamps: options & 1 != 0, tinyLimits: options & 2 != 0)
    }
}
#endif
