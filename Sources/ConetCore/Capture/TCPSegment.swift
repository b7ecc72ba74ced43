import Foundation

/// One TCP segment found in a captured packet, below whichever link layer carried it.
public struct TCPSegment: Sendable {
    public let packet: Int
    public let time: Double
    public let source: TCPEndpoint
    public let destination: TCPEndpoint
    public let sequence: UInt32
    public let syn: Bool
    public let fin: Bool
    public let rst: Bool
    public let payload: [UInt8]
    /// Payload bytes that were on the wire but not captured (snap length).
    public let missingTail: Int

    /// Link types conet reads: BSD loopback, Ethernet, raw IP, Linux cooked v1 and v2.
    public static let supportedLinkTypes: [UInt32: String] = [0: "NULL", 1: "EN10MB", 101: "RAW", 113: "LINUX_SLL", 228: "IPV4", 229: "IPV6", 276: "LINUX_SLL2"]

    /// The segment in `packet`; nil for anything that is not TCP over IPv4 or IPv6 (with the
    /// reason, when it is damage rather than other traffic).
    public static func parse(_ packet: PacketCapture.Packet) -> Result<TCPSegment?, CaptureProblem> {
        let data = packet.data
        func problem(_ text: String) -> Result<TCPSegment?, CaptureProblem> { .failure(CaptureProblem(packet: packet.number, "packet \(packet.number): \(text)")) }
        var offset: Int
        var etherType: Int?
        switch packet.linkType {
        case 0:
            guard data.count >= 4 else { return problem("shorter than its loopback header") }
            let family = Int(data[0]) | Int(data[3])  // host order, either way round
            etherType = family == 2 ? 0x0800 : [10, 24, 28, 30].contains(family) ? 0x86DD : nil
            offset = 4
        case 1:
            guard data.count >= 14 else { return problem("shorter than its Ethernet header") }
            offset = 12
            var type = Int(data[12]) << 8 | Int(data[13])
            while type == 0x8100 || type == 0x88A8, data.count >= offset + 6 {  // VLAN tags
                offset += 4
                type = Int(data[offset]) << 8 | Int(data[offset + 1])
            }
            etherType = type
            offset += 2
        case 101, 228, 229:
            offset = 0
        case 113:
            guard data.count >= 16 else { return problem("shorter than its Linux cooked header") }
            etherType = Int(data[14]) << 8 | Int(data[15])
            offset = 16
        case 276:
            guard data.count >= 20 else { return problem("shorter than its Linux cooked v2 header") }
            etherType = Int(data[0]) << 8 | Int(data[1])
            offset = 20
        default:
            return problem("link type \(packet.linkType) is not supported (supported: \(supportedLinkTypes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))")
        }
        guard offset < data.count else { return problem("no network-layer bytes") }
        let version = data[offset] >> 4
        if let etherType, etherType != 0x0800, etherType != 0x86DD { return .success(nil) }
        var source: [UInt8], destination: [UInt8]
        var tcpStart: Int, ipEnd: Int
        switch version {
        case 4:
            guard data.count >= offset + 20 else { return problem("cut inside its IPv4 header") }
            let headerLength = Int(data[offset] & 0x0F) * 4
            let total = Int(data[offset + 2]) << 8 | Int(data[offset + 3])
            guard data[offset + 9] == 6 else { return .success(nil) }
            let fragment = (Int(data[offset + 6]) << 8 | Int(data[offset + 7]))
            guard fragment & 0x3FFF == 0 else { return problem("an IPv4 fragment (fragments are not reassembled)") }
            guard headerLength >= 20, total >= headerLength else { return problem("an impossible IPv4 header") }
            source = Array(data[(offset + 12)..<(offset + 16)])
            destination = Array(data[(offset + 16)..<(offset + 20)])
            tcpStart = offset + headerLength
            ipEnd = offset + total
        case 6:
            guard data.count >= offset + 40 else { return problem("cut inside its IPv6 header") }
            guard data[offset + 6] == 6 else { return .success(nil) }  // extension headers: not conet's traffic
            let payloadLength = Int(data[offset + 4]) << 8 | Int(data[offset + 5])
            source = Array(data[(offset + 8)..<(offset + 24)])
            destination = Array(data[(offset + 24)..<(offset + 40)])
            tcpStart = offset + 40
            ipEnd = tcpStart + payloadLength
        default:
            return .success(nil)
        }
        guard data.count >= tcpStart + 20 else { return problem("cut inside its TCP header") }
        let dataOffset = Int(data[tcpStart + 12] >> 4) * 4
        guard dataOffset >= 20, ipEnd >= tcpStart + dataOffset else { return problem("an impossible TCP header") }
        let flags = data[tcpStart + 13]
        let payloadStart = min(tcpStart + dataOffset, data.count)
        let capturedEnd = min(ipEnd, data.count)
        let sequence = UInt32(data[tcpStart + 4]) << 24 | UInt32(data[tcpStart + 5]) << 16 | UInt32(data[tcpStart + 6]) << 8 | UInt32(data[tcpStart + 7])
        return .success(TCPSegment(
            packet: packet.number, time: packet.time,
            source: TCPEndpoint(address: source, port: Int(data[tcpStart]) << 8 | Int(data[tcpStart + 1])),
            destination: TCPEndpoint(address: destination, port: Int(data[tcpStart + 2]) << 8 | Int(data[tcpStart + 3])),
            sequence: sequence, syn: flags & 0x02 != 0, fin: flags & 0x01 != 0, rst: flags & 0x04 != 0,
            payload: Array(data[payloadStart..<max(payloadStart, capturedEnd)]), missingTail: max(0, ipEnd - max(payloadStart, capturedEnd))))
    }
}

/// An IP address and TCP port.
public struct TCPEndpoint: Hashable, Sendable, CustomStringConvertible {
    public let address: [UInt8]
    public let port: Int

    public var description: String {
        if address.count == 4 { return address.map(String.init).joined(separator: ".") + ":\(port)" }
        let groups = stride(from: 0, to: address.count, by: 2).map { String(Int(address[$0]) << 8 | Int(address[$0 + 1]), radix: 16) }
        return "[\(groups.joined(separator: ":"))]:\(port)"
    }
}
