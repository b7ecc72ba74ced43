import Foundation

/// Swift's crash reports on Linux print every register with the 16 bytes of memory it points at,
/// which may be key material or a stranger's message in a relay. The runtime reads its settings
/// from SWIFT_BACKTRACE before `main`, so a relay started without them runs itself again with a
/// report of the stack only. A user's own SWIFT_BACKTRACE is left as it is.
enum CrashReports {
    static let variable = "SWIFT_BACKTRACE"
    static let withoutMemory = "registers=none,images=none,sanitize=yes"

    /// Returns only when the settings are in force (or cannot be applied).
    static func excludeMemory() {
        guard ProcessInfo.processInfo.environment[variable] == nil else { return }
        setenv(variable, withoutMemory, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached if exec failed: run on with the default reports.
    }
}
