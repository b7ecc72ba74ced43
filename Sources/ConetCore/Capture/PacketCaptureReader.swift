import Foundation

/// Reads a pcap or pcapng capture (as tcpdump, dumpcap and Wireshark write them) one packet at a
/// time, so a capture of any size is decoded in bounded memory. Damage does not stop reading: a
/// cut-off final packet, an unknown or oversized block or a packet shorter than it claims becomes
/// a `CaptureProblem` handed to the caller, and what is intact is kept.
public final class PacketCaptureReader {
    public let format: PacketCapture.Format
    /// Packets handed out so far.
    public private(set) var packetCount = 0

    /// The largest packet a pcap record may claim (tcpdump's largest snap length).
    public static let maxPcapPacketBytes = 262_144
    /// The largest pcapng block read; larger blocks are skipped (a packet one with a problem).
    public static let maxPcapngBlockBytes = 1 << 22
    /// Interfaces one pcapng section may describe; packets of later ones are reported and skipped.
    public static let maxInterfaces = 4096

    private let input: CaptureByteInput
    private var finished = false
    // pcap
    private var pcapLinkType: UInt32 = 0
    private var nanoseconds = false
    // pcapng
    private struct Interface {
        let linkType: UInt32
        /// Timestamp units per second.
        let resolution: Double
    }
    private var interfaces: [Interface] = []
    private var tooManyInterfacesReported = false

    /// Reads the file header from `source`.
    /// - Throws: `CaptureError.notACapture` when it is neither format; the source's errors.
    public init(source: ByteSource) throws {
        input = CaptureByteInput(source)
        guard try input.fill(4) else { throw CaptureError.notACapture("the file has \(input.available) bytes") }
        switch Array(input.bytes(0..<4)) {
        case [0xA1, 0xB2, 0xC3, 0xD4], [0xD4, 0xC3, 0xB2, 0xA1], [0xA1, 0xB2, 0x3C, 0x4D], [0x4D, 0x3C, 0xB2, 0xA1]:
            format = .pcap
            guard try input.fill(24) else {
                throw CaptureError.notACapture("the pcap file header is cut short (\(input.available) of 24 bytes)")
            }
            input.littleEndian = input.byte(0) == 0xD4 || input.byte(0) == 0x4D
            nanoseconds = input.byte(0) == 0x4D || input.byte(3) == 0x4D
            pcapLinkType = input.u32(20) & 0x0FFF_FFFF
            input.advance(24)
        case [0x0A, 0x0D, 0x0D, 0x0A]:
            format = .pcapng
            guard try input.fill(12), Self.byteOrderMagic(input) != nil else {
                throw CaptureError.notACapture("pcapng section header at offset 0 has no byte-order magic")
            }
        default:
            let b = Array(input.bytes(0..<4))
            throw CaptureError.notACapture(String(format: "unknown magic number %02x%02x%02x%02x (neither pcap nor pcapng)", b[0], b[1], b[2], b[3]))
        }
    }

    /// The next packet; nil at the end of the file (or where damage ends reading).
    /// - Parameter report: receives each problem met on the way, in file order.
    public func next(problems report: (CaptureProblem) -> Void) throws -> PacketCapture.Packet? {
        guard !finished else { return nil }
        let packet = format == .pcap ? try nextPcap(report) : try nextPcapng(report)
        if packet == nil { finished = true } else { packetCount += 1 }
        return packet
    }

    // MARK: pcap

    private func nextPcap(_ report: (CaptureProblem) -> Void) throws -> PacketCapture.Packet? {
        guard try !input.atEnd() else { return nil }
        let number = packetCount + 1
        guard try input.fill(16) else {
            report(CaptureProblem(packet: number, "the file ends inside packet \(number)'s record header (offset \(input.offset))"))
            return nil
        }
        let seconds = Double(input.u32(0)), fraction = Double(input.u32(4))
        let captured = Int(input.u32(8)), original = Int(input.u32(12))
        guard captured <= Self.maxPcapPacketBytes else {
            report(CaptureProblem(packet: number, "packet \(number) claims \(captured) captured bytes (offset \(input.offset)); the rest of the file is skipped"))
            return nil
        }
        let complete = try input.fill(16 + captured)
        let end = min(16 + captured, input.available)
        if !complete {
            report(CaptureProblem(packet: number, "the file ends inside packet \(number): \(end - 16) of \(captured) bytes"))
        }
        let packet = PacketCapture.Packet(
            number: number, time: seconds + fraction / (nanoseconds ? 1e9 : 1e6), linkType: pcapLinkType,
            data: Array(input.bytes(16..<end)), originalLength: original)
        input.advance(end)
        return packet
    }

