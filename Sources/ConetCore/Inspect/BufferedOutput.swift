import Foundation

/// Text and bytes on their way out (standard output), gathered into large writes: a report of
/// millions of lines is written as it is made, in a few thousand system calls.
public final class BufferedOutput {
    private let sink: ([UInt8]) throws -> Void
    private var buffer: [UInt8] = []
    private let limit: Int

    /// - Parameter sink: receives each full buffer, then the rest at `flush`.
    public init(limit: Int = 1 << 16, sink: @escaping ([UInt8]) throws -> Void) {
        self.sink = sink
        self.limit = limit
        buffer.reserveCapacity(limit)
    }

    /// Standard output.
    public static func standardOutput() -> BufferedOutput {
        let writer = FileDescriptorWriter(descriptor: STDOUT_FILENO, name: "standard output")
        return BufferedOutput { try writer.write($0) }
    }

    public func write(_ text: String) throws {
        try write(text.utf8)
    }

    public func write(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= limit { try flush() }
    }

    /// Hands on whatever is gathered.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
