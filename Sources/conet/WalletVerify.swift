import ArgumentParser
import ConetCore
import Foundation

struct WalletVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an EIP-191 signature: exit 0 when ADDRESS signed the message, 1 when not.")

    @Option(help: "The address that should have signed.")
    var address: String

    @Option(help: "The 65-byte signature as hex.")
    var signature: String

    @OptionGroup var input: MessageInput
    @OptionGroup var output: JSONOption

    struct Verdict: Encodable {
        let valid: Bool
        let address: String
        let signer: String?
    }

    func run() throws {
        try reportingErrors {
            let expected = try Address(address)
            let bytes: [UInt8]
            do { bytes = try Hex.decode(signature) } catch {
                throw CommandError(.invalidInput, "--signature: \(error)")
            }
            let message = try input.bytes()
            let signer = (try? RecoverableSignature(bytes: bytes)).flatMap { try? PersonalMessage.signer(of: message, signature: $0) }
            let verdict = Verdict(valid: signer == expected, address: expected.checksummed, signer: signer?.checksummed)
            if output.json {
                try Output.printJSON(verdict)
            } else {
                print(verdict.valid ? "valid: signed by \(expected)" : "invalid: not signed by \(expected)")
            }
            if !verdict.valid { throw ExitCode(ExitStatus.checkFailed.rawValue) }
        }
    }
}
