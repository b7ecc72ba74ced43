import Foundation

/// A packet capture file, pcap or pcapng (as tcpdump, dumpcap and Wireshark write them), read
/// into its packets. Damage does not stop reading: a cut-off final packet, an unknown block or a
/// packet shorter than it claims becomes a `CaptureProblem`, and what is intact is kept.
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

    /// The largest capture file read whole (captures of long sessions should be filtered first).
    public static let maxFileBytes = 1 << 30

    public init(bytes: [UInt8]) throws(CaptureError) {
        guard bytes.count >= 4 else { throw .notACapture("the file has \(bytes.count) bytes") }
        var reader = CaptureReader(bytes: bytes)
        switch Array(bytes[0..<4]) {
        case [0xA1, 0xB2, 0xC3, 0xD4], [0xD4, 0xC3, 0xB2, 0xA1], [0xA1, 0xB2, 0x3C, 0x4D], [0x4D, 0x3C, 0xB2, 0xA1]:
            format = .pcap
            (packets, problems) = try Self.readPcap(&reader)
        case [0x0A, 0x0D, 0x0D, 0x0A]:
            format = .pcapng
            (packets, problems) = try Self.readPcapng(&reader)
        default:
            throw .notACapture(String(format: "unknown magic number %02x%02x%02x%02x (neither pcap nor pcapng)", bytes[0], bytes[1], bytes[2], bytes[3]))
        }
    }

    // MARK: pcap

    private static func readPcap(_ reader: inout CaptureReader) throws(CaptureError) -> ([Packet], [CaptureProblem]) {
        guard reader.bytes.count >= 24 else { throw .notACapture("the pcap file header is cut short (\(reader.bytes.count) of 24 bytes)") }
        reader.littleEndian = reader.bytes[0] == 0xD4 || reader.bytes[0] == 0x4D
        let nanoseconds = reader.bytes[0] == 0x4D || reader.bytes[3] == 0x4D
        let linkType = reader.u32(at: 20) & 0x0FFF_FFFF
        var packets: [Packet] = []
        var problems: [CaptureProblem] = []
        var offset = 24
        while offset < reader.bytes.count {
            let number = packets.count + 1
            guard offset + 16 <= reader.bytes.count else {
                problems.append(CaptureProblem(packet: number, "the file ends inside packet \(number)'s record header (offset \(offset))"))
                break
            }
            let seconds = Double(reader.u32(at: offset)), fraction = Double(reader.u32(at: offset + 4))
            let captured = Int(reader.u32(at: offset + 8)), original = Int(reader.u32(at: offset + 12))
            let start = offset + 16
            guard captured <= 262_144 else {
                problems.append(CaptureProblem(packet: number, "packet \(number) claims \(captured) captured bytes (offset \(offset)); the rest of the file is skipped"))
                break
            }
            let end = min(start + captured, reader.bytes.count)
            if end < start + captured {
                problems.append(CaptureProblem(packet: number, "the file ends inside packet \(number): \(end - start) of \(captured) bytes"))
            }
            packets.append(Packet(
                number: number, time: seconds + fraction / (nanoseconds ? 1e9 : 1e6), linkType: linkType,
                data: Array(reader.bytes[start..<end]), originalLength: original))
            offset = start + captured
        }
        return (packets, problems)
    }

    // MARK: pcapng

    private struct Interface {
        let linkType: UInt32
        /// Timestamp units per second.
        let resolution: Double
    }

    private static func readPcapng(_ reader: inout CaptureReader) throws(CaptureError) -> ([Packet], [CaptureProblem]) {
        var packets: [Packet] = []
        var problems: [CaptureProblem] = []
        var interfaces: [Interface] = []
        var offset = 0
        while offset < reader.bytes.count {
            guard offset + 12 <= reader.bytes.count else {
                problems.append(CaptureProblem(packet: packets.count + 1, "the file ends inside a block header (offset \(offset))"))
                break
            }
            if reader.bytes[offset..<(offset + 4)].elementsEqual([0x0A, 0x0D, 0x0D, 0x0A]) {
                // A section header sets the byte order of everything up to the next one.
                let magic = Array(reader.bytes[(offset + 8)..<(offset + 12)])
                guard magic == [0x4D, 0x3C, 0x2B, 0x1A] || magic == [0x1A, 0x2B, 0x3C, 0x4D] else {
                    throw .notACapture("pcapng section header at offset \(offset) has no byte-order magic")
                }
                reader.littleEndian = magic[0] == 0x4D
                interfaces = []
            }
            let type = reader.u32(at: offset), length = Int(reader.u32(at: offset + 4))
            guard length >= 12, length % 4 == 0 else {
                problems.append(CaptureProblem(packet: packets.count + 1, "block at offset \(offset) has an impossible length \(length); the rest of the file is skipped"))
                break
            }
            guard offset + length <= reader.bytes.count else {
                problems.append(CaptureProblem(packet: packets.count + 1, "the file ends inside a block of \(length) bytes at offset \(offset)"))
                break
            }
            let body = offset + 8, bodyEnd = offset + length - 4
            switch type {
            case 1 where bodyEnd - body >= 8:  // interface description
                let linkType = UInt32(reader.u16(at: body))
                interfaces.append(Interface(linkType: linkType, resolution: reader.timestampResolution(options: (body + 8)..<bodyEnd)))
            case 6 where bodyEnd - body >= 20, 3 where bodyEnd - body >= 4:  // enhanced / simple packet
                let number = packets.count + 1
                let enhanced = type == 6
                let interfaceID = enhanced ? Int(reader.u32(at: body)) : 0
                guard interfaceID < interfaces.count else {
                    problems.append(CaptureProblem(packet: number, "packet \(number) names interface \(interfaceID), which no block described"))
                    break
                }
                let interface = interfaces[interfaceID]
                var time = 0.0
                var captured: Int, original: Int, start: Int
                if enhanced {
                    let stamp = UInt64(reader.u32(at: body + 4)) << 32 | UInt64(reader.u32(at: body + 8))
                    time = Double(stamp) / interface.resolution
                    captured = Int(reader.u32(at: body + 12))
                    original = Int(reader.u32(at: body + 16))
                    start = body + 20
                } else {
                    original = Int(reader.u32(at: body))
                    start = body + 4
                    captured = min(original, bodyEnd - start)
                }
                if start + captured > bodyEnd {
                    problems.append(CaptureProblem(packet: number, "packet \(number) claims \(captured) bytes but its block holds \(bodyEnd - start)"))
                    captured = bodyEnd - start
                }
                packets.append(Packet(
                    number: number, time: time, linkType: interface.linkType, data: Array(reader.bytes[start..<(start + captured)]),
                    originalLength: original))
            default:
                break  // name resolution, statistics, custom blocks: nothing conet needs
            }
            offset += length
        }
        return (packets, problems)
    }
}

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

