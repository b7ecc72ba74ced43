import Foundation

/// Both directions of one TCP connection, reassembled from captured segments: retransmitted and
/// overlapping bytes are dropped, out-of-order segments put in place, and the first hole (a lost
/// or uncaptured segment) ends the usable part of a direction, since nothing after it can be
/// framed with certainty.
public struct TCPConversation: Sendable {
    /// The side that opened the connection (sent the first SYN), or the first sender seen.
    public var client: TCPEndpoint
    public var server: TCPEndpoint
    public var toServer: TCPByteStream
    public var toClient: TCPByteStream

    /// Groups segments into conversations and reassembles each direction, in order of first packet.
    public static func assemble(_ segments: [TCPSegment]) -> [TCPConversation] {
        var order: [Set<TCPEndpoint>] = []
        var grouped: [Set<TCPEndpoint>: [TCPSegment]] = [:]
        for segment in segments {
            let key: Set<TCPEndpoint> = [segment.source, segment.destination]
            if grouped[key] == nil { order.append(key) }
            grouped[key, default: []].append(segment)
        }
        return order.map { key in
            let all = grouped[key]!
            let client = (all.first { $0.syn } ?? all[0]).source
            let server = all[0].source == client ? all[0].destination : all[0].source
            return TCPConversation(
                client: client, server: server,
                toServer: TCPByteStream(all.filter { $0.source == client }),
                toClient: TCPByteStream(all.filter { $0.source != client }))
        }
    }

    /// The same conversation seen from the other side (when the content shows who the client was).
    public func swapped() -> TCPConversation {
        TCPConversation(client: server, server: client, toServer: toClient, toClient: toServer)
    }
}

/// One direction of a TCP connection: its bytes up to the first hole.
public struct TCPByteStream: Sendable {
    public struct Mark: Sendable {
        public let offset: Int
        public let time: Double
        public let packet: Int
    }

    public struct Gap: Sendable, Encodable {
        /// Stream offset where bytes stop being known.
        public let offset: Int
        /// Bytes missing there.
        public let missing: Int
        /// Bytes captured after the hole, not decoded.
        public let skipped: Int
        /// The packet after the hole.
        public let packet: Int
    }

    public private(set) var bytes: [UInt8] = []
    /// Where each segment's new bytes start: for the time a record arrived.
    public private(set) var marks: [Mark] = []
    public private(set) var gap: Gap?
    public private(set) var closed = false

    init(_ segments: [TCPSegment]) {
        guard let first = segments.first else { return }
        // Offsets relative to the first sequence number, signed so that wrap-around is harmless.
        func relative(_ sequence: UInt32) -> Int { Int(Int32(bitPattern: sequence &- first.sequence)) }
        let start = segments.first(where: \.syn).map { relative($0.sequence) + 1 } ?? segments.map { relative($0.sequence) }.min()!
        let data = segments.filter { !$0.payload.isEmpty }
            .map { (offset: relative($0.sequence) + ($0.syn ? 1 : 0) - start, segment: $0) }
            .sorted { $0.offset < $1.offset }
        closed = segments.contains { $0.fin || $0.rst }
        var known = 0  // stream bytes seen on the wire, uncaptured tails included
        for (index, (offset, segment)) in data.enumerated() {
            if offset > bytes.count {
                let after = data[index...].reduce(0) { $0 + max(0, $1.offset + $1.segment.payload.count - max($1.offset, bytes.count)) }
                gap = Gap(offset: bytes.count, missing: offset - bytes.count, skipped: after, packet: segment.packet)
                return
            }
            let fresh = segment.payload.dropFirst(bytes.count - offset)
            guard !fresh.isEmpty else { continue }
            marks.append(Mark(offset: bytes.count, time: segment.time, packet: segment.packet))
            bytes += fresh
            known = max(known, offset + segment.payload.count + segment.missingTail)
        }
        if known > bytes.count {
            gap = Gap(offset: bytes.count, missing: known - bytes.count, skipped: 0, packet: data.last!.segment.packet)
        }
    }

    /// The mark of the segment that delivered the byte at `offset`.
    public func mark(at offset: Int) -> Mark? {
        var low = 0, high = marks.count - 1, found: Mark?
        while low <= high {
            let middle = (low + high) / 2
            if marks[middle].offset <= offset { found = marks[middle]; low = middle + 1 } else { high = middle - 1 }
        }
        return found
    }
}
