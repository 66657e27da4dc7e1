#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Carries the terminal's signals from their handlers to the line editor and the running cell.
///
/// A handler only sets an atomic flag and writes one byte to a non-blocking pipe, both
/// async-signal-safe. The line editor waits on the terminal and on that pipe together, so a
/// signal wakes it whichever thread the kernel delivered it to: Ctrl-C (SIGINT) raises
/// `interrupt`, a window resize (SIGWINCH) or a resume (SIGCONT) asks for a redraw. Handlers are
/// installed without `SA_RESTART`, and no handler ever ends the process: Ctrl-C never exits bf.
final class TerminalSignals: Sendable {
    /// The one relay of the process; signal handlers are process-wide, so is this.
    static let shared = TerminalSignals()

    /// Raised by Ctrl-C.
    let interrupt = InterruptFlag()
    private let resized = Atomic<Bool>(false)
    private let continued = Atomic<Bool>(false)
    private let installed = Mutex<Bool>(false)

    /// Becomes readable when a signal arrived; drain it with `drainWakeups`.
    let wakeReadEnd: Int32
    private let wakeWriteEnd: Int32

    private init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
            wakeReadEnd = ends[0]
            wakeWriteEnd = ends[1]
        } else {
            // Without the pipe the editor still sees signals through poll's EINTR on the thread
            // that receives them; a negative descriptor is ignored by poll.
            wakeReadEnd = -1
            wakeWriteEnd = -1
        }
    }

    /// Installs the handlers for SIGINT, SIGWINCH and SIGCONT once per process.
    func install() {
        installed.withLock { done in
            guard !done else { return }
            done = true
            for signalNumber in [SIGINT, SIGWINCH, SIGCONT] {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = relaySignal
                sigemptyset(&action.sa_mask)
                action.sa_flags = 0
                sigaction(signalNumber, &action, nil)
            }
        }
    }

    /// Reads and discards every pending wake-up byte.
    func drainWakeups() {
        guard wakeReadEnd >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeReadEnd, &buffer, buffer.count) > 0 {}
    }

    /// Tells, and forgets, whether the terminal changed size since the last call.
    func consumeResize() -> Bool {
        resized.exchange(false, ordering: .acquiringAndReleasing)
    }

    /// Tells, and forgets, whether the process was resumed after a stop since the last call.
    func consumeContinue() -> Bool {
        continued.exchange(false, ordering: .acquiringAndReleasing)
    }

    fileprivate func relay(_ signalNumber: Int32) {
        switch signalNumber {
        case SIGINT: interrupt.raise()
        case SIGWINCH: resized.store(true, ordering: .releasing)
        case SIGCONT: continued.store(true, ordering: .releasing)
        default: break
        }
        guard wakeWriteEnd >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(wakeWriteEnd, &byte, 1)
    }
}

// `shared` is initialised before `install` runs, so the handler only reads a ready value.
private func relaySignal(_ signalNumber: Int32) {
    let savedErrno = errno
    TerminalSignals.shared.relay(signalNumber)
    errno = savedErrno
}
