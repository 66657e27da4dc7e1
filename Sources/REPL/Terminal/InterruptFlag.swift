import Synchronization

/// A flag raised when the user presses Ctrl-C, read by whoever is doing long work.
///
/// The SIGINT handler of the interactive REPL only raises this flag (a signal handler may do
/// nothing else safely). Long-running evaluation polls `isRaised` at safe points, such as a
/// batch boundary in training, and stops there. The REPL clears the flag before every cell, so
/// a Ctrl-C pressed while one cell ran never leaks into the next. Raising and reading are
/// lock-free atomic operations, so they are safe from a signal handler and from any thread.
public final class InterruptFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    /// A lowered flag.
    public init() {}

    /// Whether Ctrl-C was pressed since the flag was last cleared.
    public var isRaised: Bool {
        raised.load(ordering: .acquiring)
    }

    /// Raises the flag; async-signal-safe.
    public func raise() {
        raised.store(true, ordering: .releasing)
    }

    /// Lowers the flag.
    public func clear() {
        raised.store(false, ordering: .releasing)
    }

    /// Lowers the flag and tells whether it was raised, in one atomic step.
    public func consume() -> Bool {
        raised.exchange(false, ordering: .acquiringAndReleasing)
    }
}
