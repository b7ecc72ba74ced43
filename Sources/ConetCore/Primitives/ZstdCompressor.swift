import Foundation
internal import CZstd

/// A streaming zstd compressor. Output is handed to a sink in blocks of at most ~128 KiB,
/// so memory stays constant whatever the input size.
public final class ZstdCompressor {
    private let context: OpaquePointer
    private var outputBuffer: [UInt8]
    private var finished = false

    /// The levels the linked zstd accepts (negative levels are the fast modes).
    public static var levels: ClosedRange<Int> { Int(ZSTD_minCLevel())...Int(ZSTD_maxCLevel()) }

    /// Whether the linked zstd was built with multithreading (`ZSTD_c_nbWorkers` > 0 accepted).
    public static let supportsWorkers: Bool = {
        let bounds = ZSTD_cParam_getBounds(ZSTD_c_nbWorkers)
        return ZSTD_isError(bounds.error) == 0 && bounds.upperBound > 0
    }()

    /// - Parameters:
    ///   - level: compression level (default 3, zstd's own default).
    ///   - checksum: append a content checksum to each frame (detects corruption on its own).
    ///   - workers: background threads; ignored when the library is single-threaded.
    ///   - jobSize: input bytes per background job (0: zstd's default, 4× the window). Each worker
    ///     holds about two jobs, so this bounds the memory multithreading costs.
    public init(level: Int = 3, checksum: Bool = true, workers: Int = 0, jobSize: Int = 0) throws(CompressionError) {
        guard Self.levels.contains(level) else { throw .invalidLevel(level, range: Self.levels) }
        guard let context = ZSTD_createCCtx() else { throw .library("out of memory creating a compression context") }
        self.context = context
        outputBuffer = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level)))
        try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum ? 1 : 0))
        if workers > 0 && Self.supportsWorkers {
            try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, Int32(workers)))
            if jobSize > 0 { try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_jobSize, Int32(jobSize))) }
        }
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses more input, passing whatever output is ready to `sink`.
    public func compress(_ input: some ContiguousBytes, into sink: ([UInt8]) throws -> Void) throws {
        precondition(!finished, "ZstdCompressor used after finish")
        try input.withUnsafeBytes { input in
            var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
            while inBuffer.pos < inBuffer.size {
                try drive(&inBuffer, directive: ZSTD_e_continue, sink: sink)
            }
        }
    }

    /// Ends the frame, flushing the remaining output (and checksum) to `sink`.
    public func finish(into sink: ([UInt8]) throws -> Void) throws {
        precondition(!finished, "ZstdCompressor.finish called twice")
        finished = true
        var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try drive(&inBuffer, directive: ZSTD_e_end, sink: sink) != 0 {}
    }

    /// One-shot compression of a whole buffer into one frame.
    public static func compress(_ input: some ContiguousBytes, level: Int = 3) throws -> [UInt8] {
        let compressor = try ZstdCompressor(level: level)
        var out = [UInt8]()
        try compressor.compress(input) { out += $0 }
        try compressor.finish { out += $0 }
        return out
    }

    /// One step of `ZSTD_compressStream2`; returns zstd's "bytes left to flush" hint.
    @discardableResult
    private func drive(_ inBuffer: inout ZSTD_inBuffer, directive: ZSTD_EndDirective, sink: ([UInt8]) throws -> Void) throws -> Int {
        let capacity = outputBuffer.count
        let (remaining, produced) = try outputBuffer.withUnsafeMutableBytes { out in
            var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: capacity, pos: 0)
            let remaining = ZSTD_compressStream2(context, &outBuffer, &inBuffer, directive)
            try Self.check(remaining)
            return (remaining, outBuffer.pos)
        }
        if produced > 0 { try sink(Array(outputBuffer[0..<produced])) }
        return remaining
    }

    static func check(_ code: Int) throws(CompressionError) {
        if ZSTD_isError(code) != 0 { throw .library(String(cString: ZSTD_getErrorName(code))) }
    }
}
