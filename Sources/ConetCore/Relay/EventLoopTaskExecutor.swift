import NIOCore

/// Runs a task's jobs on one NIO event loop. A relay session with this preference reads, opens
/// and answers records on its channel's own thread: no hand-off to the cooperative pool and back
/// for every record.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
