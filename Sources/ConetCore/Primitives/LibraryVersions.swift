internal import CZstd

/// Versions of conet and of the C libraries it is linked against, as they report themselves at run
/// time (libsecp256k1 has no call for its version, so it is not listed).
public struct LibraryVersions: Codable, Equatable, Sendable {
    /// conet's own release.
    public static let conetVersion = "0.1.0"

    public let conet: String
    public let libsodium: String
    public let zstd: String

    /// The versions of this process.
    public static var current: LibraryVersions {
        LibraryVersions(
            conet: conetVersion,
            libsodium: Sodium.versionString,
            zstd: String(cString: ZSTD_versionString()))
    }
}
