import Foundation

/// Where `CaptureDecoder` delivers what it finds, as soon as it finds it: so a report can be
/// written (or spooled) piece by piece instead of held whole.
public protocol CaptureDecodingSink: AnyObject {
    /// A problem with the capture itself (a damaged block, a packet that does not parse).
    func captureProblem(_ problem: CaptureProblem) throws
    /// The next record of the session numbered `session`; a session's records arrive in the
    /// order the capture completes them, which is time order for a capture in time order.
    func record(_ record: CapturedRelaySession.Record, session: Int) throws
    /// The session numbered `session` is complete: its handshake fields and problems (its
    /// records were delivered before). Numbers grow in the order the sessions' first packets
    /// came (with gaps: other conversations take numbers too), which is the order a report
    /// lists sessions in; sessions end in any order.
    func sessionEnded(_ session: CapturedRelaySession, session number: Int) throws
}
