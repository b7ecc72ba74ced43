#if DEBUG || CONET_FUZZ
import Foundation
@testable import ConetCore

/// A packet capture, as `conet inspect --capture FILE --keylog FILE [--hex]` reads one: pcap or
/// pcapng blocks, link and IP layers, TCP reassembly, the relay session in each conversation, and
/// with the key log the records decrypted, named, dumped and any envelope in them decoded. The
/// key log is that of the capture fixtures the seeds come from, so their sessions decrypt.
///
/// The same bytes are also read as a key log, the other file this command parses.
enum CaptureTarget {
    static let target = FuzzTarget(
        name: "capture",
        summary: "a pcap or pcapng file (decoded with the seeds' key log), also read as a key log",
        run: run)

    /// `Tests/ConetCoreTests/Fixtures/relay-session.keylog`: the keys of the sessions in the seeds.
    static let keyLogText = """
        CONET_RELAY_SESSION f61f49a732251066149a5c84343b2bb6fe9fae32290d5576023d64df816cc89b 55742fc21878220e45a35da8f17ad62d228ed3aafbc688137d9c342cb5305cd6 1d67e48cacec6ed859f26bc5c1bb8c05578ff2e542166d033d19d54805cf2a6c
        CONET_RELAY_SESSION ebf3092d2b53a5dbedea882ee179f529c1b140a3b84b2ae4f699d94acd1e3a20 b02109ce1fbdf78831b1ac180b77db4eccccae32787c20c5a7545e3ba5c29702 3bedba3f931fea5a1198c74b77ec52fca7185a3e3fa5e30af1bfde79e9ff39ac
        CONET_RELAY_SESSION ffa672578125c81d6e96d860d89cb5e115edc61fbe05c27e1dd2a18f7964bafe 20930aa9d0cd3f3008f2dfc727ca0acfee449b5fd73fd1ae9f91ee53e7353509 c495176998facb683be0ed67221038526b0d4c0986d50a06e0d2aeb37d243896

        """
    static let keyLog = try! SessionKeyLog.parse(keyLogText)

    static func run(_ input: [UInt8]) {
        _ = try? SessionKeyLog.parse(String(decoding: input, as: UTF8.self))
        guard let capture = try? PacketCapture(bytes: input) else { return }
        // Every conversation, as `inspect --capture --keylog` reports them (JSON and hex)...
        let inspection = CaptureInspection(capture: capture, port: nil, keyLog: keyLog)
        _ = try? JSONEncoder().encode(inspection)
        for session in inspection.sessions {
            for record in session.records {
                let (sealed, plaintext) = AnnotatedHex.record(record)
                _ = sealed.text
                _ = plaintext?.text
            }
        }
        // ...and filtered by the first conversation's port, without keys.
        if let port = inspection.sessions.first.flatMap({ Int($0.relay.split(separator: ":").last ?? "") }) {
            _ = try? JSONEncoder().encode(CaptureInspection(capture: capture, port: port, keyLog: nil))
        }
    }
}
#endif
