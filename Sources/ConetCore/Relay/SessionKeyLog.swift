import Foundation

/// `CONET_KEYLOG=FILE`: clients and relays append each session's record keys to FILE, one line
/// per session, like SSLKEYLOGFILE for TLS, so `conet inspect --capture --keylog FILE` can decrypt
/// a captured session. A debugging aid: whoever reads FILE reads those sessions.
///
/// Line format: `CONET_RELAY_SESSION <transcript> <client-to-relay key> <relay-to-client key>`,
/// each in lowercase hex; the transcript is the handshake hash both hellos determine.
public enum SessionKeyLog {
    public static let environmentVariable = "CONET_KEYLOG"
    static let label = "CONET_RELAY_SESSION"

    /// One session's keys as read back from a key log.
    public struct Entry: Sendable {
        public let clientToRelay: SecretBytes
        public let relayToClient: SecretBytes
    }

    /// The key log file named by the environment, if any (read once: sessions ask every time).
    public static let path: String? = ProcessInfo.processInfo.environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }

    /// Appends `keys` to the key log when `CONET_KEYLOG` is set; one `write` per line, so lines
    /// from concurrent sessions and processes do not interleave. Failures are ignored: the log
    /// must never break a session.
    public static func append(_ keys: RelayHandshake.Keys) {
        guard let path else { return }
        var line = Array("\(label) \(Hex.encode(keys.transcript)) ".utf8)
        keys.clientToRelay.withUnsafeBytes { line += Hex.encode($0).utf8 }
        line += Array(" ".utf8)
        keys.relayToClient.withUnsafeBytes { line += Hex.encode($0).utf8 }
        line.append(0x0A)
        defer { Memory.wipe(&line) }
        guard let fd = try? openForAppending(path) else { return }
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    /// Why the key log at `CONET_KEYLOG` will not be written, or nil if it will be (or is unset).
    public static var problem: String? {
        guard let path else { return nil }
        do {
            close(try openForAppending(path))
            return nil
        } catch {
            return error.localizedDescription
        }
    }

    /// Opens the key log for appending, creating it 0600. Keys are secrets: a symbolic link (which
    /// could point anywhere), a file someone else owns or others may read, or something other than
    /// a regular file is refused rather than written.
    static func openForAppending(_ path: String) throws(FileError) -> Int32 {
        // Non-blocking, so a FIFO cannot hold the open; the check below then refuses it.
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == ELOOP { throw .io("\(environmentVariable) \(path) is a symbolic link; name the file itself") }
            throw .io("cannot open \(environmentVariable) \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .io("\(environmentVariable) \(path) is not a regular file")
        }
        _ = fcntl(fd, F_SETFL, O_WRONLY | O_APPEND)
        guard status.st_uid == geteuid(), status.st_mode & 0o077 == 0 else {
            close(fd)
            throw .io("\(environmentVariable) \(path) may be read by others (mode \(String(status.st_mode & 0o777, radix: 8))); chmod 600 it or name a new file")
        }
        return fd
    }

    /// Parses a key log: entries by transcript (hex). Lines that are not session lines (comments,
    /// other tools' lines) are skipped; a malformed session line is an error naming its number.
    public static func parse(_ text: String) throws(RelayError) -> [String: Entry] {
        var entries: [String: Entry] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(separator: " ")
            guard fields.first == Substring(label) else { continue }
            guard fields.count == 4, fields[1].count == 64,
                  var c2r = try? Hex.decode(String(fields[2])), var r2c = try? Hex.decode(String(fields[3])),
                  c2r.count == 32, r2c.count == 32, (try? Hex.decode(String(fields[1]))) != nil
            else { throw .protocolViolation("key log line \(number + 1) is not '\(label) TRANSCRIPT KEY KEY' in hex") }
            entries[fields[1].lowercased()] = Entry(clientToRelay: SecretBytes(c2r), relayToClient: SecretBytes(r2c))
            Memory.wipe(&c2r)
            Memory.wipe(&r2c)
        }
        return entries
    }
}
