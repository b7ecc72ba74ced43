import Foundation

/// Times an operation: a warm-up, then `runs` runs of about `seconds / runs` each; every run
/// repeats the operation until its time is up and yields operations (or bytes) per second.
public struct Stopwatch: Sendable {
    public let seconds: Double
    public let runs: Int

    public init(seconds: Double, runs: Int = 5) {
        self.seconds = seconds
        self.runs = runs
    }

    /// Rates per second of `body`, which performs one operation and returns the units it did
    /// (1 for an operation, a byte count for throughput).
    public func rates(_ body: () throws -> Int) rethrows -> [Double] {
        _ = try body()
        return try (0..<runs).map { _ in try rate(of: body) }
    }

    /// One timed run: `body` repeated until the run's share of `seconds` is up.
    private func rate(of body: () throws -> Int) rethrows -> Double {
        let perRun = Swift.max(seconds / Double(runs), 0.01)
        let start = ContinuousClock.now
        var units = 0
        var elapsed = Duration.zero
        repeat {
            units += try body()
            elapsed = ContinuousClock.now - start
        } while elapsed < .milliseconds(Int64(perRun * 1000))
        return Double(units) / Self.seconds(elapsed)
    }

    /// A figure from rates (scaled by `scale`, e.g. 1e-6 for MB/s). With `direct`, the runs of
    /// the two alternate, so drift in the machine's speed (frequency, neighbours) touches both
    /// alike and their ratio stays meaningful.
    public func measure(
        suite: String, name: String, unit: String, scale: Double = 1, direct: (() throws -> Int)? = nil, _ body: () throws -> Int
    ) throws -> BenchFigure {
        guard let direct else {
            return BenchFigure(suite: suite, name: name, unit: unit, values: try rates(body).map { $0 * scale })
        }
        _ = try body()
        _ = try direct()
        var mine: [Double] = [], theirs: [Double] = []
        for _ in 0..<runs {
            mine.append(try rate(of: body) * scale)
            theirs.append(try rate(of: direct) * scale)
        }
        var figure = BenchFigure(suite: suite, name: name, unit: unit, values: mine)
        figure.direct = theirs.sorted()[theirs.count / 2]
        return figure
    }

    /// Runs `workers` threads together for each run, each repeating `operation` (given its worker
    /// number) until the run's time is up. Returns each run's operations per second and the
    /// latencies (seconds) of its operations, sorted.
    public func concurrentRuns(workers: Int, _ operation: @escaping @Sendable (Int) throws -> Void) throws -> [(rate: Double, latencies: [Double])] {
        let perRun = Swift.max(seconds / Double(runs), 0.01)
        _ = try Self.together(workers: workers, seconds: perRun / 2, operation)
        return try (0..<runs).map { _ in try Self.together(workers: workers, seconds: perRun, operation) }
    }

    private static func together(
        workers: Int, seconds: Double, _ operation: @escaping @Sendable (Int) throws -> Void
    ) throws -> (rate: Double, latencies: [Double]) {
        let tally = Tally()
        let group = DispatchGroup()
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(seconds * 1000))
        for worker in 0..<workers {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var latencies: [Double] = []
                do {
                    repeat {
                        let began = ContinuousClock.now
                        try operation(worker)
                        latencies.append(Self.seconds(ContinuousClock.now - began))
                    } while ContinuousClock.now < deadline
                    tally.add(latencies)
                } catch is WorkerDone {
                    tally.add(latencies)
                } catch {
                    tally.fail(error)
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let elapsed = Self.seconds(ContinuousClock.now - start)
        let (latencies, error) = tally.result
        if let error { throw error }
        return (Double(latencies.count) / elapsed, latencies.sorted())
    }

    /// Thrown by a concurrent run's operation that has no more work: that worker stops, and
    /// what it did until then counts.
    struct WorkerDone: Error {}

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var latencies: [Double] = []
        private var error: Error?

        func add(_ more: [Double]) { lock.withLock { latencies += more } }
        func fail(_ failure: Error) { lock.withLock { error = error ?? failure } }
        var result: ([Double], Error?) { lock.withLock { (latencies, error) } }
    }
}
