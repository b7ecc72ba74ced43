import ConetCore
import Foundation

/// Where `send` and `recv` write bytes: standard output (never a terminal) or a file staged under
/// a temporary name and renamed into place only after everything verified.
final class BinaryOutput: @unchecked Sendable {
    private let staged: StagedFile?
    private let direct: FileDescriptorWriter?
    let path: String?

    /// - Parameters:
    ///   - path: the file to create; nil or `-` for standard output. A path naming something other
    ///     than a regular file (`/dev/null`, a FIFO) is written directly, never replaced.
    ///   - overwrite: whether an existing file may be replaced (checked now, and again at commit).
    ///   - what: the kind of bytes, for the terminal refusal ("an encrypted message").
    init(path: String?, mode: mode_t, overwrite: Bool, what: String, hint: String) throws {
        self.path = path
        if let path, path != "-" {
            if let device = try Self.openIfNotRegular(path) {
                guard !Terminal.isTerminal(device.descriptor) else {
                    throw CommandError(.invalidInput, "refusing to write \(what) to a terminal; \(hint)")
                }
                staged = nil
                direct = device
                return
            }
            let url = URL(fileURLWithPath: path)
            if !overwrite && FileManager.default.fileExists(atPath: url.path) { throw FileError.exists(path) }
            let staged = try StagedFile(destination: url, mode: mode)
            if staged.isNamed { Interruption.removeOnSignal(staged.temporaryPath) }
            self.staged = staged
            direct = nil
            return
        }
        guard !Terminal.isTerminal(STDOUT_FILENO) else {
            throw CommandError(.invalidInput, "refusing to write \(what) to a terminal; \(hint)")
        }
        staged = nil
        direct = FileDescriptorWriter(descriptor: STDOUT_FILENO, name: "standard output")
    }

    /// Opens `path` for writing when it exists and is not a regular file (a device such as
    /// /dev/null, a FIFO): such a path is written in place, never replaced by a rename.
    static func openIfNotRegular(_ path: String) throws -> FileDescriptorWriter? {
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG else { return nil }
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        return FileDescriptorWriter(descriptor: descriptor, name: path)
    }

    func write(_ bytes: some ContiguousBytes) throws {
        if let staged { try staged.write(bytes) } else { try direct!.write(bytes) }
    }

    /// Gives a staged file its name; nothing to do for standard output or a device.
    func commit(overwrite: Bool) throws {
        try staged?.commit(overwrite: overwrite)
        Interruption.clear()
    }
}

/// Opens a command's input (a file or `-` for standard input) and tells armored from binary.
enum EnvelopeInput {
    struct Opened {
        let source: ByteSource
        let armored: Bool
        /// Counts the raw bytes read (armor included).
        let counter: FileDescriptorSource
    }

    static func open(_ path: String) throws -> Opened {
        let counter = try descriptorSource(path)
        // Any amount of whitespace may come before the armor's BEGIN line.
        let (source, armored) = try Armor.open(ReadAheadSource(counter))
        return Opened(source: source, armored: armored, counter: counter)
    }

    /// A source over the file at `path`, or standard input for `-`.
    static func descriptorSource(_ path: String) throws -> FileDescriptorSource {
        path == "-" ? FileDescriptorSource(descriptor: STDIN_FILENO) : try FileDescriptorSource(path: path)
    }
}

/// Removes a half-written output file when the user interrupts the command.
enum Interruption {
    static func removeOnSignal(_ path: String) {
        let copy = strdup(path)
        let previous = pendingRemoval
        pendingRemoval = copy
        free(previous)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { signal(signalNumber, removePendingAndExit) }
    }

    static func clear() {
        pendingRemoval = nil
    }
}

nonisolated(unsafe) private var pendingRemoval: UnsafeMutablePointer<CChar>?

/// Async-signal-safe: unlink, restore the default action, re-raise so the exit status says why.
private func removePendingAndExit(_ signalNumber: Int32) {
    if let path = pendingRemoval { unlink(path) }
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}
