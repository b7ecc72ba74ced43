import Foundation

/// What `conet inspect --capture` reports, held whole: the capture file, the conet relay sessions
/// in it with every record, and every problem met on the way (each naming its packet), after
/// which decoding went on. For captures that fit in memory (tests, fuzzing); the command itself
/// writes the same report as it decodes (`CaptureReport`), whatever the capture's size.
public struct CaptureInspection: Encodable, Sendable {
    public let format: PacketCapture.Format
    public let packets: Int
    public let linkTypes: [UInt32]
    public let sessions: [CapturedRelaySession]
    /// TCP conversations that are not conet sessions, or not on `--port`.
    public let otherConversations: Int
    public let problems: [CaptureProblem]

    /// Decodes a capture read whole.
    /// - Parameters:
    ///   - port: only conversations with this port on either side.
    ///   - keyLog: session keys by transcript; nil leaves every record sealed.
    public init(capture: PacketCapture, port: Int?, keyLog: [String: SessionKeyLog.Entry]?, limits: CaptureLimits = .standard) {
        let collector = Collector()
        let decoder = CaptureDecoder(port: port, keyLog: keyLog, limits: limits, sink: collector)
        // The collector never throws, so neither does the decoder.
        for problem in capture.problems { try! decoder.add(problem) }
        for packet in capture.packets { try! decoder.add(packet) }
        self.init(format: capture.format, summary: try! decoder.finish(), collector: collector)
    }

    /// Decodes a capture from `source` as it streams in, keeping everything found.
    public init(source: ByteSource, port: Int?, keyLog: [String: SessionKeyLog.Entry]?, limits: CaptureLimits = .standard) throws {
        let reader = try PacketCaptureReader(source: source)
        let collector = Collector()
        let summary = try CaptureDecoder(port: port, keyLog: keyLog, limits: limits, sink: collector).decode(reader)
        self.init(format: reader.format, summary: summary, collector: collector)
    }

    private init(format: PacketCapture.Format, summary: CaptureDecoder.Summary, collector: Collector) {
        self.format = format
        packets = summary.packets
        linkTypes = summary.linkTypes
        otherConversations = summary.otherConversations
        problems = collector.problems
        sessions = collector.sessions.sorted { $0.key < $1.key }.map(\.value)
    }

    /// The outline of a report: the capture's figures, no problems, no sessions (which
    /// `CaptureReport` writes in their places).
    init(format: PacketCapture.Format, summary: CaptureDecoder.Summary) {
        self.format = format
        packets = summary.packets
        linkTypes = summary.linkTypes
        otherConversations = summary.otherConversations
        problems = []
        sessions = []
    }

    /// Keeps whatever the decoder delivers.
    private final class Collector: CaptureDecodingSink {
        var problems: [CaptureProblem] = []
        var records: [Int: [CapturedRelaySession.Record]] = [:]
        var sessions: [Int: CapturedRelaySession] = [:]

        func captureProblem(_ problem: CaptureProblem) { problems.append(problem) }

        func record(_ record: CapturedRelaySession.Record, session: Int) { records[session, default: []].append(record) }

        func sessionEnded(_ session: CapturedRelaySession, session number: Int) {
            var session = session
            session.records = records.removeValue(forKey: number) ?? []
            sessions[number] = session
        }
    }
}