    // MARK: pcapng

    /// The byte order a section header at the cursor declares (true: little-endian); nil if none.
    private static func byteOrderMagic(_ input: CaptureByteInput) -> Bool? {
        switch Array(input.bytes(8..<12)) {
        case [0x4D, 0x3C, 0x2B, 0x1A]: true
        case [0x1A, 0x2B, 0x3C, 0x4D]: false
        default: nil
        }
    }

    private func nextPcapng(_ report: (CaptureProblem) -> Void) throws -> PacketCapture.Packet? {
        while try !input.atEnd() {
            let offset = input.offset
            guard try input.fill(12) else {
                report(CaptureProblem(packet: packetCount + 1, "the file ends inside a block header (offset \(offset))"))
                return nil
            }
            if input.bytes(0..<4).elementsEqual([0x0A, 0x0D, 0x0D, 0x0A]) {
                // A section header sets the byte order of everything up to the next one.
                guard let littleEndian = Self.byteOrderMagic(input) else {
                    report(CaptureProblem(packet: packetCount + 1, "pcapng section header at offset \(offset) has no byte-order magic; the rest of the file is skipped"))
                    return nil
                }
                input.littleEndian = littleEndian
                interfaces = []
                tooManyInterfacesReported = false
            }
            let type = input.u32(0), length = Int(input.u32(4))
            guard length >= 12, length % 4 == 0 else {
                report(CaptureProblem(packet: packetCount + 1, "block at offset \(offset) has an impossible length \(length); the rest of the file is skipped"))
                return nil
            }
            let isPacket = type == 6 || type == 3
            guard length <= Self.maxPcapngBlockBytes else {
                if isPacket {
                    report(CaptureProblem(packet: packetCount + 1, "packet block at offset \(offset) claims \(length) bytes (more than \(Self.maxPcapngBlockBytes)); skipped"))
                }
                if try input.skip(length) < length {
                    report(CaptureProblem(packet: packetCount + 1, "the file ends inside a block of \(length) bytes at offset \(offset)"))
                    return nil
                }
                continue
            }
            guard try input.fill(length) else {
                report(CaptureProblem(packet: packetCount + 1, "the file ends inside a block of \(length) bytes at offset \(offset)"))
                return nil
            }
            defer { input.advance(length) }
            let body = 8, bodyEnd = length - 4
            switch type {
            case 1 where bodyEnd - body >= 8:  // interface description
                guard interfaces.count < Self.maxInterfaces else {
                    if !tooManyInterfacesReported {
                        tooManyInterfacesReported = true
                        report(CaptureProblem(packet: packetCount + 1, "the section at offset \(offset) describes more than \(Self.maxInterfaces) interfaces; packets of the others are skipped"))
                    }
                    continue
                }
                let linkType = UInt32(input.u16(body))
                interfaces.append(Interface(linkType: linkType, resolution: input.timestampResolution(options: (body + 8)..<bodyEnd)))
            case 6 where bodyEnd - body >= 20, 3 where bodyEnd - body >= 4:  // enhanced / simple packet
                let number = packetCount + 1
                let enhanced = type == 6
                let interfaceID = enhanced ? Int(input.u32(body)) : 0
                guard interfaceID < interfaces.count else {
                    if !tooManyInterfacesReported || interfaceID < Self.maxInterfaces {
                        report(CaptureProblem(packet: number, "packet \(number) names interface \(interfaceID), which no block described"))
                    }
                    continue
                }
                let interface = interfaces[interfaceID]
                var time = 0.0
                var captured: Int, original: Int, start: Int
                if enhanced {
                    let stamp = UInt64(input.u32(body + 4)) << 32 | UInt64(input.u32(body + 8))
                    time = Double(stamp) / interface.resolution
                    captured = Int(input.u32(body + 12))
                    original = Int(input.u32(body + 16))
                    start = body + 20
                } else {
                    original = Int(input.u32(body))
                    start = body + 4
                    captured = min(original, bodyEnd - start)
                }
                if captured > bodyEnd - start {
                    report(CaptureProblem(packet: number, "packet \(number) claims \(captured) bytes but its block holds \(bodyEnd - start)"))
                    captured = bodyEnd - start
                }
                return PacketCapture.Packet(
                    number: number, time: time, linkType: interface.linkType, data: Array(input.bytes(start..<(start + captured))),
                    originalLength: original)
            default:
                break  // name resolution, statistics, custom blocks: nothing conet needs
            }
        }
        return nil
    }
}
