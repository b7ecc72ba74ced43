import ArgumentParser
import ConetCore
import Foundation

/// The message for `sign` and `verify`: `--message TEXT`, a FILE, or `-` for standard input.
struct MessageInput: ParsableArguments {
    @Option(help: "The message text (UTF-8) instead of a file.")
    var message: String?

    @Argument(help: ArgumentHelp("File with the message, or - for standard input.", valueName: "FILE"))
    var file: String?

    /// EIP-191 needs the length before the bytes, so messages are read whole; this bounds them.
    static let limit = 64 << 20

    func validate() throws {
        if message != nil && file != nil { throw ValidationError("give either --message or FILE, not both") }
    }

    func bytes() throws -> [UInt8] {
        if let message { return Array(message.utf8) }
        return try Array(Input.read(file ?? "-", limit: Self.limit, what: "message"))
    }
}
