import Foundation

/// A packet capture held whole in memory: its format, packets and problems. For small captures
/// (tests, fuzzing); `conet inspect --capture` streams through `PacketCaptureReader` instead.
public struct PacketCapture: Sendable {
    public enum Format: String, Sendable, Encodable { case pcap, pcapng }

    public struct Packet: Sendable {
        /// 1-based position in the file, as Wireshark numbers packets.
        public let number: Int
        /// Seconds since 1970.
        public let time: Double
        public let linkType: UInt32
        /// The captured bytes (maybe fewer than were on the wire: see `originalLength`).
        public let data: [UInt8]
        public let originalLength: Int
    }

    public let format: Format
    public let packets: [Packet]
    public let problems: [CaptureProblem]

    /// Reads every packet of `bytes`.
    public init(bytes: [UInt8]) throws(CaptureError) {
        do {
            let reader = try PacketCaptureReader(source: MemorySource(bytes))
            var packets: [Packet] = []
            var problems: [CaptureProblem] = []
            while let packet = try reader.next(problems: { problems.append($0) }) { packets.append(packet) }
            format = reader.format
            self.packets = packets
            self.problems = problems
        } catch let error as CaptureError {
            throw error
        } catch {
            throw .notACapture(error.localizedDescription)  // memory does not fail to read
        }
    }
}
