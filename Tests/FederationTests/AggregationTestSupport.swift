import Crypto
import Foundation
import XCTest
@testable import Federation

/// SplitMix64: a tiny seeded generator so test vectors are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A pod in a simulated secure round: its name, identity key and update.
struct SimulatedPod {
    let name: String
    let identity: Curve25519.Signing.PrivateKey
    let update: ParameterUpdate
}

/// Fixed 32-byte key material derived from a label, for deterministic keys.
func fixedKeyBytes(_ label: String) -> Data {
    Data(SHA256.hash(data: Data(label.utf8)))
}

func makeIdentity(_ name: String) throws -> Curve25519.Signing.PrivateKey {
    try Curve25519.Signing.PrivateKey(rawRepresentation: fixedKeyBytes("identity " + name))
}

func makeAgreementKey(_ name: String, round: Int) throws -> Curve25519.KeyAgreement.PrivateKey {
    try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: fixedKeyBytes("agreement \(name) \(round)"))
}

/// Random updates for `podCount` pods of `length` values in ±`scale`, with different sizes.
func randomUpdates(podCount: Int, length: Int, seed: UInt64, scale: Float = 1) -> [ParameterUpdate] {
    var generator = SeededGenerator(seed: seed)
    return (0..<podCount).map { index in
        let delta = (0..<length).map { _ in Float.random(in: -scale...scale, using: &generator) }
        return ParameterUpdate(
            pod: String(format: "pod-%02d", index), delta: delta, sampleCount: 100 + 37 * index * index)
    }
}

/// Runs a whole secure round over `updates`, as the pods and the modeller would.
func runSecureRound(
    _ updates: [ParameterUpdate],
    weighting: AggregationWeighting,
    maximumSampleCount: Int? = nil,
    round: Int = 0
) throws -> (result: AggregatedUpdate, context: SecureAggregationContext) {
    let context = try SecureAggregationContext(
        taskIdentifier: "task-1", round: round, participants: updates.map(\.pod),
        parameterCount: updates.first?.delta.count ?? 0, weighting: weighting,
        maximumSampleCount: maximumSampleCount ?? updates.map(\.sampleCount).max() ?? 1)
    var identities: [String: Curve25519.Signing.PublicKey] = [:]
    var sessions: [SecureAggregationPodSession] = []
    for update in updates {
        let identity = try makeIdentity(update.pod)
        identities[update.pod] = identity.publicKey
        sessions.append(try SecureAggregationPodSession(pod: update.pod, identity: identity, context: context))
    }
    let shares = sessions.map(\.keyShare)
    var aggregation = SecureAggregationRound(context: context)
    for (session, update) in zip(sessions, updates) {
        let masked = try session.mask(
            delta: update.delta, sampleCount: update.sampleCount, keyShares: shares, identities: identities)
        try aggregation.add(masked)
    }
    return (try aggregation.average(), context)
}

/// Asserts that `error` is the `SecureAggregationError` `expected`.
func assertSecureError(
    _ expression: @autoclosure () throws -> some Any, _ expected: SecureAggregationError,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        XCTAssertEqual(error as? SecureAggregationError, expected, file: file, line: line)
    }
}

/// Asserts that `error` is the `AggregationError` `expected`.
func assertAggregationError(
    _ expression: @autoclosure () throws -> some Any, _ expected: AggregationError,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        XCTAssertEqual(error as? AggregationError, expected, file: file, line: line)
    }
}
