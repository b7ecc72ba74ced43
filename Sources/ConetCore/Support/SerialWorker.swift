import Dispatch
import Foundation

/// One background thread that runs submitted jobs in order, with at most `depth` jobs waiting,
/// so a fast producer cannot buffer without bound. conet uses it to hash and write ciphertext
/// on the second core while the first encrypts or decrypts.
///
/// The first error a job throws is kept; later jobs are skipped and `submit`/`drain` rethrow it.
final class SerialWorker: @unchecked Sendable {
    private let queue = DispatchQueue(label: "conet.serial-worker")
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: (any Error)?

    init(depth: Int = 2) {
        slots = DispatchSemaphore(value: depth)
    }

    /// Queues `job`; blocks while `depth` jobs are already waiting.
    func submit(_ job: @escaping @Sendable () throws -> Void) throws {
        try rethrowFailure()
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard currentFailure == nil else { return }
            do { try job() } catch { record(error) }
        }
    }

    /// Waits for every queued job, then rethrows the first failure.
    func drain() throws {
        queue.sync {}
        try rethrowFailure()
    }

    private var currentFailure: (any Error)? {
        lock.lock(); defer { lock.unlock() }
        return failure
    }

    private func record(_ error: any Error) {
        lock.lock(); defer { lock.unlock() }
        if failure == nil { failure = error }
    }

    private func rethrowFailure() throws {
        if let failure = currentFailure { throw failure }
    }
}

/// Groups items into one `SerialWorker` job per `size` items, so the threads wake each other
/// once per batch instead of once per chunk.
struct WorkBatcher<Item: Sendable> {
    let worker: SerialWorker
    /// Items per job; a writer may raise it once it knows its chunks are cheap to hold.
    var size: Int
    let body: @Sendable (Item) throws -> Void
    private var items: [Item] = []
    private var submitted = false

    init(worker: SerialWorker, size: Int = 8, body: @escaping @Sendable (Item) throws -> Void) {
        self.worker = worker
        self.size = size
        self.body = body
    }

    mutating func add(_ item: Item) throws {
        items.append(item)
        if items.count >= size { try flush() }
    }

    /// Submits what is waiting.
    mutating func flush() throws {
        guard !items.isEmpty else { return }
        let batch = items
        items.removeAll(keepingCapacity: true)
        submitted = true
        try worker.submit { [body] in
            for item in batch { try body(item) }
        }
    }

    /// Handles what is waiting, then `worker.drain()` may follow. A small message that never
    /// filled a batch is handled right here: waking a thread would cost more than the work.
    mutating func finish() throws {
        guard !submitted else { return try flush() }
        for item in items { try body(item) }
        items.removeAll()
    }
}
