import Foundation

/// Byte comparisons for large buffers. Swift's `==` on arrays compares element by element, and
/// under the fuzzer's instrumentation every element's comparison is traced: comparing two
/// 256 KiB buffers that way costs more than everything else an input does. `memcmp` is not traced.
enum FuzzBytes {
    static func same(_ a: some ContiguousBytes, _ b: some ContiguousBytes) -> Bool {
        a.withUnsafeBytes { a in
            b.withUnsafeBytes { b in
                a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
            }
        }
    }
}
