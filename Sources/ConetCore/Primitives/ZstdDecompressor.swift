import Foundation
internal import CZstd

/// A streaming zstd decompressor that refuses hostile input: frames wanting a window above
/// `maxWindowLog` fail before any large allocation, and output past `maxOutputBytes` fails.
public final class ZstdDecompressor {
    /// The default window limit, 2^27 = 128 MiB: what `zstd --long` writes, far above level 19's 8 MiB.
    public static let defaultMaxWindowLog = 27

    private let context: OpaquePointer
    private var outputBuffer: [UInt8]
    private let maxWindowLog: Int
    private let maxOutputBytes: Int
    /// Total bytes produced so far.
    public private(set) var outputByteCount = 0
    /// zstd's hint after the last step: 0 exactly when the input so far ends on a frame boundary.
    private var pendingHint = 0
    private var sawInput = false

    /// - Parameters:
    ///   - maxWindowLog: the largest window (as log2 of bytes) a frame may ask for.
    ///   - maxOutputBytes: the most output accepted in total.
    public init(maxWindowLog: Int = ZstdDecompressor.defaultMaxWindowLog, maxOutputBytes: Int = .max) throws(CompressionError) {
        guard let context = ZSTD_createDCtx() else { throw .library("out of memory creating a decompression context") }
        self.context = context
        self.maxWindowLog = maxWindowLog
        self.maxOutputBytes = maxOutputBytes
        outputBuffer = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        try ZstdCompressor.check(ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, Int32(maxWindowLog)))
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses more input, passing output blocks (each ≤ ~128 KiB) to `sink`.
    public func decompress(_ input: some ContiguousBytes, into sink: ([UInt8]) throws -> Void) throws {
        try input.withUnsafeBytes { input in
            guard input.count > 0 else { return }
            sawInput = true
            var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
            var outputFull = true
            // Keep going while input remains or the last step filled the whole output buffer
            // (then zstd may hold more decoded data internally).
            while inBuffer.pos < inBuffer.size || outputFull {
                let capacity = outputBuffer.count
                let consumedBefore = inBuffer.pos
                let (hint, produced) = try outputBuffer.withUnsafeMutableBytes { out in
                    var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: capacity, pos: 0)
                    let hint = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                    try check(hint)
                    return (hint, outBuffer.pos)
                }
                // A call that neither read nor wrote (made after a full output buffer) reports
                // the next frame's header size even when the last frame ended: keep the old hint.
                if produced > 0 || inBuffer.pos > consumedBefore { pendingHint = hint }
                outputFull = produced == capacity
                if produced > 0 {
                    outputByteCount += produced
                    guard outputByteCount <= maxOutputBytes else { throw CompressionError.outputLimitExceeded(limit: maxOutputBytes) }
                    try sink(Array(outputBuffer[0..<produced]))
                }
                if produced == 0 && inBuffer.pos == inBuffer.size { break }
            }
        }
    }

    /// Call at the end of input: throws `truncated` unless the input ended on a frame boundary.
    public func finish() throws(CompressionError) {
        guard sawInput else { throw .truncated }
        guard pendingHint == 0 else { throw .truncated }
    }

    /// One-shot decompression with the given limits.
    public static func decompress(
        _ input: some ContiguousBytes, maxOutputBytes: Int = .max, maxWindowLog: Int = defaultMaxWindowLog
    ) throws -> [UInt8] {
        let decompressor = try ZstdDecompressor(maxWindowLog: maxWindowLog, maxOutputBytes: maxOutputBytes)
        var out = [UInt8]()
        try decompressor.decompress(input) { out += $0 }
        try decompressor.finish()
        return out
    }

    private func check(_ code: Int) throws(CompressionError) {
        guard ZSTD_isError(code) != 0 else { return }
        if ZSTD_getErrorCode(code) == ZSTD_error_frameParameter_windowTooLarge {
            throw .windowTooLarge(maximumLog: maxWindowLog)
        }
        throw .corrupt(String(cString: ZSTD_getErrorName(code)))
    }
}
