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
}
