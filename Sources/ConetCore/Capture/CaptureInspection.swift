import Foundation

/// What `conet inspect --capture` reports: the capture file, the conet relay sessions in it, and
/// every problem met on the way (each naming its packet), after which decoding went on.
public struct CaptureInspection: Encodable, Sendable {
    public let format: PacketCapture.Format
    public let packets: Int
    public let linkTypes: [UInt32]
    public let sessions: [CapturedRelaySession]
    /// TCP conversations that are not conet sessions, or not on `--port`.
    public let otherConversations: Int
    public let problems: [CaptureProblem]

    /// - Parameters:
    ///   - port: only conversations with this port on either side.
    ///   - keyLog: session keys by transcript; nil leaves every record sealed.
    public init(capture: PacketCapture, port: Int?, keyLog: [String: SessionKeyLog.Entry]?) {
        format = capture.format
        packets = capture.packets.count
        linkTypes = Array(Set(capture.packets.map(\.linkType))).sorted()
        var problems = capture.problems
        var segments: [TCPSegment] = []
        var unsupported: Set<UInt32> = []
        for packet in capture.packets {
            switch TCPSegment.parse(packet) {
            case .success(let segment?): segments.append(segment)
            case .success(nil): continue
            case .failure(let problem):
                // One line per unsupported link type, not one per packet.
                if TCPSegment.supportedLinkTypes[packet.linkType] == nil {
                    if unsupported.insert(packet.linkType).inserted { problems.append(problem) }
                } else {
                    problems.append(problem)
                }
            }
        }
        var sessions: [CapturedRelaySession] = []
        var others = 0
        for conversation in TCPConversation.assemble(segments) {
            if let port, conversation.client.port != port, conversation.server.port != port {
                others += 1
            } else if let session = CapturedRelaySession.decode(conversation, keyLog: keyLog) {
                sessions.append(session)
            } else {
                others += 1
            }
        }
        self.sessions = sessions
        otherConversations = others
        self.problems = problems
    }
}
