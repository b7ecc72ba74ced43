import Foundation

/// One direction of a TCP connection, put back in order as its segments stream by: retransmitted
/// and overlapping bytes are dropped, segments that arrive ahead of a hole wait for it to fill.
/// The bytes in order are held until the reader consumes them (a record at a time), so what a
/// direction holds is one record in progress plus the segments waiting: both are charged to the
/// capture's `CaptureMemoryBudget` and capped per direction. A hole that is never filled (a lost
/// or uncaptured segment) ends the usable part of the direction, since nothing after it can be
/// framed with certainty; so does a limit, and the reason is kept for the report.
final class TCPStreamReassembler {
    /// Where a segment's new bytes start: for the time and packet a record arrived in.
    struct Mark {
        let offset: Int
        let time: Double
        let packet: Int
    }

    /// A hole nothing filled.
    struct Gap: Equatable {
        /// Stream offset where bytes stop being known.
        let offset: Int
        /// Bytes missing there.
        let missing: Int
        /// Bytes captured after the hole, not decoded.
        let skipped: Int
        /// The packet after the hole.
        let packet: Int
    }

    /// Why the direction went no further.
    enum Stop: Equatable {
        /// Segments waited for a hole past what a direction may hold: the hole is final.
        case gap(Gap)
        /// The bytes in order grew past the direction's limit without being consumed.
        case directionLimit(offset: Int, packet: Int, limit: Int)
        /// The capture-wide allowance was used up when this direction needed more.
        case captureLimit(offset: Int, packet: Int, limit: Int)
        /// The reader gave up on the bytes (damage it reported itself).
        case abandoned
    }

    private struct Waiting {
        let offset: Int
        let payload: [UInt8]
        let time: Double
        let packet: Int
        var end: Int { offset + payload.count }
    }

    private let budget: CaptureMemoryBudget
    private let limit: Int
    /// Sequence number of stream offset 0, from the first segment seen (or the SYN).
    private var base: UInt32?
    private var sawSYN = false
    private var bytes: [UInt8] = []
    private var head = 0
    private var marks: [Mark] = []
    private var markHead = 0
    private var waiting: [Waiting] = []
    private var waitingBytes = 0
    /// Bytes charged to the budget.
    private var charged = 0
    /// Stream bytes seen on the wire, uncaptured tails included.
    private var knownEnd = 0
    private var lastDataPacket = 0
    /// Captured bytes after the stop, for a gap's report.
    private var skippedAfterStop = 0

    /// Stream offset of the first byte held (everything before it was consumed).
    private(set) var start = 0
    private(set) var stop: Stop?
    /// Whether a FIN or RST went this way.
    private(set) var closed = false
    /// Stream offset just past the FIN's sequence number: where this direction ends.
    private var finEnd: Int?

    init(budget: CaptureMemoryBudget, limit: Int) {
        self.budget = budget
        self.limit = limit
    }

    deinit { budget.give(charged) }

    /// Stream offset just past the bytes in order.
    var end: Int { start + available }
    /// Bytes in order, not yet consumed.
    var available: Int { bytes.count - head }
    /// Everything held: bytes in order and segments waiting, each mark and waiting segment
    /// counted with what its bookkeeping costs (a capture of one-byte segments must not hold
    /// a hundred bytes for each byte it is charged).
    var held: Int { available + (marks.count - markHead) * Self.markCost + waitingBytes }

    /// What a mark costs in memory, and a waiting segment besides its payload.
    static let markCost = 32
    static let waitingCost = 128
    /// Whether more bytes in order may still come.
    var isOpen: Bool { stop == nil }
    /// Whether every byte up to the FIN is in (or the direction stopped): nothing a later
    /// packet brings could change what is decoded.
    var isComplete: Bool {
        guard let finEnd else { return stop != nil }
        return stop != nil || (waiting.isEmpty && end >= finEnd && knownEnd <= end)
    }

    /// Takes in one segment of this direction.
    func add(_ segment: TCPSegment) {
        if segment.fin || segment.rst { closed = true }
        if base == nil || (segment.syn && !sawSYN && end == 0 && waiting.isEmpty) {
            base = segment.syn ? segment.sequence &+ 1 : segment.sequence
        }
        if segment.syn { sawSYN = true }
        guard let base else { return }
        // Relative to the bytes in order, as a signed 32-bit distance: sequence numbers wrap,
        // and a stream may pass 4 GiB.
        let expected = base &+ UInt32(truncatingIfNeeded: end)
        let offset = end + Int(Int32(bitPattern: segment.sequence &- expected)) + (segment.syn ? 1 : 0)
        if segment.fin { finEnd = offset + segment.payload.count }
        guard !segment.payload.isEmpty || segment.missingTail > 0 else { return }
        knownEnd = max(knownEnd, offset + segment.payload.count + segment.missingTail)
        lastDataPacket = segment.packet
        if let stop {
            if case .gap(let gap) = stop { skippedAfterStop += max(0, offset + segment.payload.count - max(offset, gap.offset)) }
            return
        }
        if offset <= end {
            append(segment.payload, at: offset, time: segment.time, packet: segment.packet)
            drainWaiting()
        } else if !segment.payload.isEmpty {
            let index = waiting.partitioningIndex { $0.offset > offset }
            waiting.insert(Waiting(offset: offset, payload: segment.payload, time: segment.time, packet: segment.packet), at: index)
            waitingBytes += segment.payload.count + Self.waitingCost
        }
        enforceLimits(packet: segment.packet)
    }

