import Foundation

/// Writes files so that a crash, a full disk or a kill at any instant leaves either the old file
/// or the complete new one, never a partial one: the bytes go to a temporary file in a staging
/// folder on the same file system, are fsynced, then renamed (or hard-linked, to refuse
/// overwriting) into place, and the folder is fsynced so the new name is durable too.
public enum AtomicFile {
    /// Writes `data` to `destination` with permissions `mode`.
    /// - Parameters:
    ///   - staging: folder for the temporary file; must be on the same file system. Defaults to
    ///     the destination's folder.
    ///   - overwrite: when false, fails with `FileError.exists` if the destination exists.
    public static func write(
        _ data: Data, to destination: URL, mode: mode_t = 0o600, staging: URL? = nil, overwrite: Bool
    ) throws(FileError) {
        let file = try StagedFile(destination: destination, mode: mode, staging: staging)
        try file.write(data)
        try file.commit(overwrite: overwrite)
    }

    /// Creates `folder` (and parents) with `mode` if missing, and tightens its mode if it exists.
    public static func ensureFolder(_ folder: URL, mode: mode_t = 0o700) throws(FileError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(mode)])
        } catch {
            throw .io("cannot create folder \(folder.path): \(error.localizedDescription)")
        }
        chmod(folder.path, mode)
    }

    /// Makes a rename or unlink in `folder` durable.
    public static func syncFolder(_ folder: URL) {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Reads a whole file of at most `limit` bytes.
    public static func read(_ url: URL, limit: Int) throws(FileError) -> Data {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            if !FileManager.default.fileExists(atPath: url.path) { throw .notFound(url.path) }
            throw .io("cannot open \(url.path): permission denied or not a file")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            guard data.count <= limit else { throw FileError.tooLarge(url.path, limit: limit) }
            return data
        } catch let error as FileError {
            throw error
        } catch {
            throw .io("cannot read \(url.path): \(error.localizedDescription)")
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Why a file operation failed.
public enum FileError: Error, Equatable, Sendable, LocalizedError {
    case notFound(String)
    case exists(String)
    case tooLarge(String, limit: Int)
    case io(String)

    public var errorDescription: String? {
        switch self {
        case .notFound(let path): "\(path) does not exist"
        case .exists(let path): "\(path) already exists"
        case .tooLarge(let path, let limit): "\(path) is larger than the \(limit)-byte limit"
        case .io(let why): why
        }
    }
}
