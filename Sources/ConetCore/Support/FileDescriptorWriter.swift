import Foundation

/// Writes whole buffers to a file descriptor, retrying short writes and interrupted calls.
public struct FileDescriptorWriter: Sendable {
    public let descriptor: Int32
    /// What the descriptor is, for error messages ("standard output", a path).
    public let name: String

    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    public func write(_ bytes: some ContiguousBytes) throws(FileError) {
        let failure: Int32 = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
        guard failure == 0 else { throw .io("cannot write \(name): \(String(cString: strerror(failure)))") }
    }
}

/// A file written in full without its final name, then fsynced and moved into place by `commit`.
/// Until then the destination does not exist (or keeps its old content). On Linux the file is
/// unnamed (`O_TMPFILE`): a process killed before `commit`, even by SIGKILL, leaves nothing
/// behind. Where the file system refuses unnamed files, it is a hidden `.NAME.UUID.partial` next
/// to the destination, removed when a `StagedFile` is dropped without `commit`.
public final class StagedFile: @unchecked Sendable {
    public let destination: URL
    /// A path that opens the file for reading while it is staged (`/proc/self/fd/N` when it is
    /// unnamed).
    public let temporaryPath: String
    /// Whether the staged file has a name of its own that an interruption must remove.
    public let isNamed: Bool
    private let folder: URL
    private let writer: FileDescriptorWriter
    private let mode: mode_t
    private var open = true
    private var committed = false

    /// Creates the staged file in `staging` (default: the destination's folder, so the final
    /// link or rename stays on one file system).
    public init(destination: URL, mode: mode_t, staging: URL? = nil) throws(FileError) {
        let folder = staging ?? destination.deletingLastPathComponent()
        var fd = Self.openUnnamed(in: folder, mode: mode)
        if fd >= 0 {
            temporaryPath = "/proc/self/fd/\(fd)"
            isNamed = false
        } else {
            let temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).partial")
            fd = Foundation.open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            guard fd >= 0 else { throw .io("cannot create a file in \(folder.path): \(AtomicFile.errnoText())") }
            temporaryPath = temporary.path
            isNamed = true
        }
        self.destination = destination
        self.folder = folder
        self.mode = mode
        writer = FileDescriptorWriter(descriptor: fd, name: destination.path)
    }

    /// An unnamed file in `folder`, or -1 where that is not available.
    private static func openUnnamed(in folder: URL, mode: mode_t) -> Int32 {
        #if os(Linux)
        // O_TMPFILE is a C macro Swift does not import: __O_TMPFILE (octal 20000000 in the
        // generic Linux ABI, x86-64 and arm64 alike) with O_DIRECTORY.
        let temporaryFile: Int32 = 0o20000000 | O_DIRECTORY
        return Foundation.open(folder.path, temporaryFile | O_WRONLY | O_CLOEXEC, mode)
        #else
        return -1
        #endif
    }

    deinit {
        if open { close(writer.descriptor) }
        if !committed && isNamed { unlink(temporaryPath) }
    }

    public func write(_ bytes: some ContiguousBytes) throws(FileError) {
        try writer.write(bytes)
    }

    /// Flushes to disk and gives the file its final name.
    /// - Parameter overwrite: when false, fails with `FileError.exists` if the destination exists.
    public func commit(overwrite: Bool) throws(FileError) {
        guard overwrite else { return try commit(to: destination) }
        try sync()
        let named = try nameInFolder()
        guard rename(named, destination.path) == 0 else {
            let why = AtomicFile.errnoText()
            unlink(named)
            throw .io("cannot rename into \(destination.path): \(why)")
        }
        finishCommit(in: destination)
    }

    /// Commits under the first free name of `destination`, `NAME-2`, `NAME-3`, ...: for files
    /// whose name is not theirs to choose (a relay names fetched messages), so nothing is ever
    /// replaced. Returns the name taken.
    public func commitUnderFreeName(attempts: Int = 1000) throws(FileError) -> URL {
        let folder = destination.deletingLastPathComponent(), name = destination.lastPathComponent
        for number in 1...max(1, attempts) {
            let candidate = number == 1 ? destination : folder.appendingPathComponent("\(name)-\(number)")
            do {
                try commit(to: candidate)
                return candidate
            } catch .exists(_) {
                continue
            }
        }
        throw .exists(destination.path)
    }

    /// Links the file as `candidate`; link() fails atomically when the name exists, unlike a
    /// check followed by rename().
    private func commit(to candidate: URL) throws(FileError) {
        try sync()
        guard link(at: candidate.path) == 0 else {
            if errno == EEXIST { throw .exists(candidate.path) }
            throw .io("cannot create \(candidate.path): \(AtomicFile.errnoText())")
        }
        if isNamed { unlink(temporaryPath) }
        finishCommit(in: candidate)
    }

    /// The file has its name: close it and make the name durable.
    private func finishCommit(in named: URL) {
        committed = true
        closeDescriptor()
        AtomicFile.syncFolder(named.deletingLastPathComponent())
    }

    /// Flushes to disk and hands the file over under a temporary name in the staging folder, to a
    /// caller that moves it itself (the relay's store renames bodies in before indexing them).
    public func detach() throws(FileError) -> URL {
        try sync()
        defer { closeDescriptor() }
        let named = try nameInFolder()
        committed = true
        return URL(fileURLWithPath: named)
    }

    /// The file's temporary name, giving an unnamed file one first.
    private func nameInFolder() throws(FileError) -> String {
        guard !isNamed else { return temporaryPath }
        let named = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).partial").path
        guard link(at: named) == 0 else { throw .io("cannot create a file in \(folder.path): \(AtomicFile.errnoText())") }
        return named
    }

    /// Gives the staged file the name `path` (a hard link: the name must not exist).
    private func link(at path: String) -> Int32 {
        #if os(Linux)
        if !isNamed { return linkat(AT_FDCWD, temporaryPath, AT_FDCWD, path, AT_SYMLINK_FOLLOW) }
        #endif
        return Foundation.link(temporaryPath, path)
    }

    private func sync() throws(FileError) {
        precondition(!committed, "StagedFile committed twice")
        guard fchmod(writer.descriptor, mode) == 0, fsync(writer.descriptor) == 0 else {
            throw .io("cannot sync \(destination.path): \(AtomicFile.errnoText())")
        }
    }

    private func closeDescriptor() {
        guard open else { return }
        close(writer.descriptor)
        open = false
    }
}
