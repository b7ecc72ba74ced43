import Foundation

/// One background thread that runs submitted jobs in order, with at most `depth` jobs waiting,
/// so a fast producer cannot buffer without bound. conet uses it to hash and write ciphertext
/// on the second core while the first encrypts or decrypts.
///
/// The thread is its own, started at the first job: a thread from Dispatch's pool could start
/// tens of milliseconds late on a busy machine, while the producer waits on a full queue.
/// It ends when the worker is released.
///
/// The first error a job throws is kept; later jobs are skipped and `submit`/`drain` rethrow it.
final class SerialWorker: @unchecked Sendable {
    private let queue: JobQueue

    init(depth: Int = 2) {
        queue = JobQueue(depth: depth)
    }

    deinit {
        queue.close()
    }

    /// Queues `job`; blocks while `depth` jobs are already waiting.
    func submit(_ job: @escaping @Sendable () throws -> Void) throws {
        try queue.submit(job)
    }

    /// Waits for every queued job, then rethrows the first failure.
    func drain() throws {
        try queue.drain()
    }

    /// The state the thread shares with the worker; the thread holds only this, so releasing
    /// the worker can end it.
    private final class JobQueue: @unchecked Sendable {
        private let condition = NSCondition()
        private let depth: Int
        private var jobs: [@Sendable () throws -> Void] = []
        /// Jobs taken or waiting, not yet finished: `submit` waits while this is at `depth`.
        private var unfinished = 0
        private var started = false
        private var closed = false
        private var failure: (any Error)?

        init(depth: Int) {
            self.depth = depth
        }

        func submit(_ job: @escaping @Sendable () throws -> Void) throws {
            condition.lock()
            defer { condition.unlock() }
            while unfinished >= depth && failure == nil { condition.wait() }
            if let failure { throw failure }
            jobs.append(job)
            unfinished += 1
            if !started {
                started = true
                let thread = Thread { [self] in run() }
                thread.name = "conet.worker"
                thread.start()
            }
            condition.broadcast()
        }

        func drain() throws {
            condition.lock()
            defer { condition.unlock() }
            // Jobs after a failure are skipped, not left queued: all finish soon.
            while unfinished > 0 { condition.wait() }
            if let failure { throw failure }
        }

        func close() {
            condition.lock()
            closed = true
            condition.broadcast()
            condition.unlock()
        }

        private func run() {
            condition.lock()
            while true {
                while jobs.isEmpty && !closed { condition.wait() }
                if jobs.isEmpty { break }
                let job = jobs.removeFirst()
                let skip = failure != nil
                condition.unlock()
                var error: (any Error)?
                if !skip {
                    do { try job() } catch let thrown { error = thrown }
                }
                condition.lock()
                if let error, failure == nil { failure = error }
                unfinished -= 1
                condition.broadcast()
            }
            condition.unlock()
        }
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
