// bf-bench-aggregation: times plain and secure aggregation of one round the size of the
// tutorial model, as pods and the modeller would run it. Usage:
//   bf-bench-aggregation [--parameters N] [--pods 2,10] [--repetitions R]
// Pods mask concurrently on Swift's cooperative pool (one thread per core); each pod's own
// masking is single-threaded, as in a real round.
import BenchmarkSupport
import Crypto
import Federation
import Foundation

struct Options {
    /// The tutorial model flattened: embeddings (907) + batch norm of 6 continuous columns
    /// (24) + Linear 54→1000 (55,000) + batch norm 1000 (4,000) + Linear 1000→500
    /// (500,500) + batch norm 500 (2,000) + Linear 500→2 (1,002) = 563,433; rounded up.
    var parameters = 600_000
    var podCounts = [2, 10]
    var repetitions = 5

    init(arguments: [String]) throws {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("missing value after \(flag)") }
            switch flag {
            case "--parameters": parameters = try Self.number(value, flag)
            case "--repetitions": repetitions = try Self.number(value, flag)
            case "--pods": podCounts = try value.split(separator: ",").map { try Self.number(String($0), flag) }
            default: throw BenchError("unknown option \(flag); expected --parameters, --pods or --repetitions")
            }
        }
    }

    private static func number(_ text: String, _ flag: String) throws -> Int {
        guard let number = Int(text), number > 0 else { throw BenchError("\(flag) expects a positive integer, got '\(text)'") }
        return number
    }
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

/// "median (min)": the median is what a run sees; the minimum is the cost without
/// interference from other processes on a shared machine.
func format(_ values: [Double]) -> String {
    String(format: "%9.2f  (%8.2f)", median(values), values.min() ?? 0)
}

/// Deltas like a round of local training: small values, a few batch-norm statistics large.
func makeUpdates(podCount: Int, parameters: Int) -> [ParameterUpdate] {
    var generator = SystemRandomNumberGenerator()
    return (0..<podCount).map { index in
        var delta = (0..<parameters).map { _ in Float.random(in: -0.05...0.05, using: &generator) }
        for position in stride(from: 0, to: min(24, parameters), by: 4) { delta[position] = 5.4e7 }
        return ParameterUpdate(pod: "pod-\(index)", delta: delta, sampleCount: 3_000 + 17 * index)
    }
}

struct SecureTimings {
    var keyShareMs: [Double] = []
    var maskMs: [Double] = []
    var maskingWallMs = 0.0
    var modellerMs = 0.0
}

func secureRound(_ updates: [ParameterUpdate], round: Int) async throws -> (SecureTimings, AggregatedUpdate) {
    let clock = ContinuousClock()
    let context = try SecureAggregationContext(
        taskIdentifier: "bench", round: round, participants: updates.map(\.pod),
        parameterCount: updates[0].delta.count, weighting: .sampleCount,
        maximumSampleCount: updates.map(\.sampleCount).max() ?? 1)
    var timings = SecureTimings()
    var identities: [String: Curve25519.Signing.PublicKey] = [:]
    var sessions: [SecureAggregationPodSession] = []
    for update in updates {
        let identity = Curve25519.Signing.PrivateKey()
        identities[update.pod] = identity.publicKey
        let start = clock.now
        sessions.append(try SecureAggregationPodSession(pod: update.pod, identity: identity, context: context))
        timings.keyShareMs.append(milliseconds(clock.now - start))
    }
    let shares = sessions.map(\.keyShare)
    let knownIdentities = identities

    let maskingStart = clock.now
    let masked = try await withThrowingTaskGroup(of: (MaskedUpdate, Double).self) { group in
        for (session, update) in zip(sessions, updates) {
            group.addTask {
                let start = ContinuousClock.now
                let masked = try session.mask(
                    delta: update.delta, sampleCount: update.sampleCount, keyShares: shares, identities: knownIdentities)
                return (masked, milliseconds(ContinuousClock.now - start))
            }
        }
        var results: [(MaskedUpdate, Double)] = []
        for try await result in group { results.append(result) }
        return results
    }
    timings.maskingWallMs = milliseconds(clock.now - maskingStart)
    timings.maskMs = masked.map(\.1)

    let modellerStart = clock.now
    let average = try SecureAggregationRound.average(of: masked.map(\.0), context: context)
    timings.modellerMs = milliseconds(clock.now - modellerStart)
    return (timings, average)
}

func run() async throws {
    let options = try Options(arguments: CommandLine.arguments)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("aggregation benchmark: \(options.parameters) parameters, \(options.repetitions) repetitions, "
        + "\(cores) cores, times in ms")
    for podCount in options.podCounts {
        let updates = makeUpdates(podCount: podCount, parameters: options.parameters)
        var plainMs: [Double] = []
        var keyShareMs: [Double] = []
        var maskMs: [Double] = []
        var maskingWallMs: [Double] = []
        var modellerMs: [Double] = []
        var worstError: Float = 0
        for repetition in 0..<options.repetitions {
            let start = ContinuousClock.now
            let plain = try PlainAggregator().aggregate(updates)
            plainMs.append(milliseconds(ContinuousClock.now - start))

            let (timings, secure) = try await secureRound(updates, round: repetition)
            keyShareMs += timings.keyShareMs
            maskMs += timings.maskMs
            maskingWallMs.append(timings.maskingWallMs)
            modellerMs.append(timings.modellerMs)
            for (s, p) in zip(secure.delta, plain.delta) where p.magnitude < 1 { worstError = max(worstError, abs(s - p)) }
        }
        let secureWall = zip(maskingWallMs, modellerMs).map(+)
        let ratio = zip(secureWall, plainMs).map(/)
        print("")
        print("\(podCount) pods                                      median       (min)")
        print("  plain aggregation at the modeller        \(format(plainMs))")
        print("  secure, per pod: key share (keygen+sign) \(format(keyShareMs))")
        print("  secure, per pod: verify+mask+encode      \(format(maskMs))")
        print("  secure, all pods masking on \(cores) cores     \(format(maskingWallMs))")
        print("  secure, modeller sum+decode              \(format(modellerMs))")
        print("  secure round wall (masking + modeller)   \(format(secureWall))")
        print("  secure / plain (ratio)                   \(format(ratio))")
        print("  largest |secure − plain| (|delta| < 1)   \(String(format: "%9.2e", Double(worstError)))")
    }
}

do {
    try await run()
} catch {
    FileHandle.standardError.write(Data("bf-bench-aggregation: \(error)\n".utf8))
    exit(1)
}
