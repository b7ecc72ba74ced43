extension FuzzTarget {
    /// Every target. `make fuzz` runs each one that has a corpus folder (the replay test checks
    /// that all do), in name order.
    ///
    /// The targets reach internal API (`@testable import ConetCore`), which needs a build with
    /// testing enabled: every debug build, and the fuzz build (`-enable-testing -D CONET_FUZZ`).
    /// A plain release build compiles this module empty, so `make release` is unaffected.
    public static let all: [FuzzTarget] = {
        #if DEBUG || CONET_FUZZ
        [
            EnvelopeHeaderTarget.target,
            EnvelopeReaderTarget.target,
            EnvelopePayloadTarget.target,
            ArmorTarget.target,
            KeystoreTarget.target,
            CardTarget.target,
            MnemonicTarget.target,
            RelayHandshakeTarget.target,
            RelayRecordsTarget.target,
            DepositRecordsTarget.target,
            OnionTarget.target,
            CaptureTarget.target,
            RelaySessionTarget.target,
        ]
        #else
        []
        #endif
    }()
}
