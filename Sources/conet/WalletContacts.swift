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
        static let configuration = CommandConfiguration(abstract: "Verify a card and add it (or replace the card of the same address).")

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
        static let configuration = CommandConfiguration(abstract: "List contacts.")

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
        static let configuration = CommandConfiguration(abstract: "Remove a contact by name or address.")

        @Argument(help: "Contact name or address.")
        var contact: String

        func run() throws {
            try reportingErrors { try ContactBook(store: .current).remove(contact) }
        }
    }
}
