import Foundation

/// Something wrong in a capture that reading went on past.
public struct CaptureProblem: Error, Encodable, Sendable, Equatable {
    /// The packet it concerns (1-based), when it concerns one.
    public let packet: Int?
    public let message: String

    public init(packet: Int?, _ message: String) {
        self.packet = packet
        self.message = message
    }
}

/// Why a file could not be read as a capture at all.
public enum CaptureError: Error, LocalizedError, Equatable {
    case notACapture(String)

    public var errorDescription: String? {
        switch self {
        case .notACapture(let why): "not a pcap or pcapng capture: \(why)"
        }
    }
}
