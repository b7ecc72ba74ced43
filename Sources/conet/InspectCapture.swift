import ConetCore
import Foundation

/// `conet inspect --capture`: conet relay sessions in a pcap or pcapng file.
extension Inspect {
    func inspectCapture(_ path: String) throws {
        let bytes = [UInt8](try Input.read(path, limit: PacketCapture.maxFileBytes, what: "the capture"))
        let keys = try keylog.map { path -> [String: SessionKeyLog.Entry] in
            let text = String(decoding: try Input.read(path, limit: 64 << 20, what: "the key log"), as: UTF8.self)
            do { return try SessionKeyLog.parse(text) } catch { throw CommandError(.invalidInput, "\(path): \(error.localizedDescription)") }
        }
        let capture: PacketCapture
        do { capture = try PacketCapture(bytes: bytes) } catch { throw CommandError(.invalidInput, "\(path) is \(error.localizedDescription)") }
        let inspection = CaptureInspection(capture: capture, port: port, keyLog: keys)
        if json.json { try Output.printJSON(inspection) } else { print(Self.text(inspection, hex: hex)) }
    }

    /// Multi-line summaries (pretty-printed JSON) on one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    static func text(_ info: CaptureInspection, hex: Bool) -> String {
        let links = info.linkTypes.map { "\($0) (\(TCPSegment.supportedLinkTypes[$0] ?? "unsupported"))" }.joined(separator: ", ")
        var lines = ["\(info.format.rawValue) capture: \(info.packets) packets, link type \(links.isEmpty ? "none" : links); "
            + "\(info.sessions.count) conet session(s), \(info.otherConversations) other TCP conversation(s)"]
        for problem in info.problems { lines.append("problem: \(problem.message)") }
        for (number, session) in info.sessions.enumerated() {
            lines.append("")
            lines.append("session \(number + 1): client \(session.client) → relay \(session.relay)"
                + (session.relayAddress.map { " (\($0))" } ?? "") + (session.decrypted ? ", decrypted" : ", sealed"))
            let start = session.records.first?.time ?? 0
            for record in session.records {
                let who = "\(record.from) #\(record.index)".padding(toLength: 11, withPad: " ", startingAt: 0)
                let head = String(format: "  +%.6f s  ", record.time - start) + who + record.kind.padding(toLength: 7, withPad: " ", startingAt: 0)
                    + String(format: "%7d bytes", record.size)
                lines.append(head + (record.command.map { "  \($0)" } ?? "") + (record.summary.map { "  \(Self.oneLine($0))" } ?? ""))
                if let envelope = record.envelope {
                    lines.append("      envelope: id \(envelope.messageId), \(envelope.recipients.count) recipient(s)"
                        + "\(envelope.hiddenRecipients ? " (hidden)" : ": " + envelope.recipients.compactMap(\.address).joined(separator: ", ")), "
                        + "created \(envelope.created), \(envelope.chunks) chunks, \(envelope.sizes.input) bytes")
                }
                if hex {
                    let dumps = AnnotatedHex.record(record)
                    lines.append(dumps.sealed.text.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
                    if let plaintext = dumps.plaintext {
                        lines.append("      decrypted:")
                        lines.append(plaintext.text.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
                    }
                }
            }
            for problem in session.problems { lines.append("  problem: \(problem.message)") }
        }
        return lines.joined(separator: "\n")
    }
}
