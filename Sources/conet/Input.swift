import ConetCore
import Foundation

/// Reading user-supplied files and standard input, always with a size limit.
enum Input {
    /// Reads `path` (or standard input for `-`), refusing more than `limit` bytes.
    static func read(_ path: String, limit: Int, what: String) throws -> Data {
        if path == "-" {
            let data = try FileHandle.standardInput.read(upToCount: limit + 1) ?? Data()
            guard data.count <= limit else { throw CommandError(.invalidInput, "\(what) on standard input is larger than \(limit) bytes") }
            return data
        }
        return try AtomicFile.read(URL(fileURLWithPath: path), limit: limit)
    }

    /// Reads a small text file (a mnemonic, a key, a password) without its trailing newline.
    static func readLine(_ path: String, what: String) throws -> String {
        let data = try read(path, limit: 4096, what: what)
        guard var text = String(data: data, encoding: .utf8) else { throw CommandError(.invalidInput, "\(what) file \(path) is not UTF-8 text") }
        if text.hasSuffix("\n") { text.removeLast() }
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
