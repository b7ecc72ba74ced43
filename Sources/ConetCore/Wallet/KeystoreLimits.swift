/// What a keystore may ask of the machine that unlocks it. A keystore names its own key-derivation
/// cost, and `wallet import` reads files from anyone (`wallet list` reads whatever lies in
/// `wallets/`), so the cost is bounded before any memory is allocated or any round is run: a
/// hostile file costs at most about what geth's standard keystore costs (n = 2^18, r = 8, p = 1:
/// 256 MiB and about 0.75 s here), never a multiple of its memory and at most four times its CPU.
///
/// Every product is computed with overflow checks, so no value in a file can trap; each refusal
/// names the field at fault. The same bounds apply to keystores conet writes.
enum KeystoreLimits {
    /// scrypt's large table, 128·n·r bytes: geth's standard exactly (2^18 · 8 · 128 = 256 MiB).
    static let maxScryptMemory = 256 << 20
    /// scrypt's p blocks, 128·r·p bytes, allocated beside the table; real files use under 8 KiB.
    static let maxScryptBlockMemory = 1 << 20
    /// scrypt's work, n·r·p block mixes: four times geth's standard 2^18 · 8 · 1 (about 3 s here),
    /// so p may raise the CPU a keystore costs, but only modestly.
    static let maxScryptWork = 4 << 21
    /// PBKDF2-HMAC-SHA256 rounds: eth-keyfile writes 1,000,000 (about 0.4 s here); four times that
    /// costs about what the largest scrypt allowed does.
    static let maxPBKDF2Iterations = 4_000_000
    /// The derived key: 16 bytes of AES-128 key and 16 of MAC key, what every tool writes.
    static let derivedKeyLength = 32
    /// The only PBKDF2 pseudo-random function of the format (geth reads no other either).
    static let pbkdf2PRF = "hmac-sha256"

    /// Refuses scrypt parameters that are malformed or cost more than the bounds above.
    static func checkScrypt(n: Int, r: Int, p: Int) throws(KeystoreError) {
        guard n > 1, n & (n - 1) == 0 else { throw .malformed("scrypt 'n' = \(n) is not a power of two above 1") }
        guard r >= 1 else { throw .malformed("scrypt 'r' = \(r) is not a positive integer") }
        guard p >= 1 else { throw .malformed("scrypt 'p' = \(p) is not a positive integer") }
        let memory = product(128, n, r)
        guard let memory, memory <= maxScryptMemory else {
            throw .unsupported(
                "scrypt 'n' = \(n) with 'r' = \(r) needs \(bytes(memory)) of memory (128·n·r); conet allows at most "
                    + "\(bytes(maxScryptMemory)), geth's standard n = 262144, r = 8")
        }
        let blocks = product(128, r, p)
        guard let blocks, blocks <= maxScryptBlockMemory else {
            throw .unsupported(
                "scrypt 'p' = \(p) with 'r' = \(r) needs \(bytes(blocks)) of block memory (128·r·p); conet allows at most \(bytes(maxScryptBlockMemory))")
        }
        let work = product(n, r, p)
        guard let work, work <= maxScryptWork else {
            throw .unsupported(
                "scrypt 'n'·'r'·'p' = \(n)·\(r)·\(p) is more work than conet allows (\(maxScryptWork), "
                    + "four times geth's standard 262144·8·1)")
        }
    }

    /// Refuses PBKDF2 round counts outside 1...`maxPBKDF2Iterations`.
    static func checkPBKDF2(c: Int) throws(KeystoreError) {
        guard c >= 1 else { throw .malformed("pbkdf2 'c' = \(c) is not a positive integer") }
        guard c <= maxPBKDF2Iterations else {
            throw .unsupported("pbkdf2 'c' = \(c) is more rounds than conet allows (\(maxPBKDF2Iterations))")
        }
    }

    /// Refuses a derived-key length other than 32 bytes.
    static func checkDerivedKeyLength(_ dklen: Int?) throws(KeystoreError) {
        guard let dklen else { throw .malformed("missing or non-integer 'dklen'") }
        guard dklen == derivedKeyLength else {
            throw .unsupported("'dklen' = \(dklen) (only \(derivedKeyLength), the length every tool writes)")
        }
    }

    /// The product of positive factors, or nil when it does not fit an `Int`.
    static func product(_ factors: Int...) -> Int? {
        var result = 1
        for factor in factors {
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = next
        }
        return result
    }

    /// A byte count for an error message; nil is a product too large to compute.
    private static func bytes(_ count: Int?) -> String {
        guard let count else { return "more than 2^63 bytes" }
        if count >= 1 << 20 && count % (1 << 20) == 0 { return "\(count >> 20) MiB" }
        if count >= 1 << 10 && count % (1 << 10) == 0 { return "\(count >> 10) KiB" }
        return "\(count) bytes"
    }
}