public enum CaptureError: Error, LocalizedError, Equatable {
    case notACapture(String)

    public var errorDescription: String? {
        switch self {
        case .notACapture(let why): "not a pcap or pcapng capture: \(why)"
        }
    }
}

/// Integer reads in the capture's byte order.
private struct CaptureReader {
    let bytes: [UInt8]
    var littleEndian = true

    func u16(at offset: Int) -> UInt16 {
        let a = UInt16(bytes[offset]), b = UInt16(bytes[offset + 1])
        return littleEndian ? a | b << 8 : a << 8 | b
    }

    func u32(at offset: Int) -> UInt32 {
        let a = UInt32(u16(at: offset)), b = UInt32(u16(at: offset + 2))
        return littleEndian ? a | b << 16 : a << 16 | b
    }

    /// The `if_tsresol` option of an interface block: 10^-n or 2^-n seconds; microseconds by default.
    func timestampResolution(options range: Range<Int>) -> Double {
        var offset = range.lowerBound
        while offset + 4 <= range.upperBound {
            let code = u16(at: offset), length = Int(u16(at: offset + 2))
            if code == 0 { break }
            if code == 9, length >= 1, offset + 4 < range.upperBound {
                let value = bytes[offset + 4]
                let exponent = Double(value & 0x7F)
                return value & 0x80 == 0 ? pow(10, exponent) : pow(2, exponent)
            }
            offset += 4 + (length + 3) / 4 * 4
        }
        return 1e6
    }
}
