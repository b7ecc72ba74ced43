import Foundation

/// One benchmark figure: the median of several timed runs, with their spread.
public struct BenchFigure: Encodable, Sendable, Equatable {
    public let suite: String
    public let name: String
    /// "ops/s" or "MB/s".
    public let unit: String
    public let median: Double
    public let min: Double
    public let max: Double
    public let runs: Int
    /// The same operation as a direct call into the C library, when there is one.
    public var direct: Double?
    /// median / direct: the cost of conet's Swift layer (1.0 is none; below 1 is slower).
    public var ratio: Double? { direct.map { median / $0 } }

    enum CodingKeys: String, CodingKey { case suite, name, unit, median, min, max, runs, direct, ratio }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(suite, forKey: .suite)
        try container.encode(name, forKey: .name)
        try container.encode(unit, forKey: .unit)
        try container.encode(median, forKey: .median)
        try container.encode(min, forKey: .min)
        try container.encode(max, forKey: .max)
        try container.encode(runs, forKey: .runs)
        try container.encodeIfPresent(direct, forKey: .direct)
        try container.encodeIfPresent(ratio, forKey: .ratio)
    }
}

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
        let perRun = Swift.max(seconds / Double(runs), 0.01)
        _ = try body()
        var rates: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            var units = 0
            var elapsed = Duration.zero
            repeat {
                units += try body()
                elapsed = ContinuousClock.now - start
            } while elapsed < .milliseconds(Int64(perRun * 1000))
            let secondsTaken = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            rates.append(Double(units) / secondsTaken)
        }
        return rates
    }

    /// A figure from rates (scaled by `scale`, e.g. 1e-6 for MB/s).
    public func measure(
        suite: String, name: String, unit: String, scale: Double = 1, direct: (() throws -> Int)? = nil, _ body: () throws -> Int
    ) throws -> BenchFigure {
        let rates = try self.rates(body).map { $0 * scale }.sorted()
        var measurement = BenchFigure(
            suite: suite, name: name, unit: unit, median: rates[rates.count / 2], min: rates.first!, max: rates.last!, runs: rates.count)
        if let direct {
            let directRates = try self.rates(direct).map { $0 * scale }.sorted()
            measurement.direct = directRates[directRates.count / 2]
        }
        return measurement
    }
}
