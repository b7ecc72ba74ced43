import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An unnamed temporary file where the pieces of a report wait for their turn. A capture
/// interleaves its sessions, but a report lists each session whole, in order: each session's
/// pieces are written as they are made, linked into a chain on disk (every piece names the
/// next), and read back chain by chain at the end. Memory holds two offsets per chain and a
/// write buffer, whatever the report's size.
final class CaptureSpool {
    /// Pieces written at different times, read back in the order they were appended.
    struct Chain {
        /// File offsets of the first and last piece; -1 while empty.
        fileprivate(set) var first = -1
        fileprivate(set) var last = -1
        var isEmpty: Bool { first < 0 }
    }

    /// A piece: 8 bytes of length, 8 bytes naming the next piece (-1: none), then the bytes.
    private static let pieceHeader = 16
    private static let bufferLimit = 1 << 20

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// File offset of `buffer`'s first byte.
    private var flushed = 0

    /// Creates the file in the temporary directory and unlinks it at once: it goes away with
    /// the process, however that ends.
    init() throws(FileError) {
        descriptor = try Self.openUnnamedFile()
        buffer.reserveCapacity(Self.bufferLimit)
    }

    deinit { close(descriptor) }

    /// Bytes written so far (the offset the next piece gets).
    var size: Int { flushed + buffer.count }

    /// Appends `bytes` as the next piece of `chain`.
    func append(_ bytes: some Collection<UInt8>, to chain: inout Chain) throws(FileError) {
        let at = try write(bytes, next: -1)
        if chain.last >= 0 { try patch(at: chain.last + 8, chain: at) } else { chain.first = at }
        chain.last = at
    }

    /// Puts `bytes` in front of `chain` as its new first piece.
    func prepend(_ bytes: some Collection<UInt8>, to chain: inout Chain) throws(FileError) {
        let at = try write(bytes, next: chain.first)
        if chain.last < 0 { chain.last = at }
        chain.first = at
    }

    /// Hands `chain`'s bytes to `output` in order, a piece (or a megabyte of one) at a time.
    func read(_ chain: Chain, into output: (ArraySlice<UInt8>) throws -> Void) throws {
        try read(startingAt: chain.first, into: output)
    }

    /// Hands the bytes of the chain whose first piece is at `offset` to `output`.
    func read(startingAt offset: Int, into output: (ArraySlice<UInt8>) throws -> Void) throws {
        try flush()
        var at = offset
        while at >= 0 {
            let header = try read(at: at, count: Self.pieceHeader)
            let length = Self.integer(header[0..<8]), next = Self.integer(header[8..<16])
            var done = 0
            while done < length {
                let step = min(length - done, Self.bufferLimit)
                try output(try read(at: at + Self.pieceHeader + done, count: step)[...])
                done += step
            }
            at = next
        }
    }

    /// Writes what is buffered.
    func flush() throws(FileError) {
        guard !buffer.isEmpty else { return }
        window = (0, [])
        try Self.pwriteAll(descriptor, buffer[...], at: flushed)
        flushed += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: -

    private func write(_ bytes: some Collection<UInt8>, next: Int) throws(FileError) -> Int {
        let at = size
        buffer += Self.bytes(bytes.count) + Self.bytes(next)
        buffer += bytes
        if buffer.count >= Self.bufferLimit { try flush() }
        return at
    }

    /// Makes the piece whose link field is at `offset` name the piece at `next`.
    private func patch(at offset: Int, chain next: Int) throws(FileError) {
        let link = Self.bytes(next)
        if offset >= flushed {
            buffer.replaceSubrange((offset - flushed)..<(offset - flushed + 8), with: link)
        } else {
            window = (0, [])
            try Self.pwriteAll(descriptor, link[...], at: offset)
        }
    }

    /// Bytes read ahead of the pieces asked for: a chain's pieces often lie close together.
    private var window: (offset: Int, bytes: [UInt8]) = (0, [])
    private static let windowSize = 1 << 18

    private func read(at offset: Int, count: Int) throws(FileError) -> [UInt8] {
        if offset >= window.offset && offset + count <= window.offset + window.bytes.count {
            return Array(window.bytes[(offset - window.offset)..<(offset - window.offset + count)])
        }
        guard count < Self.windowSize else { return try Self.pread(descriptor, at: offset, count: count) }
        window = (offset, try Self.pread(descriptor, at: offset, count: max(count, min(Self.windowSize, size - offset))))
        return Array(window.bytes[0..<count])
    }

    /// Reads `count` bytes at `offset`; bytes past the end of the file read as zeros.
    static func pread(_ descriptor: Int32, at offset: Int, count: Int) throws(FileError) -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            while initialized < count {
                let n = Glibc.pread(descriptor, buffer.baseAddress! + initialized, count - initialized, off_t(offset + initialized))
                if n > 0 { initialized += n; continue }
                if n < 0 && errno == EINTR { continue }
                if n == 0 {
                    (buffer.baseAddress! + initialized).initialize(repeating: 0, count: count - initialized)
                    initialized = count
                    return
                }
                failure = errno
                return
            }
        }
        guard failure == 0 else { throw .io("cannot read the report's temporary file: \(String(cString: strerror(failure)))") }
        return bytes
    }

    static func pwriteAll(_ descriptor: Int32, _ bytes: ArraySlice<UInt8>, at offset: Int) throws(FileError) {
        let failure: Int32 = bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(descriptor, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n >= 0 { done += n; continue }
                if errno == EINTR { continue }
                return errno
            }
            return 0
        }
        guard failure == 0 else { throw .io("cannot write the report's temporary file: \(String(cString: strerror(failure)))") }
    }

    static func bytes(_ value: Int) -> [UInt8] {
        withUnsafeBytes(of: Int64(value).littleEndian) { Array($0) }
    }

    static func integer(_ bytes: ArraySlice<UInt8>) -> Int {
        Int(Int64(bitPattern: bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
    }

    /// A read-write file in the temporary directory with no name (`O_TMPFILE`), or one whose
    /// name is removed at once where the file system cannot do that.
    static func openUnnamedFile() throws(FileError) -> Int32 {
        let folder = FileManager.default.temporaryDirectory.path
        #if os(Linux)
        // O_TMPFILE is a C macro Swift does not import: __O_TMPFILE (octal 20000000) with O_DIRECTORY.
        var descriptor = open(folder, 0o20000000 | O_DIRECTORY | O_RDWR | O_CLOEXEC, 0o600)
        if descriptor >= 0 { return descriptor }
        #else
        var descriptor: Int32 = -1
        #endif
        var template = Array((folder + "/conet-report.XXXXXX").utf8CString)
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw .io("cannot create a temporary file in \(folder) for the report: \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return descriptor
    }
}
