import Foundation

/// One benchmark figure: the median of several timed runs, with their spread.
public struct BenchFigure: Codable, Sendable, Equatable {
    public let suite: String
    public let name: String
    /// "ops/s", "MB/s" (higher is better) or "µs" (a latency: lower is better).
    public let unit: String
    public let median: Double
    public let min: Double
    public let max: Double
    public let runs: Int
    /// The same operation as a direct call into the C library, when there is one.
    public var direct: Double?
    /// What else the run measured, e.g. a compression ratio.
    public var note: String?
    /// median / direct: the cost of conet's Swift layer (1.0 is none; below 1 is slower).
    public var ratio: Double? { direct.map { median / $0 } }

    /// Whether a larger figure is an improvement (rates) or a regression (latencies).
    public var higherIsBetter: Bool { unit != "µs" }

    public init(suite: String, name: String, unit: String, median: Double, min: Double, max: Double, runs: Int, direct: Double? = nil) {
        self.suite = suite
        self.name = name
        self.unit = unit
        self.median = median
        self.min = min
        self.max = max
        self.runs = runs
        self.direct = direct
    }

    /// The figure of several runs' values.
    public init(suite: String, name: String, unit: String, values: [Double]) {
        let sorted = values.sorted()
        self.init(suite: suite, name: name, unit: unit, median: sorted[sorted.count / 2], min: sorted.first ?? 0, max: sorted.last ?? 0, runs: sorted.count)
    }

    enum CodingKeys: String, CodingKey { case suite, name, unit, median, min, max, runs, direct, ratio, note }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            suite: try container.decode(String.self, forKey: .suite), name: try container.decode(String.self, forKey: .name),
            unit: try container.decode(String.self, forKey: .unit), median: try container.decode(Double.self, forKey: .median),
            min: try container.decode(Double.self, forKey: .min), max: try container.decode(Double.self, forKey: .max),
            runs: try container.decode(Int.self, forKey: .runs), direct: try container.decodeIfPresent(Double.self, forKey: .direct))
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }

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
        try container.encodeIfPresent(note, forKey: .note)
    }
}
