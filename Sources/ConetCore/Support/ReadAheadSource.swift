import Foundation

/// Reads another source on a background thread, a few blocks ahead of the consumer, so reading
/// (a copy out of the kernel) overlaps with the consumer's work on the other core.
public final class ReadAheadSource: ByteSource, @unchecked Sendable {
    private let base: ByteSource
    private let blockSize: Int
    private let depth: Int
    private let condition = NSCondition()
    private var blocks: [[UInt8]] = []
    private var ended = false
    private var failure: (any Error)?
    private var stopped = false
    private var readerWaiting = false
    private var consumerWaiting = false
    private var current: [UInt8] = []
    private var offset = 0

    /// Large enough that the threads hand over a block about two thousand times per GiB.
    public static let defaultBlockSize = 1 << 19

    public init(_ base: ByteSource, blockSize: Int = ReadAheadSource.defaultBlockSize, depth: Int = 2) {
        self.base = base
        self.blockSize = blockSize
        self.depth = depth
        let thread = Thread { [self] in fill() }
        thread.name = "conet.read-ahead"
        thread.start()
    }

    deinit {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    public func read(upTo count: Int) throws -> [UInt8] {
        if offset == current.count {
            condition.lock()
            while blocks.isEmpty && !ended {
                consumerWaiting = true
                condition.wait()
                consumerWaiting = false
            }
            if blocks.isEmpty {
                defer { condition.unlock() }
                if let failure { throw failure }
                return []
            }
            current = blocks.removeFirst()
            offset = 0
            // The reader is woken once half the queue is free, not for every block: each
            // wake-up is a context switch on both sides.
            if readerWaiting && blocks.count <= depth / 2 { condition.broadcast() }
            condition.unlock()
        }
        // Hand over a whole block when asked for at least that much: no copy, and no reference
        // kept, so the caller owns it alone (an envelope writer then seals in its memory).
        if offset == 0 && count >= current.count {
            defer { current = [] }
            return current
        }
        let end = min(current.count, offset + count)
        defer { offset = end }
        return Array(current[offset..<end])
    }

    private func fill() {
        while true {
            condition.lock()
            if blocks.count >= depth {
                while blocks.count > depth / 2 && !stopped {
                    readerWaiting = true
                    condition.wait()
                    readerWaiting = false
                }
            }
            let stop = stopped
            condition.unlock()
            if stop { return }
            var block: [UInt8] = []
            var error: (any Error)?
            do { block = try base.read(upTo: blockSize) } catch let failed { error = failed }
            condition.lock()
            if let error { failure = error; ended = true }
            else if block.isEmpty { ended = true }
            else { blocks.append(block) }
            if consumerWaiting || ended { condition.broadcast() }
            let done = ended
            condition.unlock()
            if done { return }
        }
    }
}
