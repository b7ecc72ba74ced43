import ArgumentParser
import ConetCore
import Foundation

struct WalletSign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a message with EIP-191 personal_sign (as MetaMask and 'cast wallet sign' do).",
discussion: """
            Prints the 65-byte signature r‖s‖v (v = 27/28) as 0x-hex. The message comes from \
            --message, a FILE, or standard input (-), and is signed as bytes.

            JSON: (--json): {address, messageHash, signature}.

            \(ManualText.walletExit)

            \(ManualText.walletEnvironment)

            \(ManualText.walletFiles)

            EXAMPLES:
              conet wallet sign alice --message hello
              echo hello | conet wallet sign alice - --json
            """)

    @Argument(help: "Wallet name.")
    var name: String

    @OptionGroup var input: MessageInput
    @OptionGroup var passwords: PasswordOptions
    @OptionGroup var output: JSONOption

    struct Signed: Encodable {
        let address: String
        let signature: String
        let messageHash: String
    }

    func run() throws {
        try reportingErrors {
            let message = try input.bytes()
            let (_, key) = try WalletStore.current.unlock(name, passwords: passwords)
            let signature = PersonalMessage.sign(message, with: key)
            let signed = Signed(
                address: key.publicKey.address.checksummed, signature: "0x" + Hex.encode(signature.bytes),
                messageHash: "0x" + Hex.encode(PersonalMessage.digest(message)))
            if output.json { try Output.printJSON(signed) } else { print(signed.signature) }
        }
    }
}
