import Foundation

/// Runs CPU-bound work on a small pool of threads of its own, so a pod's training neither
/// occupies a thread of Swift's cooperative pool (which the progress events, the network and
/// the modeller need) nor starts a thread per pod: the pool has one thread per core, however
/// many pods a process holds, and the work of more pods than cores waits its turn in the
/// order it came.
///
/// A job never waits for another job (each trains, scores or queries one pod's data from
/// values it was given), so a bounded pool cannot deadlock. Threads start when work comes
/// and one with nothing to do exits after `idleTimeout`; the rounds of a training (hundreds
/// a second with a small model) reuse them.
enum DedicatedThread {
    /// How long an idle thread waits for more work before it exits.
    static let idleTimeout: TimeInterval = 2

    /// The most threads the pool runs at once: one per core.
    static let capacity = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The result of `body`, run on a pool thread named `name`.
    static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pool.submit(name: name) {
                do {
                    continuation.resume(returning: try body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static let pool = Pool(capacity: capacity)

    /// The threads and the jobs waiting for them.
    ///
    /// Under `condition`'s lock: `threads` run (busy or idle), `idle` of them wait for work,
    /// and a job is queued until one takes it. A new thread starts only when the queue holds
    /// more jobs than there are idle threads to take them, and never beyond `capacity`.
    private final class Pool: @unchecked Sendable {
        // @unchecked: every stored property but `capacity` is only touched with `condition` locked.
        private let capacity: Int
        private let condition = NSCondition()
        private var threads = 0
        private var idle = 0
        private var queue: [(name: String, job: @Sendable () -> Void)] = []

        init(capacity: Int) {
            self.capacity = capacity
        }

        /// Queues `job` for the next free thread, starting one if none is idle and the pool has room.
        func submit(name: String, _ job: @escaping @Sendable () -> Void) {
            condition.lock()
            queue.append((name, job))
            let starts = queue.count > idle && threads < capacity
            if starts { threads += 1 }
            condition.signal()
            condition.unlock()
            guard starts else { return }
            let thread = Thread { [self] in work() }
            // The classifier's layers recurse little, but BLAS kernels want room.
            thread.stackSize = 8 << 20
            thread.start()
        }

        /// Runs queued jobs until none has come for `idleTimeout`.
        private func work() {
            condition.lock()
            while true {
                let deadline = Date(timeIntervalSinceNow: DedicatedThread.idleTimeout)
                while queue.isEmpty {
                    idle += 1
                    let signalled = condition.wait(until: deadline)
                    idle -= 1
                    if !signalled, queue.isEmpty {
                        threads -= 1
                        condition.unlock()
                        return
                    }
                }
                let (name, job) = queue.removeFirst()
                condition.unlock()
                Thread.current.name = name
                job()
                condition.lock()
            }
        }
    }
}
