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

/// A file written in full under a temporary name next to its destination, then fsynced and moved
/// into place by `commit`. Until then the destination does not exist (or keeps its old content),
/// and a `StagedFile` dropped without `commit` removes its temporary file.
public final class StagedFile: @unchecked Sendable {
    public let destination: URL
    /// The temporary file's path, for a signal handler that must remove it on interruption.
    public let temporaryPath: String
    private let writer: FileDescriptorWriter
    private let mode: mode_t
    private var open = true
    private var committed = false

    /// Creates the temporary file in `staging` (default: the destination's folder, so the final
    /// rename stays on one file system).
    public init(destination: URL, mode: mode_t, staging: URL? = nil) throws(FileError) {
        let folder = staging ?? destination.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).partial")
        let fd = Foundation.open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .io("cannot create a file in \(folder.path): \(AtomicFile.errnoText())") }
        self.destination = destination
        self.temporaryPath = temporary.path
        self.mode = mode
        writer = FileDescriptorWriter(descriptor: fd, name: destination.path)
    }

    deinit {
        if open { close(writer.descriptor) }
        if !committed { unlink(temporaryPath) }
    }

    public func write(_ bytes: some ContiguousBytes) throws(FileError) {
        try writer.write(bytes)
    }

    /// Flushes to disk and gives the file its final name.
    /// - Parameter overwrite: when false, fails with `FileError.exists` if the destination exists.
    public func commit(overwrite: Bool) throws(FileError) {
        try syncAndClose()
        if overwrite {
            guard rename(temporaryPath, destination.path) == 0 else { throw .io("cannot rename into \(destination.path): \(AtomicFile.errnoText())") }
        } else {
            // link() fails atomically when the name exists, unlike a check followed by rename().
            guard link(temporaryPath, destination.path) == 0 else {
                if errno == EEXIST { throw .exists(destination.path) }
                throw .io("cannot create \(destination.path): \(AtomicFile.errnoText())")
            }
            unlink(temporaryPath)
        }
        committed = true
        AtomicFile.syncFolder(destination.deletingLastPathComponent())
    }

    /// Flushes to disk and hands the temporary file over, still under its temporary name, to a
    /// caller that moves it itself (the relay's store renames bodies in before indexing them).
    public func detach() throws(FileError) -> URL {
        try syncAndClose()
        committed = true
        return URL(fileURLWithPath: temporaryPath)
    }

    private func syncAndClose() throws(FileError) {
        precondition(!committed, "StagedFile committed twice")
        guard fchmod(writer.descriptor, mode) == 0, fsync(writer.descriptor) == 0 else {
            throw .io("cannot sync \(destination.path): \(AtomicFile.errnoText())")
        }
        close(writer.descriptor)
        open = false
    }
}
