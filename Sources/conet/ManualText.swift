/// Man-page sections that several subcommands share, written once.
enum ManualText {
    static let walletEnvironment = """
        ENVIRONMENT: CONET_HOME (default ~/.conet) holds wallets and contacts; CONET_PASSWORD \
        supplies the wallet password (else --password-file, else a prompt without echo); \
        CONET_WALLET names the default wallet.
        """
    static let walletFiles = """
        FILES: $CONET_HOME/wallets/NAME.json (v3 keystores, mode 0600, folder 0700, written \
        atomically); $CONET_HOME/contacts/ (verified cards).
        """
    static let keyLog = """
        CONET_KEYLOG=FILE appends every relay session's keys to FILE (created with mode 0600; \
        a symbolic link, another user's file or one others may read is refused with a warning), \
        for 'conet inspect --capture --keylog FILE'; a debugging aid: whoever reads FILE can \
        decrypt those sessions.
        """
    static let walletExit = """
        EXIT STATUS: 0 success; 2 malformed input; 3 wrong password or tampered keystore; 4 the \
        wallet (or a file) is missing or already present; 5 other errors (I/O); 64 usage error.
        """
}
