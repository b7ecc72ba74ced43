import Foundation
import Testing

/// Runs the built `conet` binary (found next to the test bundle, or at `$CONET_BINARY`) with a
/// private `CONET_HOME`, and captures what it prints.
struct ConetProcess {
    struct Result {
        let status: Int32
        let stdout: Data
        let stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }

        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: stdout)
            return try #require(object as? [String: Any], "stdout is not a JSON object: \(text)")
        }
    }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["CONET_BINARY"] { return URL(fileURLWithPath: path) }
        var directory = Bundle.main.bundleURL
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("conet")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/conet")
    }

    /// A fresh, empty home folder for one test.
    let home: URL

    init() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("conet-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: home)
    }

    /// Runs `conet` with `arguments`, feeding `stdin`, with extra environment variables.
    @discardableResult
    func run(_ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:]) throws -> Result {
        try launch(Self.binary, arguments, stdin: stdin, environment: environment)
    }

    /// Runs a bash script with `$CONET` naming the binary, for pipelines and process limits.
    @discardableResult
    func shell(_ script: String, environment: [String: String] = [:]) throws -> Result {
        var environment = environment
        environment["CONET"] = Self.binary.path
        return try launch(URL(fileURLWithPath: "/bin/bash"), ["-o", "pipefail", "-c", script], stdin: Data(), environment: environment)
    }

    private func launch(_ executable: URL, _ arguments: [String], stdin: Data, environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = home
        var env = ProcessInfo.processInfo.environment
        env["CONET_HOME"] = home.path
        env.removeValue(forKey: "CONET_PASSWORD")
        env.removeValue(forKey: "CONET_WALLET")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Feed stdin and drain stderr on their own threads while this one drains stdout, so no
        // pipe fills up and stalls the child (or us).
        nonisolated(unsafe) var errorData = Data()
        let errorReader = Thread { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        errorReader.start()
        // A child that fails early stops reading: ignore SIGPIPE and the write error it causes.
        signal(SIGPIPE, SIG_IGN)
        let inputWriter = Thread {
            try? input.fileHandleForWriting.write(contentsOf: stdin)
            try? input.fileHandleForWriting.close()
        }
        inputWriter.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorReader.isFinished || !inputWriter.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: outputData, stderr: String(decoding: errorData, as: UTF8.self))
    }
}
