internal import CSodium

/// libsodium's one-time initialisation, done lazily and exactly once (Swift globals are
/// initialised under `swift_once`), before any other libsodium call.
enum Sodium {
    private static let ready: Bool = sodium_init() >= 0

    /// Ensures `sodium_init` ran; it only fails when the system has no entropy source.
    @inline(__always)
    static func ensureInitialized() {
        precondition(ready, "libsodium could not be initialised (no entropy source?)")
    }

    /// The linked libsodium's version, as it reports it.
    static var versionString: String { String(cString: sodium_version_string()) }
}
