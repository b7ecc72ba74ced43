import ArgumentParser
import ConetCore
import Foundation

struct WalletContacts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "The address book of verified cards.",
        subcommands: [Add.self, List.self, Remove.self])

    struct ContactInfo: Encodable {
        let name: String?
        let address: String
        let publicKey: String
        let mailbox: String?
        let created: String
        let expires: String?

        init(_ contact: ContactBook.Contact) {
            name = contact.name
            address = contact.card.address.checksummed
            publicKey = "0x" + Hex.encode(contact.card.publicKey.compressed)
            mailbox = contact.card.mailbox
            created = TimeText.format(contact.card.created)
            expires = contact.card.expires.map(TimeText.format)
        }

        var line: String {
            "\((name ?? "-").padding(toLength: 16, withPad: " ", startingAt: 0))  \(address)  \(mailbox ?? "")"
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Verify a card and add it (or replace the card of the same address).",
            discussion: """
                The card's signature, key and expiry are checked first; a forged or expired card is \
                refused and nothing is stored.

                JSON: (--json): {address, created, expires?, mailbox?, name?, publicKey}.

                EXIT STATUS: 0 added; 1 forged or expired card; 2 malformed card; 4 the card file is missing; 64 usage error.

                \(ManualText.walletEnvironment)

                \(ManualText.walletFiles)

                EXAMPLES:
                  conet wallet contacts add bob.card.json --name bob
                  conet wallet contacts add carol.card.json --json
                """)

        @Argument(help: ArgumentHelp("Card JSON file, or - for standard input.", valueName: "CARD"))
        var card: String

        @Option(help: "A local name for the contact.")
        var name: String?

        @OptionGroup var output: JSONOption

        func run() throws {
            try reportingErrors {
                let card = try Card(json: Input.read(card, limit: Card.maxSize, what: "card"))
                let book = ContactBook(store: .current)
                try book.add(card, name: name)
                let info = ContactInfo(.init(name: name, card: card))
                if output.json { try Output.printJSON(info) } else { print("added \(info.line)") }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List contacts.",
            discussion: """
                Every stored card, verified again as it is read.

                JSON: (--json): {contacts: [{address, created, expires?, mailbox?, name?, publicKey}]}.

                EXIT STATUS: 0 listed; 5 the folder cannot be read.

                \(ManualText.walletEnvironment)

                \(ManualText.walletFiles)

                EXAMPLES:
                  conet wallet contacts list
                  conet wallet contacts list --json
                """)

        @OptionGroup var output: JSONOption

        struct Listing: Encodable { let contacts: [ContactInfo] }

        func run() throws {
            try reportingErrors {
                let contacts = ContactBook(store: .current).all().map(ContactInfo.init)
                if output.json { try Output.printJSON(Listing(contacts: contacts)) } else { contacts.forEach { print($0.line) } }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove a contact by name or address.",
            discussion: """
                Deletes the stored card; the person can still be written to with their card file.

                JSON: none; prints one line naming the removed contact.

                EXIT STATUS: 0 removed; 4 no such contact; 64 usage error.

                \(ManualText.walletEnvironment)

                \(ManualText.walletFiles)

                EXAMPLES:
                  conet wallet contacts remove bob
                  conet wallet contacts remove 0xB0b...
                """)

        @Argument(help: "Contact name or address.")
        var contact: String

        func run() throws {
            try reportingErrors { try ContactBook(store: .current).remove(contact) }
        }
    }
}
