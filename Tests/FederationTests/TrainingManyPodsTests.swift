import BenchmarkSupport
import Foundation
import XCTest
@testable import Federation

/// Training with many in-process pods: the modeller's threads do not grow with the pods
/// (their training shares a pool of one thread per core), and a 200-pod secure round on
/// SecAgg+'s sparse graph gives the plain average.
final class TrainingManyPodsTests: FederationTestCase {
    /// The most threads the process had while `body` ran, sampled every 2 ms.
    private func peakThreads(during body: () async throws -> Void) async throws -> Int {
        let peak = ThreadCount()
        let sampler = Task.detached {
            while !Task.isCancelled {
                peak.sample()
                try? await Task.sleep(for: .milliseconds(2))
            }
        }
        defer { sampler.cancel() }
        try await body()
        peak.sample()
        return peak.most
    }

    func testTheModellersThreadsStayFewAsPodsGrow() async throws {
        let options = FederatedAveragingOptions(stepsBetweenParameterUpdates: 2, autoEval: false)
        var peaks: [Int: Int] = [:]
        for count in [4, 40] {
            let pods = try SmallPods.get(count: count)
            let spec = try await pods.specification()
            _ = try await pods.train(try pods.connections(pods.names), spec, options)  // pods read their rows
            peaks[count] = try await peakThreads {
                let results = try await pods.train(try pods.connections(pods.names), spec, options)
                XCTAssertEqual(results.rounds.count, 2)
            }
        }
        // A thread per pod would add 36; the pool adds none once every core has one.
        let few = try XCTUnwrap(peaks[4]), many = try XCTUnwrap(peaks[40])
        XCTAssertLessThanOrEqual(many, few + 2, "threads at 4 pods: \(few), at 40 pods: \(many)")
    }

    func test200PodsTrainSecurelyOnASparseGraph() async throws {
        let pods = try SmallPods.get(count: 200)
        let spec = try await pods.specification()
        let plain = FederatedAveragingOptions(stepsBetweenParameterUpdates: 2, autoEval: false)
        var secure = plain
        secure.secureAggregation = true
        secure.requireAllPods = false
        secure.secureAggregationNeighbours = 8
        let clear = try await pods.train(try pods.connections(pods.names), spec, plain)
        let masked = try await pods.train(try pods.connections(pods.names), spec, secure)
        XCTAssertEqual(masked.dropped, [])
        XCTAssertEqual(masked.rounds.count, 2)
        XCTAssertLessThan(largestDifference(masked.model.parameters, clear.model.parameters), 1e-5)
    }
}
