import ArgumentParser
import ConetCore
import Foundation

/// `conet bench`: measure conet's layers, and the cost of its Swift layer over the C libraries.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the crypto, compression and envelope layers.",
        discussion: """
            Suites: \(BenchSuites.all.joined(separator: ", ")) (default: all). Each figure is the median of 5 \
            timed runs after a warm-up, with the min and max. For primitives, the same operation is also \
            timed as a direct call into libsecp256k1 or libsodium: 'ratio' is conet's rate over the \
            direct rate (1.0 means the Swift layer costs nothing). The relay suite starts a relay in \
            this process on 127.0.0.1 (a free port) with its store in a temporary folder, removed \
            afterwards; its deposits are durable (fsynced) as in 'conet relay'. Its first figure times \
            the store alone (32 tasks committing, no sockets), to tell the store's share from the \
            network's. The onion suite starts three such relays and sends 1 KiB messages over paths of \
            1 (a direct deposit), 2 and 3 of them, and over a path of 1 as an onion layer for that \
            relay (what the last hop of every onion costs, next to a direct deposit).

            --compare OLD.json matches figures by suite and name and prints each one's change; a rate \
            that fell, or a latency (unit µs) that rose, by more than --tolerance is a regression.

            JSON (--json): {comparison?: {changes: [{change, name, new, old, regression, suite, unit}], \
            regressions, tolerance, unmatched: [NAME]}, conet, cores, cpu, input?, libsodium, \
            results: [{direct?, max, median, min, name, note?, ratio?, runs, suite, unit}], seconds, zstd}. \
            'change' and 'tolerance' are fractions (0.1 is 10%).

            EXIT STATUS: 0 done (and no regression); 1 --compare found a regression; 2 an empty --input or \
            an OLD.json that is not a report; 4 --input or OLD.json does not exist; 5 any other failure \
            (a relay could not start, a file could not be read); 64 unknown suite, bad \
            --seconds or --tolerance.

            ENVIRONMENT: TMPDIR (default /tmp) for the relay and onion suites' stores.

            FILES: the relay and onion suites write temporary stores (conet-bench-UUID under $TMPDIR) and \
            remove them when done; --input and OLD.json are only read.

            EXAMPLES:
              conet bench
              conet bench aead keys --seconds 1 --json > before.json
              conet bench aead keys --seconds 1 --compare before.json --tolerance 5
              conet bench zstd --input corpus.tar
            """)

    @Argument(help: ArgumentHelp("Suites to run (default: all).", valueName: "SUITE"))
    var suites: [String] = []

    @Option(help: ArgumentHelp("Seconds of timing per figure (split over 5 runs; the direct C timing doubles it).", valueName: "S"))
    var seconds = 0.5

    @Option(help: ArgumentHelp("A file to use as the zstd suite's corpus instead of the built-in one (at most 256 MiB).", valueName: "FILE"))
    var input: String?

    @Option(help: ArgumentHelp("An earlier 'conet bench --json' report: print how each figure changed.", valueName: "OLD.json"))
    var compare: String?

    @Option(help: ArgumentHelp("With --compare: the change, in percent, beyond which a figure counts as a regression.", valueName: "PERCENT"))
    var tolerance = 10.0

    @OptionGroup var json: JSONOption

    static let maxInputBytes = 256 << 20

    struct Report: Encodable {
        let conet: String
        let input: String?
        let comparison: BenchComparison?
        let libsodium: String
        let zstd: String
        let cores: Int
        let cpu: String
        let seconds: Double
        let results: [BenchFigure]
    }

    func validate() throws {
        guard seconds > 0, seconds <= 60 else { throw ValidationError("--seconds must be above 0 and at most 60") }
        guard tolerance >= 0, tolerance <= 1000 else { throw ValidationError("--tolerance must be a percentage from 0 to 1000") }
        for suite in suites where !BenchSuites.all.contains(suite) {
            throw ValidationError("unknown suite '\(suite)' (known: \(BenchSuites.all.joined(separator: ", ")))")
        }
    }

    /// The figures of an earlier report; anything else in it is ignored.
    struct EarlierReport: Decodable {
        let results: [BenchFigure]
    }

    func run() async throws {
        // The suites block while they time; on a thread of their own they leave both threads of
        // the cooperative pool to the relays that the relay and onion suites run in this process.
        try await Self.onOwnThread { try measure() }
    }

    func measure() throws {
        try reportingErrors {
            let corpus = try input.map { [UInt8](try Input.read($0, limit: Self.maxInputBytes, what: "the --input corpus")) }
            if let corpus, corpus.isEmpty { throw CommandError(.invalidInput, "the --input corpus \(input!) is empty") }
            let earlier = try compare.map(Self.readReport)
            let watch = Stopwatch(seconds: seconds)
            var results: [BenchFigure] = []
            for suite in suites.isEmpty ? BenchSuites.all : suites {
                let figures = try BenchSuites.run(suite, stopwatch: watch, corpus: corpus)
                if !json.json { figures.forEach { print(Self.line($0)) } }
                results += figures
            }
            let comparison = earlier.map { BenchComparison(old: $0.results, new: results, tolerance: tolerance / 100) }
            if let comparison, !json.json { Self.printComparison(comparison) }
            let versions = LibraryVersions.current
            let report = Report(
                conet: versions.conet, input: input, comparison: comparison, libsodium: versions.libsodium, zstd: versions.zstd,
                cores: ProcessInfo.processInfo.activeProcessorCount, cpu: Self.cpuModel(), seconds: seconds, results: results)
            if json.json { try Output.printJSON(report) }
            if let comparison, comparison.regressions > 0 {
                Output.printError("\(comparison.regressions) figure(s) regressed by more than \(tolerance)% against \(compare!)")
                throw ExitCode(ExitStatus.checkFailed.rawValue)
            }
        }
    }

    /// Runs blocking work on a new thread and waits for it without holding a pool thread.
    static func onOwnThread(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 8 << 20  // the main thread's, which the suites ran on before
            thread.start()
        }
    }

    static func readReport(_ path: String) throws -> EarlierReport {
        let data = try Input.read(path, limit: 16 << 20, what: "the --compare report")
        do {
            return try JSONDecoder().decode(EarlierReport.self, from: data)
        } catch {
            throw CommandError(.invalidInput, "\(path) is not a 'conet bench --json' report (\(Output.describe(decodingError: error)))")
        }
    }

    static func printComparison(_ comparison: BenchComparison) {
        print("\nchange against the earlier run (tolerance \(String(format: "%.1f", comparison.tolerance * 100))%):")
        for change in comparison.changes {
            let name = "\(change.suite) \(change.name)".padding(toLength: 46, withPad: " ", startingAt: 0)
            print(name + String(format: "%12.1f → %12.1f %-5@ %+7.1f%%", change.old, change.new, change.unit, change.change * 100)
                + (change.regression ? "   REGRESSION" : ""))
        }
        for name in comparison.unmatched { print("\(name): not in the earlier run") }
    }

    static func line(_ figure: BenchFigure) -> String {
        let name = "\(figure.suite) \(figure.name)".padding(toLength: 46, withPad: " ", startingAt: 0)
        var text = name + String(format: "%12.1f %-5@ (%.1f–%.1f)", figure.median, figure.unit, figure.min, figure.max)
        if let direct = figure.direct, let ratio = figure.ratio {
            text += String(format: "   C %12.1f   ratio %.3f", direct, ratio)
        }
        if let note = figure.note { text += "   " + note }
        return text
    }

    static func cpuModel() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }
}
