import Foundation
import Testing
@testable import ConetCore

/// The read-ahead thread wakes its consumer, and is woken, only at the queue's edges: whatever the
/// depth and the consumer's read sizes, every byte arrives once, in order, and errors come through.
@Suite struct ReadAheadSourceTests {
    /// A source that hands out small, uneven pieces, then fails or ends.
    final class UnevenSource: ByteSource {
        let bytes: [UInt8]
        let failsAtEnd: Bool
        var offset = 0
        var calls = 0

        init(_ bytes: [UInt8], failsAtEnd: Bool = false) {
            self.bytes = bytes
            self.failsAtEnd = failsAtEnd
        }

        struct Broken: Error {}

        func read(upTo count: Int) throws -> [UInt8] {
            calls += 1
            if offset == bytes.count {
                if failsAtEnd { throw Broken() }
                return []
            }
            let end = min(bytes.count, offset + min(count, 1000 + (calls * 7919) % 5000))
            defer { offset = end }
            return Array(bytes[offset..<end])
        }
    }

    /// Runs `body` on a thread of its own and waits at most 30 seconds: a lost wake-up shows as
    /// a failure, not as a test run that never ends.
    func withinDeadline<T>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>(), done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = Result { try body() }
            done.signal()
        }
        thread.start()
        try #require(done.wait(timeout: .now() + 30) == .success, "the reader and its consumer stalled")
        return try box.result!.get()
    }

    @Test(arguments: [1, 2, 3, 4, 7])
    func everyByteArrivesOnceInOrder(depth: Int) throws {
        let input = SecureRandom.bytes(3 << 20)
        let source = ReadAheadSource(UnevenSource(input), blockSize: 4096, depth: depth)
        let output = try withinDeadline {
            var output: [UInt8] = []
            var step = 0
            while true {
                step += 1
                let piece = try source.read(upTo: [1, 100, 4096, 10_000, 65536][step % 5])
                if piece.isEmpty { break }
                output += piece
            }
            return output
        }
        #expect(output.count == input.count)
        #expect(output.elementsEqual(input))
        #expect(try source.read(upTo: 10).isEmpty)
    }

    @Test func aFailureReachesTheConsumerAfterTheBytesBeforeIt() throws {
        let input = SecureRandom.bytes(100_000)
        let source = ReadAheadSource(UnevenSource(input, failsAtEnd: true), blockSize: 8192, depth: 2)
        let (output, failure) = try withinDeadline { () -> ([UInt8], (any Error)?) in
            var output: [UInt8] = []
            do {
                while true { output += try source.read(upTo: 5000) }
            } catch {
                return (output, error)
            }
        }
        #expect(failure is UnevenSource.Broken)
        #expect(output.elementsEqual(input))
    }
}

/// Carries a result from the reading thread back to the test.
final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
