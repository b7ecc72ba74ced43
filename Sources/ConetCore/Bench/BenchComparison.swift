import Foundation

/// How each figure of a run moved against an earlier run of the same suites (`conet bench
/// --compare`): a figure that got worse by more than the tolerance is a regression.
public struct BenchComparison: Encodable, Sendable {
    public struct Change: Encodable, Sendable {
        public let suite: String
        public let name: String
        public let unit: String
        public let old: Double
        public let new: Double
        /// (new − old) / old: +0.05 is 5% more.
        public let change: Double
        public let regression: Bool
    }

    /// A fraction: 0.1 allows a 10% move in the wrong direction.
    public let tolerance: Double
    public let changes: [Change]
    /// Figures of this run that the earlier run did not have (a new suite, a renamed figure).
    public let unmatched: [String]
    public var regressions: Int { changes.filter(\.regression).count }

    public init(old: [BenchFigure], new: [BenchFigure], tolerance: Double) {
        self.tolerance = tolerance
        var earlier: [String: BenchFigure] = [:]
        for figure in old { earlier["\(figure.suite) \(figure.name)"] = figure }
        var changes: [Change] = []
        var unmatched: [String] = []
        for figure in new {
            let key = "\(figure.suite) \(figure.name)"
            guard let before = earlier[key], before.unit == figure.unit, before.median > 0 else {
                unmatched.append(key)
                continue
            }
            let change = (figure.median - before.median) / before.median
            let worse = figure.higherIsBetter ? -change : change
            changes.append(Change(
                suite: figure.suite, name: figure.name, unit: figure.unit, old: before.median, new: figure.median,
                change: change, regression: worse > tolerance))
        }
        self.changes = changes
        self.unmatched = unmatched
    }

    enum CodingKeys: String, CodingKey { case tolerance, changes, unmatched, regressions }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tolerance, forKey: .tolerance)
        try container.encode(changes, forKey: .changes)
        try container.encode(unmatched, forKey: .unmatched)
        try container.encode(regressions, forKey: .regressions)
    }
}
