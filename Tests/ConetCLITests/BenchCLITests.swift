import Foundation
import Testing

/// `conet bench`: the shape of its JSON and that every figure is positive; never a speed threshold.
@Suite struct BenchCLITests {
    @Test func jsonHasEveryFigureWithItsDirectRatio() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let result = try conet.run(["bench", "keys", "hash", "aead", "zstd", "envelope", "--seconds", "0.05", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try result.json()
        #expect((report["cores"] as? Int ?? 0) > 0)
        #expect(!(report["cpu"] as? String ?? "").isEmpty)
        #expect(report["conet"] as? String == "0.1.0")
        let results = try #require(report["results"] as? [[String: Any]])
        #expect(Set(results.compactMap { $0["suite"] as? String }) == ["keys", "hash", "aead", "zstd", "envelope"])
        for figure in results {
            for key in ["median", "min", "max"] {
                #expect((figure[key] as? Double ?? 0) > 0, "\(figure["name"] ?? "?") \(key)")
            }
            #expect((figure["min"] as? Double ?? 0) <= (figure["median"] as? Double ?? 0))
            #expect((figure["median"] as? Double ?? 0) <= (figure["max"] as? Double ?? 0))
            #expect(["ops/s", "MB/s"].contains(figure["unit"] as? String ?? ""))
        }
        // Every key and AEAD figure has a direct C counterpart and a ratio.
        for figure in results where ["keys", "aead"].contains(figure["suite"] as? String ?? "") {
            #expect((figure["direct"] as? Double ?? 0) > 0)
            #expect((figure["ratio"] as? Double ?? 0) > 0)
        }
    }

    @Test func unknownSuitesAreRefused() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let result = try conet.run(["bench", "nonsense"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown suite"))
    }

    @Test func relayAndOnionSuitesMeasureDurableDepositsFetchesPathsAndLatency() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let result = try conet.run(["bench", "relay", "onion", "--seconds", "0.05", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let results = try #require(try result.json()["results"] as? [[String: Any]])
        var figures: [String: Double] = [:]
        for figure in results {
            let name = figure["name"] as? String ?? "?"
            #expect(figure["suite"] as? String == (name.hasPrefix("path of") ? "onion" : "relay"))
            figures[name] = figure["median"] as? Double
        }
        #expect(Set(figures.keys) == [
            "store commit 1 KiB, 32 tasks", "deposit 1 KiB, 1 client", "deposit 1 KiB, 32 clients", "deposit latency p50, 1 KiB, 32 clients",
            "deposit latency p99, 1 KiB, 32 clients", "fetch 1 KiB", "deposit 64 MiB", "fetch 64 MiB",
            "path of 1 relay(s), 1 KiB, latency p50, 1 client", "path of 1 relay(s), 1 KiB, 32 clients",
            "path of 1 relay(s) as an onion layer, 1 KiB, latency p50, 1 client", "path of 1 relay(s) as an onion layer, 1 KiB, 32 clients",
            "path of 2 relay(s), 1 KiB, latency p50, 1 client", "path of 2 relay(s), 1 KiB, 32 clients",
            "path of 3 relay(s), 1 KiB, latency p50, 1 client", "path of 3 relay(s), 1 KiB, 32 clients",
        ])
        for (name, value) in figures { #expect(value > 0, "\(name)") }
        let p50 = try #require(figures["deposit latency p50, 1 KiB, 32 clients"])
        let p99 = try #require(figures["deposit latency p99, 1 KiB, 32 clients"])
        #expect(p50 <= p99)
        #expect(results.filter { ($0["name"] as? String ?? "").contains("latency") }.allSatisfy { $0["unit"] as? String == "µs" })
    }

    @Test func compareFlagsFiguresThatMovedTheWrongWay() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let first = try conet.run(["bench", "hash", "--seconds", "0.05", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        var report = try first.json()
        let results = try #require(report["results"] as? [[String: Any]])
        // An earlier run 100 times faster than any machine: every figure is now a regression.
        func earlier(scaledBy factor: Double) throws -> String {
            report["results"] = results.map { figure -> [String: Any] in
                var figure = figure
                figure["median"] = (figure["median"] as? Double ?? 0) * factor
                return figure
            }
            let path = conet.home.appendingPathComponent("earlier-\(factor).json").path
            try JSONSerialization.data(withJSONObject: report).write(to: URL(fileURLWithPath: path))
            return path
        }
        let worse = try conet.run(["bench", "hash", "--seconds", "0.05", "--json", "--compare", try earlier(scaledBy: 100)])
        #expect(worse.status == 1)
        #expect(worse.stderr.contains("regressed"))
        let comparison = try #require(try worse.json()["comparison"] as? [String: Any])
        #expect(comparison["regressions"] as? Int == results.count)
        #expect(comparison["tolerance"] as? Double == 0.1)
        let better = try conet.run(["bench", "hash", "--seconds", "0.05", "--compare", try earlier(scaledBy: 0.01), "--tolerance", "5"])
        #expect(better.status == 0, "\(better.stderr)")
        #expect(better.text.contains("change against the earlier run (tolerance 5.0%)"))
        #expect(!better.text.contains("REGRESSION"))

        let garbage = conet.home.appendingPathComponent("garbage.json")
        try Data("{\"results\": 3}".utf8).write(to: garbage)
        let refused = try conet.run(["bench", "hash", "--seconds", "0.05", "--compare", garbage.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("is not a 'conet bench --json' report"))
    }

    @Test func zstdSuiteTakesACorpusFromAFile() throws {
        let conet = try ConetProcess()
        defer { conet.cleanUp() }
        let corpus = conet.home.appendingPathComponent("corpus.txt")
        try Data(String(repeating: "wallet-addressed relay ", count: 20000).utf8).write(to: corpus)
        let result = try conet.run(["bench", "zstd", "--seconds", "0.05", "--json", "--input", corpus.path])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try result.json()
        #expect(report["input"] as? String == corpus.path)
        let results = try #require(report["results"] as? [[String: Any]])
        let notes = results.compactMap { $0["note"] as? String }
        #expect(notes.count == 3)
        // Such repetitive text shrinks far more than the built-in corpus (ratio about 0.85).
        for note in notes { #expect((Double(note.replacingOccurrences(of: "ratio ", with: "")) ?? 1) < 0.05, "\(note)") }

        let empty = conet.home.appendingPathComponent("empty")
        try Data().write(to: empty)
        #expect(try conet.run(["bench", "zstd", "--input", empty.path]).status == 2)
        #expect(try conet.run(["bench", "zstd", "--input", conet.home.appendingPathComponent("missing").path]).status == 4)
    }
}
