import ArgumentParser
import ConetCore
import Foundation

/// `conet bench`: measure conet's layers, and the cost of its Swift layer over the C libraries.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the crypto, compression and envelope layers.",
        discussion: """
            Suites: \(BenchSuites.all.joined(separator: ", ")) (default: all). Each figure is the median of 5 \
            timed runs after a warm-up, with the min and max. For primitives, the same operation is also \
            timed as a direct call into libsecp256k1 or libsodium: 'ratio' is conet's rate over the \
            direct rate (1.0 means the Swift layer costs nothing).

            JSON (--json): {conet, cores, cpu, libsodium, results: [{direct?, max, median, min, name, \
            ratio?, runs, suite, unit}], seconds, zstd}.

            EXIT STATUS: 0 done; 2 unknown suite or bad --seconds.

            EXAMPLES:
              conet bench
              conet bench aead keys --seconds 1 --json > before.json
            """)

    @Argument(help: ArgumentHelp("Suites to run (default: all).", valueName: "SUITE"))
    var suites: [String] = []

    @Option(help: ArgumentHelp("Seconds of timing per figure (split over 5 runs; the direct C timing doubles it).", valueName: "S"))
    var seconds = 0.5

    @OptionGroup var json: JSONOption

    struct Report: Encodable {
        let conet: String
        let libsodium: String
        let zstd: String
        let cores: Int
        let cpu: String
        let seconds: Double
        let results: [BenchFigure]
    }

    func validate() throws {
        guard seconds > 0, seconds <= 60 else { throw ValidationError("--seconds must be above 0 and at most 60") }
        for suite in suites where !BenchSuites.all.contains(suite) {
            throw ValidationError("unknown suite '\(suite)' (known: \(BenchSuites.all.joined(separator: ", ")))")
        }
    }

    func run() throws {
        try reportingErrors {
            let watch = Stopwatch(seconds: seconds)
            var results: [BenchFigure] = []
            for suite in suites.isEmpty ? BenchSuites.all : suites {
                let figures = try BenchSuites.run(suite, stopwatch: watch)
                if !json.json { figures.forEach { print(Self.line($0)) } }
                results += figures
            }
            let versions = LibraryVersions.current
            let report = Report(
                conet: versions.conet, libsodium: versions.libsodium, zstd: versions.zstd,
                cores: ProcessInfo.processInfo.activeProcessorCount, cpu: Self.cpuModel(), seconds: seconds, results: results)
            if json.json { try Output.printJSON(report) }
        }
    }

    static func line(_ figure: BenchFigure) -> String {
        let name = "\(figure.suite) \(figure.name)".padding(toLength: 46, withPad: " ", startingAt: 0)
        var text = name + String(format: "%12.1f %-5@ (%.1f–%.1f)", figure.median, figure.unit, figure.min, figure.max)
        if let direct = figure.direct, let ratio = figure.ratio {
            text += String(format: "   C %12.1f   ratio %.3f", direct, ratio)
        }
        return text
    }

    static func cpuModel() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }
}
