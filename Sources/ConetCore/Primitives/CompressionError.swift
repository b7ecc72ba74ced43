import Foundation

/// Why zstd refused to compress or decompress.
public enum CompressionError: Error, Equatable, Sendable, LocalizedError {
    /// A level outside what the linked zstd accepts.
    case invalidLevel(Int, range: ClosedRange<Int>)
    /// The input is not a valid zstd stream (zstd's own reason attached).
    case corrupt(String)
    /// The frame needs a larger window than allowed: a crafted input trying to exhaust memory.
    case windowTooLarge(maximumLog: Int)
    /// Decompressed output passed the caller's limit (a decompression bomb, or just too big).
    case outputLimitExceeded(limit: Int)
    /// Input ended in the middle of a frame.
    case truncated
    /// zstd failed for another reason (for example out of memory).
    case library(String)

    public var errorDescription: String? {
        switch self {
        case .invalidLevel(let level, let range): "zstd level \(level) is outside \(range.lowerBound)...\(range.upperBound)"
        case .corrupt(let reason): "corrupt zstd data: \(reason)"
        case .windowTooLarge(let log): "zstd frame needs a window larger than the allowed 2^\(log) bytes; refusing it"
        case .outputLimitExceeded(let limit): "decompressed data exceeds the limit of \(limit) bytes; refusing it"
        case .truncated: "zstd data is truncated (the stream ends mid-frame)"
        case .library(let reason): "zstd failed: \(reason)"
        }
    }
}
