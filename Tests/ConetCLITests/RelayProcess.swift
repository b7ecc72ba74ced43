import ConetCore
import Foundation
import Testing

/// A real `conet relay` process on 127.0.0.1 with port 0, in a test's home, with its wallet "relay".
final class RelayProcess: @unchecked Sendable {
    let conet: ConetProcess
    let data: URL
    let logFile: URL
    private(set) var process: Process
    private(set) var endpoint: String
    let environment: [String: String]
    let wallet: String

    /// Starts the relay (creating its wallet on first use) and waits for its endpoint line.
    init(
        _ conet: ConetProcess, wallet: String = "relay", arguments: [String] = [], data: URL? = nil, environment: [String: String] = [:]
    ) throws {
        self.conet = conet
        self.environment = environment
        self.data = data ?? conet.home.appendingPathComponent(wallet == "relay" ? "relay-data" : "\(wallet)-data")
        logFile = conet.home.appendingPathComponent("\(wallet)-\(UUID().uuidString.prefix(8)).log")
        if !FileManager.default.fileExists(atPath: conet.home.appendingPathComponent("wallets/\(wallet).json").path) {
            let made = try conet.run(["wallet", "new", wallet, "--light"], password: "pw")
            try #require(made.status == 0, "\(made.stderr)")
        }
        self.wallet = wallet
        (process, endpoint) = try Self.launch(conet, wallet: wallet, data: self.data, log: logFile, arguments: arguments, environment: environment)
    }

    private static func launch(
        _ conet: ConetProcess, wallet: String, data: URL, log: URL, arguments: [String], environment extra: [String: String]
    ) throws -> (Process, String) {
        let process = Process()
        process.executableURL = ConetProcess.binary
        process.arguments = ["relay", "--listen", "127.0.0.1:0", "--wallet", wallet, "--data", data.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["CONET_HOME"] = conet.home.path
        environment["CONET_PASSWORD"] = "pw"
        environment.merge(extra) { $1 }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        var line = Data()
        let deadline = Date().addingTimeInterval(30)
        while !line.contains(0x0a) {
            guard Date() < deadline, process.isRunning else {
                throw RelayTestError("the relay did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { usleep(10_000) } else { line += chunk }
        }
        let endpoint = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (process, endpoint)
    }

    /// Restarts on the same data folder (a new port).
    func restart(arguments: [String] = []) throws {
        (process, endpoint) = try Self.launch(conet, wallet: wallet, data: data, log: logFile, arguments: arguments, environment: environment)
    }

    var parsedEndpoint: RelayEndpoint { try! RelayEndpoint(endpoint) }
    var port: Int { parsedEndpoint.port }
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// SIGTERM, then waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    func killHard() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Resident memory of the relay process, in KiB.
    var residentKiB: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    deinit { stop() }
}

struct RelayTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Raw TCP to the relay, for feeding it garbage.
enum RawSocket {
    /// Connects from `source` (any address of 127.0.0.0/8 is this machine's loopback), so a test
    /// can be several remote addresses at once.
    static func connect(port: Int, from source: String? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { close(fd); throw RelayTestError("bind to \(source) failed: \(errno)") }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw RelayTestError("connect failed: \(errno)") }
        return fd
    }

    /// Waits up to `seconds` for the peer to close; true if it did.
    static func closedByPeer(_ fd: Int32, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 100) == 1 {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { return true }
            }
        }
        return false
    }
}

extension ByteSource {
    /// Everything left in the source (a fetched message, in tests).
    func readAll() throws -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let piece = try read(upTo: 1 << 16)
            if piece.isEmpty { return bytes }
            bytes += piece
        }
    }
}
