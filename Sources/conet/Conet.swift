import ArgumentParser
import ConetCore

/// The `conet` root command: a tiny dispatcher; each subcommand lives in its own file.
@main
struct Conet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conet",
        abstract: "Private, wallet-addressed communication: wallets, sealed messages, relays.",
        discussion: """
            conet names people and machines by Ethereum wallet addresses and moves data between \
            them compressed, end-to-end encrypted and signed.

            EXIT STATUS: 0 on success; 1 when a check fails (an invalid signature, a forged or \
            expired card); 2 for malformed input; 3 for a wrong password or failed \
            authentication; 4 when a wallet, contact or file is missing or already exists; 5 for \
            other errors (I/O, permissions); 64 for a command-line usage error.

            ENVIRONMENT: CONET_HOME (default ~/.conet) holds wallets and contacts; \
            CONET_PASSWORD supplies a wallet password; CONET_WALLET names the default wallet.

            CONET_KEYLOG=FILE makes relay clients and relays append session keys to FILE (see \
            'conet inspect --capture').

            FILES: $CONET_HOME/wallets/ (v3 keystores), $CONET_HOME/contacts/ (verified cards), \
            $CONET_HOME/relay/ (the default data folder of 'conet relay').

            --threat-model prints what observers, each relay, colluding relays and a global \
            observer can and cannot learn (docs/THREAT-MODEL.md).

            JSON: --version --json prints {conet, libsodium, zstd}.

            EXAMPLES:
              conet wallet new alice
              tar c folder | conet send --to bob.card.json > folder.conet
              conet recv < folder.conet | tar x
            """,
        subcommands: [Wallet.self, Send.self, Recv.self, Inspect.self, Relay.self, Bench.self]
    )

    static func main() async {
        AllocatorTuning.apply()
        await main(nil)
    }

    @Flag(name: .long, help: "Print the conet version and the linked libsodium and zstd versions.")
    var version = false

    @Flag(name: .long, help: "Print the threat model: what observers and relays can and cannot learn (docs/THREAT-MODEL.md).")
    var threatModel = false

    @OptionGroup var output: JSONOption

    func run() async throws {
        if threatModel {
            print(String(decoding: PackageResources.THREAT_MODEL_md, as: UTF8.self), terminator: "")
            return
        }
        guard version else { throw CleanExit.helpRequest(self) }
        let versions = LibraryVersions.current
        if output.json {
            try Output.printJSON(versions)
        } else {
            print("conet \(versions.conet) (libsodium \(versions.libsodium), zstd \(versions.zstd))")
        }
    }
}
