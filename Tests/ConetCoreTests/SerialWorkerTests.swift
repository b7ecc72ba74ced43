import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import ConetCore

@Suite struct SerialWorkerTests {
    struct Failure: Error, Equatable {}

    @Test func jobsRunInOrderAndDrainWaitsForAll() throws {
        let worker = SerialWorker(depth: 3)
        let seen = NIOLockedValueBox<[Int]>([])
        for index in 0..<200 {
            try worker.submit {
                if index % 50 == 0 { usleep(2000) }
                seen.withLockedValue { $0.append(index) }
            }
        }
        try worker.drain()
        #expect(seen.withLockedValue { $0 } == Array(0..<200))
    }

    @Test func aFullQueueHoldsTheProducerBack() throws {
        let worker = SerialWorker(depth: 2)
        let gate = NSCondition()
        let open = NIOLockedValueBox(false)
        let waitForGate: @Sendable () -> Void = {
            gate.lock()
            while !open.withLockedValue({ $0 }) { gate.wait() }
            gate.unlock()
        }
        try worker.submit(waitForGate)
        try worker.submit {}
        // Both slots are taken: a third submit must wait until the gate opens.
        let submitted = NIOLockedValueBox(false)
        let producer = Thread {
            try? worker.submit {}
            submitted.withLockedValue { $0 = true }
        }
        producer.start()
        usleep(50_000)
        #expect(!submitted.withLockedValue { $0 })
        gate.lock()
        open.withLockedValue { $0 = true }
        gate.broadcast()
        gate.unlock()
        try worker.drain()
        while !submitted.withLockedValue({ $0 }) { usleep(1000) }
        try worker.drain()
    }

    @Test func theFirstErrorIsKeptAndLaterJobsAreSkipped() throws {
        let worker = SerialWorker(depth: 4)
        let ran = NIOLockedValueBox(0)
        try worker.submit { throw Failure() }
        for _ in 0..<3 { try? worker.submit { ran.withLockedValue { $0 += 1 } } }
        #expect(throws: Failure.self) { try worker.drain() }
        #expect(throws: Failure.self) { try worker.submit {} }
        #expect(ran.withLockedValue { $0 } == 0)
    }
}
