import ArgumentParser
import ConetCore
import Foundation

/// conet's exit codes, documented in the man page (`conet --help`).
enum ExitStatus: Int32 {
    /// A check said no: invalid signature, forged or expired card.
    case checkFailed = 1
    /// Malformed input: bad JSON, hex, address checksum, mnemonic, path, or an unsupported format.
    case invalidInput = 2
    /// Wrong password, or authentication of encrypted data failed.
    case authentication = 3
    /// A wallet, contact or file is missing, or already exists.
    case notFoundOrExists = 4
    /// Any other failure (I/O, permissions, the system).
    case failure = 5
}

/// An error raised by the command-line layer itself.
struct CommandError: Error, LocalizedError {
    let status: ExitStatus
    let message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    var errorDescription: String? { message }
}

/// Runs a command body, turning any error into one line on stderr and the documented exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        Output.printError(error.localizedDescription)
        throw ExitCode(exitStatus(for: error).rawValue)
    }
}

/// The exit code for an error from the core or the command layer.
func exitStatus(for error: Error) -> ExitStatus {
    switch error {
    case let error as CommandError: return error.status
    case let error as KeystoreError:
        return error == .wrongPassword ? .authentication : .invalidInput
    case let error as WalletStoreError:
        switch error {
        case .invalidName: return .invalidInput
        case .notFound, .exists, .noDefault: return .notFoundOrExists
        case .unreadable(_, let inner): return exitStatus(for: inner)
        }
    case is ContactError: return .notFoundOrExists
    case let error as FileError:
        switch error {
        case .notFound, .exists: return .notFoundOrExists
        case .tooLarge: return .invalidInput
        case .io: return .failure
        }
    case let error as CardError:
        if case .malformed = error { return .invalidInput }
        return .checkFailed
    case let error as CryptoError:
        return error == .authenticationFailed ? .authentication : .invalidInput
    case let error as EnvelopeError:
        switch error {
        case .notAnEnvelope, .unsupportedVersion, .malformedHeader, .badArmor, .invalidOptions: return .invalidInput
        case .notARecipient: return .notFoundOrExists
        case .signatureMismatch, .stampTooWeak: return .checkFailed
        case .truncated, .headerAltered, .chunkAltered, .badChunkSequence, .badPayload, .decompression: return .authentication
        }
    case let error as RelayError:
        switch error {
        case .badRelayAddress, .protocolViolation, .badPath: return .invalidInput
        case .wrongRelay: return .checkFailed
        case .recordAltered: return .authentication
        case .refused(let code, _):
            switch RelayMessage.ErrorCode(rawValue: code) {
            case .notFound: return .notFoundOrExists
            case .unreachable, .internalError: return .failure
            default: return .checkFailed
            }
        case .connection: return .failure
        }
    case is MnemonicError, is AddressError, is HexError, is DerivationPathError, is CompressionError:
        return .invalidInput
    default: return .failure
    }
}
