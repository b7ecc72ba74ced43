import ArgumentParser
import ConetCore
import Foundation

/// Where a password comes from: `--password-file`, `CONET_PASSWORD`, or a prompt on the
/// terminal without echo. Never a command-line argument, where `ps` and shell history see it.
struct PasswordOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the wallet password from the first line of FILE.", valueName: "FILE"))
    var passwordFile: String?

    /// The password that opens an existing wallet.
    func existing(for name: String) throws -> SecretBytes {
        try Passwords.obtain(file: passwordFile, variable: "CONET_PASSWORD", prompt: "Password for wallet '\(name)': ", confirm: false)
    }

    /// A password for a new keystore (asked twice on a terminal).
    func new(for name: String) throws -> SecretBytes {
        try Passwords.obtain(file: passwordFile, variable: "CONET_PASSWORD", prompt: "New password for wallet '\(name)': ", confirm: true)
    }
}

enum Passwords {
    static func obtain(file: String?, variable: String, prompt: String, confirm: Bool) throws -> SecretBytes {
        if let file {
            return try secret(Input.readLine(file, what: "password"), allowEmpty: !confirm)
        }
        if let value = ProcessInfo.processInfo.environment[variable] {
            return try secret(value, allowEmpty: !confirm)
        }
        let first = try Terminal.readHidden(prompt)
        if confirm {
            let second = try Terminal.readHidden("Repeat the password: ")
            guard first == second else { throw CommandError(.invalidInput, "the two passwords differ") }
        }
        return try secret(first, allowEmpty: !confirm)
    }

    /// Existing keystores made elsewhere may have an empty password; new ones may not.
    private static func secret(_ text: String, allowEmpty: Bool) throws -> SecretBytes {
        guard allowEmpty || !text.isEmpty else { throw CommandError(.invalidInput, "the new password is empty") }
        var bytes = Array(text.utf8)
        defer { Memory.wipe(&bytes) }
        return SecretBytes(bytes)
    }
}

/// The controlling terminal, for prompts that must not echo and must not read piped data.
enum Terminal {
    static func readHidden(_ prompt: String) throws -> String {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            throw CommandError(.invalidInput, "no password given and no terminal to ask on: use --password-file FILE or CONET_PASSWORD")
        }
        defer { close(fd) }
        var original = termios()
        let hasTermios = tcgetattr(fd, &original) == 0
        if hasTermios {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSAFLUSH, &silent)
        }
        defer { if hasTermios { tcsetattr(fd, TCSAFLUSH, &original) } }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        var line = [UInt8]()
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != 0x0a, line.count < 4096 { line.append(byte) }
        _ = write(fd, "\n", 1)
        if line.last == 0x0d { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}
