import Foundation

/// Something conet reads a stream from: a file descriptor, bytes in memory, or a decoder over
/// another source. `read(upTo:)` returns at most `count` bytes, and an empty array only at the end.
public protocol ByteSource: AnyObject {
    func read(upTo count: Int) throws -> [UInt8]
}

extension ByteSource {
    /// Reads until `count` bytes or the end; fewer than `count` means the input ended.
    public func read(exactly count: Int) throws -> [UInt8] {
        var bytes = try read(upTo: count)
        while bytes.count < count {
            let more = try read(upTo: count - bytes.count)
            if more.isEmpty { break }
            bytes += more
        }
        return bytes
    }
}

/// Bytes already in memory, read front to back.
public final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(upTo count: Int) throws -> [UInt8] {
        let end = min(bytes.count, offset + count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// A file descriptor (a file, a pipe, standard input), read with `read(2)`.
public final class FileDescriptorSource: ByteSource {
    private let descriptor: Int32
    private let owned: Bool
    /// Bytes read so far.
    public private(set) var byteCount = 0

    /// Reads a descriptor the caller keeps open (and closes).
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        owned = false
    }

    /// Opens the file at `path` for reading; it is closed when the source goes away.
    /// - Throws: `FileError.notFound`, or `.io` naming the path and the system's reason.
    public init(path: String) throws(FileError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw .notFound(path) }
            throw .io("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        owned = true
    }

    deinit {
        if owned { close(descriptor) }
    }

    public func read(upTo count: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            while true {
                let n = Foundation.read(descriptor, buffer.baseAddress, count)
                if n >= 0 { initialized = n; return }
                if errno != EINTR { failure = errno; initialized = 0; return }
            }
        }
        guard failure == 0 else { throw FileError.io("cannot read input: \(String(cString: strerror(failure)))") }
        byteCount += bytes.count
        return bytes
    }
}

/// A source that can look at its first bytes before deciding how to read them (armored or not).
public final class PeekableSource: ByteSource {
    private let base: ByteSource
    private var buffered: [UInt8] = []

    public init(_ base: ByteSource) { self.base = base }

    /// Up to `count` bytes from the front, without consuming them.
    public func peek(_ count: Int) throws -> [UInt8] {
        if buffered.count < count { buffered += try base.read(exactly: count - buffered.count) }
        return Array(buffered.prefix(count))
    }

    public func read(upTo count: Int) throws -> [UInt8] {
        guard !buffered.isEmpty else { return try base.read(upTo: count) }
        let taken = Array(buffered.prefix(count))
        buffered.removeFirst(taken.count)
        return taken
    }
}
