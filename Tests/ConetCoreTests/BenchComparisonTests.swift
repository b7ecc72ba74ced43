import ConetCore
import Testing

@Suite struct BenchComparisonTests {
    func figure(_ name: String, _ unit: String, _ median: Double) -> BenchFigure {
        BenchFigure(suite: "s", name: name, unit: unit, values: [median])
    }

    @Test func ratesRegressWhenTheyFallAndLatenciesWhenTheyRise() {
        let old = [figure("rate", "ops/s", 100), figure("latency", "µs", 100), figure("steady", "MB/s", 100), figure("gone", "MB/s", 1)]
        let new = [figure("rate", "ops/s", 85), figure("latency", "µs", 85), figure("steady", "MB/s", 95), figure("added", "MB/s", 1)]
        let comparison = BenchComparison(old: old, new: new, tolerance: 0.1)
        let byName = Dictionary(uniqueKeysWithValues: comparison.changes.map { ($0.name, $0) })
        #expect(byName["rate"]?.regression == true)
        #expect(abs((byName["rate"]?.change ?? 0) + 0.15) < 1e-9)
        #expect(byName["latency"]?.regression == false)
        #expect(byName["steady"]?.regression == false)
        #expect(comparison.unmatched == ["s added"])
        #expect(comparison.regressions == 1)

        let slower = BenchComparison(old: [figure("latency", "µs", 100)], new: [figure("latency", "µs", 111)], tolerance: 0.1)
        #expect(slower.regressions == 1)
    }

    @Test func aFigureWhoseUnitChangedIsNotCompared() {
        let comparison = BenchComparison(old: [figure("x", "ops/s", 100)], new: [figure("x", "MB/s", 1)], tolerance: 0.1)
        #expect(comparison.changes.isEmpty)
        #expect(comparison.unmatched == ["s x"])
    }
}
