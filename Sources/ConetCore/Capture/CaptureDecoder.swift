import Foundation

/// Finds the conet relay sessions in a capture as its packets stream by: each packet's TCP
/// segment goes to its conversation, which decodes what it completes and hands records to the
/// sink at once. Memory is bounded by `CaptureLimits`, not by the capture's size: conversations
/// that turn out to be other traffic are let go (and remembered, so their late packets are not
/// counted again), and past `conversations` open at once the one idle longest is finished early.
public final class CaptureDecoder {
    /// What the capture as a whole showed, once every packet went through.
    public struct Summary: Sendable {
        public let packets: Int
        public let linkTypes: [UInt32]
        /// TCP conversations that are not conet sessions, or not on the port asked for.
        public let otherConversations: Int
    }

    private let port: Int?
    private let limits: CaptureLimits
    private let budget: CaptureMemoryBudget
    private let sink: CaptureDecodingSink
    private let context: CapturedConversation.Context
    private var conversations: [ConversationKey: CapturedConversation] = [:]
    /// Conversations let go, oldest first, and the same as a set.
    private var retiredOrder: [ConversationKey] = []
    private var retiredHead = 0
    private var retired: Set<ConversationKey> = []
    private var nextNumber = 0
    private var packets = 0
    private var linkTypes: Set<UInt32> = []
    private var unsupportedLinkTypes: Set<UInt32> = []
    private var others = 0
    private var evictionReported = false

    /// - Parameters:
    ///   - port: only conversations with this port on either side.
    ///   - keyLog: session keys by transcript; nil leaves every record sealed.
    public init(port: Int?, keyLog: [String: SessionKeyLog.Entry]?, limits: CaptureLimits = .standard, sink: CaptureDecodingSink) {
        self.port = port
        self.limits = limits
        self.sink = sink
        budget = CaptureMemoryBudget(limit: limits.bytesInAll)
        context = CapturedConversation.Context(keyLog: keyLog, limits: limits, budget: budget, sink: sink)
    }

    /// The most stream bytes held at once so far (what `CaptureLimits.bytesInAll` caps).
    public var peakHeldBytes: Int { budget.peak }
    /// Conversations followed right now (what `CaptureLimits.conversations` caps).
    public var openConversations: Int { conversations.count }

    /// Reads every packet of `reader` and finishes.
    public func decode(_ reader: PacketCaptureReader) throws -> Summary {
        var readerProblems: [CaptureProblem] = []
        while let packet = try reader.next(problems: { readerProblems.append($0) }) {
            for problem in readerProblems { try sink.captureProblem(problem) }
            readerProblems.removeAll(keepingCapacity: true)
            try add(packet)
        }
        for problem in readerProblems { try sink.captureProblem(problem) }
        return try finish()
    }

    /// A problem the capture reader met, passed on in its place among the packets.
    public func add(_ problem: CaptureProblem) throws {
        try sink.captureProblem(problem)
    }

    /// Takes in the next packet.
    public func add(_ packet: PacketCapture.Packet) throws {
        packets += 1
        linkTypes.insert(packet.linkType)
        switch TCPSegment.parse(packet) {
        case .success(let segment?):
            try route(segment)
        case .success(nil):
            break
        case .failure(let problem):
            // One line per unsupported link type, not one per packet.
            if TCPSegment.supportedLinkTypes[packet.linkType] == nil {
                if unsupportedLinkTypes.insert(packet.linkType).inserted { try sink.captureProblem(problem) }
            } else {
                try sink.captureProblem(problem)
            }
        }
    }

    /// Finishes every conversation still open; the sink has every session after this.
    public func finish() throws -> Summary {
        for conversation in conversations.values.sorted(by: { $0.number < $1.number }) {
            if try !conversation.finish() { others += 1 }
        }
        conversations = [:]
        return Summary(packets: packets, linkTypes: linkTypes.sorted(), otherConversations: others)
    }

    // MARK: -

    private func route(_ segment: TCPSegment) throws {
        let key = ConversationKey(segment.source, segment.destination)
        if let conversation = conversations[key] {
            try conversation.add(segment)
            try letGoIfDone(key, conversation)
            return
        }
        guard !retired.contains(key) else { return }
        if let port, segment.source.port != port, segment.destination.port != port {
            nextNumber += 1
            others += 1
            retire(key)
            return
        }
        if conversations.count >= limits.conversations { try letGoOfIdlest(at: segment.packet) }
        let conversation = CapturedConversation(number: nextNumber, first: segment, context: context)
        nextNumber += 1
        conversations[key] = conversation
        try conversation.add(segment)
        try letGoIfDone(key, conversation)
    }

    /// Lets go of a conversation that is other traffic, or over with every byte in (finished
    /// now: a capture of many short sessions then holds only those still open).
    private func letGoIfDone(_ key: ConversationKey, _ conversation: CapturedConversation) throws {
        if conversation.kind != .other {
            guard conversation.isComplete else { return }
            try conversation.finish()
        }
        retire(key)
    }

    /// Stops following `key`'s conversation: counted if it was other traffic, remembered so its
    /// late packets are ignored (as many as `retiredConversations`, the oldest forgotten first).
    private func retire(_ key: ConversationKey) {
        if let conversation = conversations.removeValue(forKey: key), conversation.kind == .other { others += 1 }
        guard limits.retiredConversations > 0, retired.insert(key).inserted else { return }
        retiredOrder.append(key)
        if retiredOrder.count - retiredHead > limits.retiredConversations {
            retired.remove(retiredOrder[retiredHead])
            retiredHead += 1
            if retiredHead >= 4096 && retiredHead * 2 >= retiredOrder.count {
                retiredOrder.removeFirst(retiredHead)
                retiredHead = 0
            }
        }
    }

    /// Finishes the eighth of the conversations idle longest (closed ones first), so the table
    /// makes room for many new ones at the cost of one sort.
    private func letGoOfIdlest(at packet: Int) throws {
        let idlest = conversations.sorted { a, b in
            a.value.closed != b.value.closed ? a.value.closed : a.value.lastPacket < b.value.lastPacket
        }.prefix(max(1, limits.conversations / 8))
        for (key, conversation) in idlest {
            if !conversation.closed && !evictionReported {
                evictionReported = true
                try sink.captureProblem(CaptureProblem(packet: packet, "more than \(limits.conversations) TCP conversations were open at once; from packet \(packet) on, those idle longest are decoded as far as they got and their later packets ignored"))
            }
            try conversation.finish(evictedAt: packet)
            retire(key)
        }
    }
}

/// A TCP conversation's two endpoints, in either order.
struct ConversationKey: Hashable {
    let low: TCPEndpoint, high: TCPEndpoint

    init(_ a: TCPEndpoint, _ b: TCPEndpoint) {
        let aFirst = a.address.lexicographicallyPrecedes(b.address) || (a.address == b.address && a.port <= b.port)
        (low, high) = aFirst ? (a, b) : (b, a)
    }
}