    /// The big-endian 32-bit number at stream offset `offset` (within the bytes in order).
    func u32(at offset: Int) -> UInt32 {
        let index = head + offset - start
        return UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
    }

    /// The bytes in order at stream offsets `range`.
    func copy(_ range: Range<Int>) -> [UInt8] {
        Array(bytes[(head + range.lowerBound - start)..<(head + range.upperBound - start)])
    }

    /// The mark of the segment that delivered the byte at `offset` (a byte still held).
    func mark(at offset: Int) -> Mark? {
        var low = markHead, high = marks.count - 1, found: Mark?
        while low <= high {
            let middle = (low + high) / 2
            if marks[middle].offset <= offset { found = marks[middle]; low = middle + 1 } else { high = middle - 1 }
        }
        return found
    }

    /// Lets go of the first `count` bytes in order.
    func consume(_ count: Int) {
        head += count
        start += count
        while markHead + 1 < marks.count && marks[markHead + 1].offset <= start { markHead += 1 }
        // A copy, not removeFirst: the array must not keep the capacity of its largest record
        // (thousands of idle conversations would each hold one).
        if head == bytes.count {
            bytes = []
            head = 0
            marks = []
            markHead = 0
        } else if head >= 1 << 16 && head * 2 >= bytes.count {
            bytes = Array(bytes[head...])
            head = 0
        }
        if markHead >= 1024 && markHead * 2 >= marks.count {
            marks = Array(marks[markHead...])
            markHead = 0
        }
        recharge()
    }

    /// Gives up on the rest of the direction: nothing more is held or reported.
    func abandon() {
        guard stop == nil || stop == .abandoned else { return }
        stop = .abandoned
        dropAll()
    }

    /// The hole that ends the usable part of the direction, if any, as the capture ends: one a
    /// limit made final, segments still waiting, or bytes the wire carried that were not captured.
    func finalGap() -> Gap? {
        if case .gap(let gap) = stop {
            return Gap(offset: gap.offset, missing: gap.missing, skipped: gap.skipped + skippedAfterStop, packet: gap.packet)
        }
        guard stop == nil else { return nil }
        if let first = waiting.first {
            let skipped = waiting.reduce(0) { $0 + max(0, $1.end - max($1.offset, end)) }
            return Gap(offset: end, missing: first.offset - end, skipped: skipped, packet: first.packet)
        }
        if knownEnd > end { return Gap(offset: end, missing: knownEnd - end, skipped: 0, packet: lastDataPacket) }
        return nil
    }

    // MARK: -

    private func append(_ payload: [UInt8], at offset: Int, time: Double, packet: Int) {
        let fresh = payload.dropFirst(end - offset)
        guard !fresh.isEmpty else { return }
        marks.append(Mark(offset: end, time: time, packet: packet))
        bytes += fresh
    }

    private func drainWaiting() {
        while let first = waiting.first, first.offset <= end {
            waiting.removeFirst()
            waitingBytes -= first.payload.count + Self.waitingCost
            append(first.payload, at: first.offset, time: first.time, packet: first.packet)
        }
    }

    /// Charges what is held to the budget. Past a limit the segments waiting for a hole go
    /// first (the hole is final; the bytes in order before it still frame); past it still, the
    /// bytes in order too.
    private func enforceLimits(packet: Int) {
        if held <= limit && recharge() { return }
        if let first = waiting.first {
            let skipped = waiting.reduce(0) { $0 + max(0, $1.end - max($1.offset, end)) }
            stop = .gap(Gap(offset: end, missing: first.offset - end, skipped: skipped, packet: first.packet))
            waiting = []
            waitingBytes = 0
            if held <= limit && recharge() { return }
        }
        stop = held > limit
            ? .directionLimit(offset: end, packet: packet, limit: limit)
            : .captureLimit(offset: end, packet: packet, limit: budget.limit)
        dropAll()
    }

    /// Brings the charge in line with what is held. - Returns: false if the budget refused.
    @discardableResult
    private func recharge() -> Bool {
        let now = held
        if now > charged {
            guard budget.take(now - charged) else { return false }
        } else {
            budget.give(charged - now)
        }
        charged = now
        return true
    }

    private func dropAll() {
        bytes = []
        head = 0
        marks = []
        markHead = 0
        waiting = []
        waitingBytes = 0
        budget.give(charged)
        charged = 0
    }
}

extension Array {
    /// The first index whose element satisfies `belongsAfter`, for a sorted array.
    fileprivate func partitioningIndex(where belongsAfter: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongsAfter(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
