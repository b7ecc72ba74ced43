import ArgumentParser
import ConetCore
import Foundation

struct WalletVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an EIP-191 signature: exit 0 when ADDRESS signed the message, 1 when not.",
        discussion: """
            Recovers the signer from the signature and compares it with --address. No wallet or \
            password is needed.

            JSON: (--json): {address, signer, valid} (signer is null when nothing recovers).

            EXIT STATUS: 0 valid; 1 not signed by ADDRESS (an unparsable signature included); 2 malformed address or message input; 64 usage error.

            \(ManualText.walletEnvironment)

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet verify --address 0xA11ce... --signature 0x... --message hello
              conet wallet verify --address 0xA11ce... --signature 0x... note.txt --json
            """)

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
