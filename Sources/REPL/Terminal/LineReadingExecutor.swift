import Dispatch
import Foundation
import Synchronization

/// A task executor with one thread of its own, on which the line editor blocks in `el_gets`.
///
/// Waiting for a key press blocks a thread for as long as the user thinks. Running that wait
/// under this executor's preference keeps it off Swift's cooperative pool (as wide as the
/// machine has cores), so background work keeps its threads while the prompt is up. The
/// completion hook runs inside the same wait, in the same task, so it may call the engine
/// without crossing an isolation boundary.
final class LineReadingExecutor: TaskExecutor {
    /// The process's one line-reading thread.
    static let shared = LineReadingExecutor()

    private let jobs = Mutex<[UnownedJob]>([])
    private let available = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [self] in
            while true {
                available.wait()
                let next = jobs.withLock { queue in queue.isEmpty ? nil : queue.removeFirst() }
                next?.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
        thread.name = "bf line editor"
        thread.start()
    }

    /// Queues `job` to run on the executor's thread.
    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        jobs.withLock { $0.append(unowned) }
        available.signal()
    }
}
