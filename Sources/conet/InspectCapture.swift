import ConetCore
import Foundation

/// `conet inspect --capture`: conet relay sessions in a pcap or pcapng file.
extension Inspect {
    /// Streams the capture at `path` (or standard input for `-`) through the decoder; the
    /// report is written once the capture ends, in bounded memory whatever its size.
    func inspectCapture(_ path: String) throws {
        let keys = try keylog.map { path -> [String: SessionKeyLog.Entry] in
            let text = String(decoding: try Input.read(path, limit: 64 << 20, what: "the key log"), as: UTF8.self)
            do { return try SessionKeyLog.parse(text) } catch { throw CommandError(.invalidInput, "\(path): \(error.localizedDescription)") }
        }
        let source = path == "-" ? FileDescriptorSource(descriptor: STDIN_FILENO) : try FileDescriptorSource(path: path)
        let style: CaptureReport.Style = json.json ? .json : .text(hex: hex)
        do {
            try CaptureReport.write(capture: source, port: port, keyLog: keys, style: style, to: .standardOutput())
        } catch let error as CaptureError {
            throw CommandError(.invalidInput, "\(path == "-" ? "standard input" : path) is \(error.localizedDescription)")
        }
    }
}
