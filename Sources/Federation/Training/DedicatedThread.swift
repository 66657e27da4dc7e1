import Foundation

/// Runs CPU-bound work on a thread of its own, so a pod's training neither occupies a thread
/// of Swift's cooperative pool (which the progress events and other pods need) nor depends
/// on how many the pool has: pods train in parallel, one thread each.
///
/// Every call gets a thread at once, never waiting for another call's work. Threads are
/// reused: one whose work is done waits up to `idleTimeout` for the next call before it
/// exits, so the rounds of a training (hundreds a second with a small model) do not each
/// create and tear down a thread per pod.
enum DedicatedThread {
    /// How long a finished thread waits for more work.
    static let idleTimeout: TimeInterval = 2

    /// The result of `body`, run on a dedicated thread named `name`.
    static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            workers.submit(name: name) {
                do {
                    continuation.resume(returning: try body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static let workers = Workers()

    /// The threads: those waiting for work, and the work handed to them.
    ///
    /// Invariant, under `condition`'s lock: `available` is the number of waiting threads
    /// minus the jobs queued for them, so a job is queued only when a waiting thread is
    /// sure to take it; otherwise a new thread starts with it.
    private final class Workers: @unchecked Sendable {
        // @unchecked: `available` and `queue` are only touched with `condition` locked.
        private let condition = NSCondition()
        private var available = 0
        private var queue: [(name: String, job: @Sendable () -> Void)] = []

        /// Hands `job` to a waiting thread, or starts a new thread named `name` with it.
        func submit(name: String, _ job: @escaping @Sendable () -> Void) {
            condition.lock()
            if available > 0 {
                available -= 1
                queue.append((name, job))
                condition.signal()
                condition.unlock()
                return
            }
            condition.unlock()
            let thread = Thread { [self] in work(name: name, job: job) }
            thread.name = name
            // The classifier's layers recurse little, but BLAS kernels want room.
            thread.stackSize = 8 << 20
            thread.start()
        }

        /// Runs `job`, then every job handed to this thread until it has waited
        /// `idleTimeout` for one in vain.
        private func work(name: String, job: @escaping @Sendable () -> Void) {
            var next: (name: String, job: @Sendable () -> Void)? = (name, job)
            while let current = next {
                Thread.current.name = current.name
                current.job()
                next = nil
                condition.lock()
                available += 1
                let deadline = Date(timeIntervalSinceNow: DedicatedThread.idleTimeout)
                while queue.isEmpty, condition.wait(until: deadline) {}
                if queue.isEmpty {
                    available -= 1
                } else {
                    next = queue.removeFirst()
                }
                condition.unlock()
            }
        }
    }
}
