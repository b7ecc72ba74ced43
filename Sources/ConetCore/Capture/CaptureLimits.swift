import Foundation

/// How much of a capture `inspect --capture` holds in memory at once. A capture is someone
/// else's bytes: a lost segment, a hostile sequence number or a million open connections must
/// not make the decoder hold the file. What a limit cuts off is reported as a problem.
public struct CaptureLimits: Sendable {
    /// Stream bytes one direction of a conversation may hold: a record not yet complete, and
    /// segments that arrived ahead of a hole. Past it the hole is taken as final.
    public var bytesPerDirection: Int
    /// Stream bytes all conversations together may hold (the same bytes, plus the first bytes
    /// of envelopes being decoded). The direction that would go past it is ended.
    public var bytesInAll: Int
    /// Bytes a direction may hold while it is not yet known to be a conet session (one that
    /// never shows a hello is other traffic, and need not be kept).
    public var bytesBeforeHello: Int
    /// Conversations followed at once; past it the one idle longest is decoded as far as it
    /// got and its later packets are ignored.
    public var conversations: Int
    /// Conversations remembered after they were let go, so that their late packets (a last
    /// acknowledgement) are ignored instead of counted as new conversations.
    public var retiredConversations: Int

    public init(
        bytesPerDirection: Int = 4 << 20, bytesInAll: Int = 64 << 20, bytesBeforeHello: Int = 256 << 10,
        conversations: Int = 8192, retiredConversations: Int = 65536
    ) {
        self.bytesPerDirection = bytesPerDirection
        self.bytesInAll = bytesInAll
        self.bytesBeforeHello = bytesBeforeHello
        self.conversations = conversations
        self.retiredConversations = retiredConversations
    }

    public static let standard = CaptureLimits()
}

/// The capture-wide allowance of held bytes (`CaptureLimits.bytesInAll`), shared by every
/// direction of every conversation.
final class CaptureMemoryBudget {
    let limit: Int
    private(set) var used = 0
    /// The most ever held at once: what tests check the limits against.
    private(set) var peak = 0

    init(limit: Int) { self.limit = limit }

    /// Takes `count` bytes of the allowance; false (and nothing taken) when it would go past it.
    func take(_ count: Int) -> Bool {
        guard count <= limit - used else { return false }
        used += count
        peak = max(peak, used)
        return true
    }

    func give(_ count: Int) {
        used -= count
    }
}
