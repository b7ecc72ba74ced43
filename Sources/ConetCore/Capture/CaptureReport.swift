import Foundation

/// The report of `conet inspect --capture`, written as the capture is decoded: each record is
/// rendered (JSON, a text line, or a text line with its annotated dump) the moment it arrives and
/// its bytes let go; the rendered pieces wait in a `CaptureSpool` until the capture's end, when
/// the report is written in its order (summary, problems, then each session whole, in the order
/// sessions began). The JSON is byte for byte what `JSONEncoder` with sorted keys makes of a
/// `CaptureInspection`, without the capture ever being held.
public final class CaptureReport: CaptureDecodingSink {
    public enum Style: Sendable {
        case json
        /// Human text; `hex` adds each record's annotated dump.
        case text(hex: Bool)
    }

    /// A session still receiving records.
    private struct OpenSession {
        var records = CaptureSpool.Chain()
        var count = 0
        /// The first record's time: text shows times from it.
        var start = 0.0
    }

    private let style: Style
    private let spool: CaptureSpool
    private let index: CaptureSessionIndex
    private let encoder = JSONEncoder()
    private var problems = CaptureSpool.Chain()
    private var problemCount = 0
    private var open: [Int: OpenSession] = [:]
    private var sessionCount = 0

    public init(style: Style) throws {
        self.style = style
        spool = try CaptureSpool()
        index = try CaptureSessionIndex()
        // As `conet --json` prints everything.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// Decodes the capture `source` holds, then writes the report to `output`.
    public static func write(
        capture source: ByteSource, port: Int?, keyLog: [String: SessionKeyLog.Entry]?, style: Style,
        limits: CaptureLimits = .standard, to output: BufferedOutput
    ) throws {
        let reader = try PacketCaptureReader(source: source)
        let report = try CaptureReport(style: style)
        let summary = try CaptureDecoder(port: port, keyLog: keyLog, limits: limits, sink: report).decode(reader)
        try report.write(format: reader.format, summary: summary, to: output)
    }

    // MARK: sink

    public func captureProblem(_ problem: CaptureProblem) throws {
        switch style {
        case .json: try spool.append(Array((problemCount > 0 ? "," : "").utf8) + (try encoder.encode(problem)), to: &problems)
        case .text: try spool.append(Array("problem: \(problem.message)\n".utf8), to: &problems)
        }
        problemCount += 1
    }

    public func record(_ record: CapturedRelaySession.Record, session: Int) throws {
        var state = open[session] ?? OpenSession(start: record.time)
        let piece: [UInt8]
        switch style {
        case .json: piece = Array((state.count > 0 ? "," : "").utf8) + (try encoder.encode(record))
        case .text(let hex): piece = Array(Self.text(record, start: state.start, hex: hex).utf8)
        }
        try spool.append(piece, to: &state.records)
        state.count += 1
        open[session] = state
    }

    public func sessionEnded(_ session: CapturedRelaySession, session number: Int) throws {
        var chain = open.removeValue(forKey: number)?.records ?? CaptureSpool.Chain()
        switch style {
        case .json:
            // The session's own JSON, split where its (empty) records go.
            let whole = try encoder.encode(session)
            let (head, tail) = try Self.split(whole, at: "\"records\":[]")
            try spool.prepend(head + Array("\"records\":[".utf8), to: &chain)
            try spool.append(Array("]".utf8) + tail, to: &chain)
        case .text:
            let line = "client \(session.client) → relay \(session.relay)" + (session.relayAddress.map { " (\($0))" } ?? "")
                + (session.decrypted ? ", decrypted" : ", sealed") + "\n"
            try spool.prepend(Array(line.utf8), to: &chain)
            if !session.problems.isEmpty {
                try spool.append(Array(session.problems.map { "  problem: \($0.message)\n" }.joined().utf8), to: &chain)
            }
        }
        try index.set(chain.first, for: number)
        sessionCount += 1
    }

    // MARK: the report

    /// Writes the whole report, once the decoder finished.
    public func write(format: PacketCapture.Format, summary: CaptureDecoder.Summary, to output: BufferedOutput) throws {
        switch style {
        case .json:
            let outline = try encoder.encode(CaptureInspection(format: format, summary: summary))
            let (beforeProblems, rest) = try Self.split(outline, at: "\"problems\":[]")
            let (between, end) = try Self.split(rest, at: "\"sessions\":[]")
            try output.write(beforeProblems + Array("\"problems\":[".utf8))
            try spool.read(problems) { try output.write($0) }
            try output.write(Array("]".utf8) + between + Array("\"sessions\":[".utf8))
            var first = true
            try index.forEach { offset in
                if !first { try output.write(",".utf8) }
                first = false
                try spool.read(startingAt: offset) { try output.write($0) }
            }
            try output.write(Array("]".utf8) + end + [0x0A])
        case .text:
            let links = summary.linkTypes.map { "\($0) (\(TCPSegment.supportedLinkTypes[$0] ?? "unsupported"))" }.joined(separator: ", ")
            try output.write("\(format.rawValue) capture: \(summary.packets) packets, link type \(links.isEmpty ? "none" : links); "
                + "\(sessionCount) conet session(s), \(summary.otherConversations) other TCP conversation(s)\n")
            try spool.read(problems) { try output.write($0) }
            var number = 0
            try index.forEach { offset in
                number += 1
                try output.write("\nsession \(number): ")
                try spool.read(startingAt: offset) { try output.write($0) }
            }
        }
        try output.flush()
    }

    /// A record's text: its line (time from the session's first record, sender, kind, size,
    /// command and summary), the envelope it completes, and with `hex` its annotated dumps.
    static func text(_ record: CapturedRelaySession.Record, start: Double, hex: Bool) -> String {
        let who = "\(record.from) #\(record.index)"
        let head = String(format: "  +%.6f s  ", record.time - start) + who.padding(toLength: max(11, who.count + 1), withPad: " ", startingAt: 0)
            + record.kind.padding(toLength: 7, withPad: " ", startingAt: 0) + String(format: "%7ld bytes", record.size)
        var lines = [head + (record.command.map { "  \($0)" } ?? "") + (record.summary.map { "  \(oneLine($0))" } ?? "")]
        if let envelope = record.envelope {
            lines.append("      envelope: id \(envelope.messageId), \(envelope.recipients.count) recipient(s)"
                + "\(envelope.hiddenRecipients ? " (hidden)" : ": " + envelope.recipients.compactMap(\.address).joined(separator: ", ")), "
                + "created \(envelope.created), \(envelope.chunks) chunks, \(envelope.sizes.input) bytes")
        }
        if hex {
            let dumps = AnnotatedHex.record(record)
            lines += dumps.sealed.fields.flatMap { $0.text.split(separator: "\n").map { "      " + $0 } }
            if let plaintext = dumps.plaintext {
                lines.append("      decrypted:")
                lines += plaintext.fields.flatMap { $0.text.split(separator: "\n").map { "      " + $0 } }
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Multi-line summaries (pretty-printed JSON) on one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    /// `bytes` before and after the one place `marker` stands.
    private static func split(_ bytes: Data, at marker: String) throws -> (before: [UInt8], after: [UInt8]) {
        let bytes = [UInt8](bytes), marker = Array(marker.utf8)
        guard let at = bytes.indices.dropLast(marker.count - 1).first(where: { bytes[$0..<($0 + marker.count)].elementsEqual(marker) }) else {
            throw FileError.io("the report's JSON has no \(String(decoding: marker, as: UTF8.self))")  // cannot happen: the encoder writes it
        }
        return (Array(bytes[..<at]), Array(bytes[(at + marker.count)...]))
    }

    private static func split(_ bytes: [UInt8], at marker: String) throws -> (before: [UInt8], after: [UInt8]) {
        try split(Data(bytes), at: marker)
    }
}
