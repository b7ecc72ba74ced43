import ConetFuzzTargets
import Foundation
import Testing

/// Replays the fuzzing corpus through the entry points libFuzzer calls (`make fuzz`): every seed
/// in `Fuzz/Corpus/TARGET/`, and every input a fuzzing run saved in `Fuzz/Crashes/TARGET/`. A
/// saved input runs in a child process (an exit test), so a bug that still traps fails its own
/// test and names its file instead of stopping the whole suite.
@Suite struct FuzzReplayTests {
    /// `Fuzz/` at the top of the repository, found from this file's path.
    static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The files of `Fuzz/KIND/TARGET/`, by path, sorted (hidden files and READMEs are not inputs).
    static func inputs(_ kind: String, _ target: String) -> [URL] {
        let folder = fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !$0.hasPrefix("README") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Every saved crash, as "TARGET/FILE".
    static let crashes: [String] = FuzzTarget.all.flatMap { target in
        inputs("Crashes", target.name).map { "\(target.name)/\($0.lastPathComponent)" }
    }

    @Test("every corpus folder belongs to a target and every target has seeds")
    func corpusMatchesTargets() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.fuzzFolder.appendingPathComponent("Corpus").path)
            .filter { !$0.hasPrefix(".") }
        #expect(Set(folders) == Set(FuzzTarget.all.map(\.name)))
        for target in FuzzTarget.all {
            #expect(!Self.inputs("Corpus", target.name).isEmpty, "Fuzz/Corpus/\(target.name) holds no seeds")
        }
    }

    @Test("the seed corpus runs through its target", arguments: FuzzTarget.all.map(\.name))
    func corpus(_ name: String) async throws {
        let target = try #require(FuzzTarget.named(name))
        let inputs = try Self.inputs("Corpus", name).map { try [UInt8](Data(contentsOf: $0)) }
        await Self.offThePool { for input in inputs { target.run(input) } }
    }

    /// Runs blocking work (a target waits for its relay session) on a thread of its own, so that
    /// it never holds a thread of the cooperative pool that other tests, or the session, need.
    static func offThePool(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                work()
                done.resume()
            }.start()
        }
    }

    @Test("a saved crash no longer crashes", arguments: crashes)
    func crash(_ path: String) async throws {
        await #expect(processExitsWith: .success, "Fuzz/Crashes/\(path) still fails its target") { [path] in
            let name = String(path.split(separator: "/")[0])
            let file = FuzzReplayTests.fuzzFolder.appendingPathComponent("Crashes").appendingPathComponent(path)
            FuzzTarget.named(name)?.run(try [UInt8](Data(contentsOf: file)))
        }
    }

    /// Rewrites `Fuzz/Corpus` from real objects (`FuzzSeeds`): every target's folder with
    /// `CONET_FUZZ_WRITE_SEEDS=1`, or only the targets listed (`CONET_FUZZ_WRITE_SEEDS=armor,card`):
    /// `CONET_FUZZ_WRITE_SEEDS=1 swift test --filter FuzzReplayTests/writeSeeds`. Seeds hold fresh
    /// random keys and ids each time, so rewrite only what changed.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CONET_FUZZ_WRITE_SEEDS"] != nil))
    func writeSeeds() throws {
        let chosen = ProcessInfo.processInfo.environment["CONET_FUZZ_WRITE_SEEDS"] ?? ""
        var fixtures: [String: [UInt8]] = [:]
        for name in ["keystore-v3.json", "bip39-bip44.json", "relay-session.pcap", "relay-session.pcapng"] {
            fixtures[name] = try [UInt8](Data(contentsOf: Fixtures.url(name)))
        }
        let corpus = Self.fuzzFolder.appendingPathComponent("Corpus")
        for (target, files) in try FuzzSeeds.make(fixtures: fixtures)
        where chosen == "1" || chosen.split(separator: ",").contains(Substring(target)) {
            let folder = corpus.appendingPathComponent(target)
            try? FileManager.default.removeItem(at: folder)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, bytes) in files {
                try Data(bytes).write(to: folder.appendingPathComponent(name))
            }
        }
    }
}
