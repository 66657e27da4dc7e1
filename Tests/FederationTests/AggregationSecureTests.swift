import Crypto
import Foundation
import XCTest
@testable import Federation

final class AggregationSecureTests: XCTestCase {
    /// Secure and plain averages agree within the documented fixed-point error
    /// n · 2^-(f+1) · W_max / Σw, plus a Float rounding of each result.
    private func assertSecureMatchesPlain(
        podCount: Int, weighting: AggregationWeighting, length: Int = 1_000, seed: UInt64,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var updates = randomUpdates(podCount: podCount, length: length, seed: seed)
        // A few large values (batch-norm statistics) alongside the small deltas.
        updates[0].delta[0] = 5.4e7
        updates[podCount - 1].delta[1] = -12_345.678
        let plain = try PlainAggregator(weighting: weighting).aggregate(updates)
        let (secure, context) = try runSecureRound(updates, weighting: weighting)
        XCTAssertEqual(secure.totalWeight, plain.totalWeight, file: file, line: line)
        XCTAssertEqual(secure.podCount, podCount, file: file, line: line)
        XCTAssertEqual(secure.delta.count, length, file: file, line: line)
        let quantisation = Double(podCount) * pow(2, -Double(context.fractionalBits + 1))
            * Double(context.maximumWeight) / Double(plain.totalWeight)
        var worst = 0.0
        for (s, p) in zip(secure.delta, plain.delta) {
            let tolerance = quantisation + 2 * Double(p.magnitude.ulp)
            worst = max(worst, abs(Double(s) - Double(p)) / tolerance)
        }
        XCTAssertLessThanOrEqual(worst, 1, "secure average strays beyond the fixed-point bound", file: file, line: line)
    }

    func testSecureMatchesPlainTwoPods() throws {
        try assertSecureMatchesPlain(podCount: 2, weighting: .sampleCount, seed: 1)
        try assertSecureMatchesPlain(podCount: 2, weighting: .equal, seed: 2)
    }

    func testSecureMatchesPlainThreePods() throws {
        try assertSecureMatchesPlain(podCount: 3, weighting: .sampleCount, seed: 3)
        try assertSecureMatchesPlain(podCount: 3, weighting: .equal, seed: 4)
    }

    func testSecureMatchesPlainTenPods() throws {
        try assertSecureMatchesPlain(podCount: 10, weighting: .sampleCount, seed: 5)
        try assertSecureMatchesPlain(podCount: 10, weighting: .equal, seed: 6)
    }

    func testSecureMatchesPlainAcrossMaskChunkBoundaries() throws {
        try assertSecureMatchesPlain(
            podCount: 3, weighting: .sampleCount, length: 2 * PairwiseMask.chunkLanes + 13, seed: 7)
    }

    func testSecureWeightedAverageMatchesHandComputation() throws {
        // (10·[1, 2, −3] + 30·[3, −2, 1]) / 40 = [2.5, −1, 0]; equal: [2, 0, −1].
        let updates = [
            ParameterUpdate(pod: "a", delta: [1, 2, -3], sampleCount: 10),
            ParameterUpdate(pod: "b", delta: [3, -2, 1], sampleCount: 30),
        ]
        let weighted = try runSecureRound(updates, weighting: .sampleCount).result
        XCTAssertEqual(weighted.totalWeight, 40)
        for (value, expected) in zip(weighted.delta, [Float(2.5), -1, 0]) {
            XCTAssertEqual(value, expected, accuracy: 1e-7)
        }
        let equal = try runSecureRound(updates, weighting: .equal).result
        XCTAssertEqual(equal.totalWeight, 2)
        for (value, expected) in zip(equal.delta, [Float(2), 0, -1]) {
            XCTAssertEqual(value, expected, accuracy: 1e-7)
        }
    }

    func testMaskedUpdateSurvivesEncoding() throws {
        let updates = randomUpdates(podCount: 3, length: 50, seed: 8)
        let context = try SecureAggregationContext(
            taskIdentifier: "t", round: 0, participants: updates.map(\.pod), parameterCount: 50,
            maximumSampleCount: 1_000)
        var identities: [String: Curve25519.Signing.PublicKey] = [:]
        var sessions: [SecureAggregationPodSession] = []
        for update in updates {
            let identity = try makeIdentity(update.pod)
            identities[update.pod] = identity.publicKey
            sessions.append(try SecureAggregationPodSession(pod: update.pod, identity: identity, context: context))
        }
        // Shares and masked updates cross the wire as JSON.
        let wireShares = try sessions.map { try JSONDecoder().decode(SignedKeyShare.self, from: JSONEncoder().encode($0.keyShare)) }
        let wireContext = try JSONDecoder().decode(SecureAggregationContext.self, from: JSONEncoder().encode(context))
        XCTAssertEqual(wireContext, context)
        var round = SecureAggregationRound(context: wireContext)
        for (session, update) in zip(sessions, updates) {
            let masked = try session.mask(
                delta: update.delta, sampleCount: update.sampleCount, keyShares: wireShares, identities: identities)
            let decoded = try JSONDecoder().decode(MaskedUpdate.self, from: JSONEncoder().encode(masked))
            XCTAssertEqual(decoded, masked)
            try round.add(decoded)
        }
        let expected = try PlainAggregator().aggregate(updates)
        for (value, plain) in zip(try round.average().delta, expected.delta) {
            XCTAssertEqual(value, plain, accuracy: 1e-6)
        }
    }

    func testFractionalBitsUseTheWholeRing() throws {
        func context(pods: Int, bound: Float = SecureAggregationContext.defaultValueBound) throws -> SecureAggregationContext {
            try SecureAggregationContext(
                taskIdentifier: "t", round: 0, participants: (0..<pods).map { "p\($0)" }, parameterCount: 1,
                maximumSampleCount: 50_000, valueBound: bound)
        }
        // 2 · 2^30 · 2^31 = 2^62 exactly; 10 · 2^30 · 2^28 < 2^62 < 10 · 2^30 · 2^29.
        XCTAssertEqual(try context(pods: 2).fractionalBits, 31)
        XCTAssertEqual(try context(pods: 10).fractionalBits, 28)
        XCTAssertEqual(try context(pods: 3, bound: 1).fractionalBits, 60)
    }

    func testOverflowCheckFires() {
        let participants = (0..<10).map { "p\($0)" }
        // 10 · 2^50 · 2^f ≤ 2^62 leaves f = 8 < 16.
        assertSecureError(
            try SecureAggregationContext(
                taskIdentifier: "t", round: 0, participants: participants, parameterCount: 4,
                maximumSampleCount: 100, valueBound: 0x1p50),
            .ringOverflow(podCount: 10, valueBound: 0x1p50, maximumSampleCount: 100, fractionalBits: 8))
        assertSecureError(
            try SecureAggregationContext(
                taskIdentifier: "t", round: 0, participants: participants, parameterCount: 4,
                maximumSampleCount: 1 << 60),
            .ringOverflow(
                podCount: 10, valueBound: SecureAggregationContext.defaultValueBound, maximumSampleCount: 1 << 60,
                fractionalBits: nil))
        XCTAssertEqual(
            SecureAggregationError.ringOverflow(podCount: 10, valueBound: 0x1p50, maximumSampleCount: 100, fractionalBits: 8)
                .description,
            "the sum of 10 pods with values up to 1.1258999e+15 leaves only 8 fractional bits in the 64-bit ring "
                + "(at least 16 needed, maximum sample count 100); lower the value bound or aggregate fewer pods")
    }

    func testInvalidContextsAreRefused() {
        func make(_ participants: [String], task: String = "t") throws -> SecureAggregationContext {
            try SecureAggregationContext(
                taskIdentifier: task, round: 0, participants: participants, parameterCount: 1, maximumSampleCount: 1)
        }
        assertSecureError(try make(["solo"]), .tooFewParticipants(participants: ["solo"]))
        assertSecureError(try make(["a", "b", "a"]), .invalidContext("pod 'a' is listed twice among the participants"))
        assertSecureError(try make(["a", ""]), .invalidContext("a participating pod has an empty identifier"))
        assertSecureError(try make(["a", "b"], task: ""), .invalidContext("the task identifier is empty"))
    }

    func testValuesBeyondTheBoundAreRefusedNotClipped() throws {
        let context = try SecureAggregationContext(
            taskIdentifier: "t", round: 0, participants: ["a", "b"], parameterCount: 3, maximumSampleCount: 10)
        let session = try SecureAggregationPodSession(pod: "a", identity: makeIdentity("a"), context: context)
        let peer = try SecureAggregationPodSession(pod: "b", identity: makeIdentity("b"), context: context)
        let shares = [session.keyShare, peer.keyShare]
        let identities = ["b": try makeIdentity("b").publicKey]
        assertSecureError(
            try session.mask(delta: [0, 2e9, 0], sampleCount: 5, keyShares: shares, identities: identities),
            .valueOutOfBound(pod: "a", index: 1, value: 2e9, bound: SecureAggregationContext.defaultValueBound))
        assertSecureError(
            try session.mask(delta: [0, 0, .nan], sampleCount: 5, keyShares: shares, identities: identities),
            .nonFiniteValue(pod: "a", index: 2))
        assertSecureError(
            try session.mask(delta: [0, 0, 0], sampleCount: 11, keyShares: shares, identities: identities),
            .sampleCountOutOfRange(pod: "a", sampleCount: 11, maximum: 10))
        assertSecureError(
            try session.mask(delta: [0, 0, 0], sampleCount: 0, keyShares: shares, identities: identities),
            .sampleCountOutOfRange(pod: "a", sampleCount: 0, maximum: 10))
        assertSecureError(
            try session.mask(delta: [0, 0], sampleCount: 5, keyShares: shares, identities: identities),
            .updateLengthMismatch(pod: "a", count: 2, expected: 3))
    }

    func testDroppedPodFailsTheRoundNamingIt() throws {
        let updates = randomUpdates(podCount: 3, length: 8, seed: 9)
        let context = try SecureAggregationContext(
            taskIdentifier: "task-9", round: 4, participants: updates.map(\.pod), parameterCount: 8,
            maximumSampleCount: 1_000)
        var identities: [String: Curve25519.Signing.PublicKey] = [:]
        var sessions: [SecureAggregationPodSession] = []
        for update in updates {
            identities[update.pod] = try makeIdentity(update.pod).publicKey
            sessions.append(try SecureAggregationPodSession(pod: update.pod, identity: makeIdentity(update.pod), context: context))
        }
        var round = SecureAggregationRound(context: context)
        for index in [0, 2] {
            try round.add(sessions[index].mask(
                delta: updates[index].delta, sampleCount: updates[index].sampleCount,
                keyShares: sessions.map(\.keyShare), identities: identities))
        }
        XCTAssertEqual(round.receivedPods, ["pod-00", "pod-02"])
        XCTAssertEqual(round.missingPods, ["pod-01"])
        XCTAssertThrowsError(try round.average()) { error in
            XCTAssertEqual(
                error as? SecureAggregationError,
                .podsDropped(pods: ["pod-01"], context: "task 'task-9' round 4 attempt 0"))
            XCTAssertEqual(
                "\(error)",
                "secure aggregation of task 'task-9' round 4 attempt 0 cannot finish: no masked update from pod 'pod-01'; "
                    + "the pairwise masks cannot cancel without them, retry the round without pod 'pod-01'")
        }
    }

    func testModellerRefusesMisfitMaskedUpdates() throws {
        let updates = randomUpdates(podCount: 2, length: 4, seed: 10)
        let pods = updates.map(\.pod)
        let context = try SecureAggregationContext(
            taskIdentifier: "t", round: 1, participants: pods, parameterCount: 4, maximumSampleCount: 1_000)
        let other = try SecureAggregationContext(
            taskIdentifier: "t", round: 2, participants: pods, parameterCount: 4, maximumSampleCount: 1_000)
        let identities = try Dictionary(uniqueKeysWithValues: pods.map { ($0, try makeIdentity($0).publicKey) })
        func masked(_ context: SecureAggregationContext) throws -> MaskedUpdate {
            let sessions = try pods.map { try SecureAggregationPodSession(pod: $0, identity: makeIdentity($0), context: context) }
            return try sessions[0].mask(
                delta: updates[0].delta, sampleCount: updates[0].sampleCount,
                keyShares: sessions.map(\.keyShare), identities: identities)
        }
        var round = SecureAggregationRound(context: context)
        assertSecureError(
            try round.add(masked(other)),
            .maskedUpdateForAnotherRound(pod: pods[0], expectedContext: "task 't' round 1 attempt 0"))
        let good = try masked(context)
        try round.add(good)
        assertSecureError(try round.add(good), .duplicateMaskedUpdate(pod: pods[0]))
        let stranger = MaskedUpdate(pod: "stranger", contextDigest: Data(context.digest), maskedElements: [1, 2, 3, 4, 5])
        assertSecureError(try round.add(stranger), .maskedUpdateFromNonParticipant(pod: "stranger"))
        let short = MaskedUpdate(pod: pods[1], contextDigest: Data(context.digest), maskedElements: [1, 2])
        assertSecureError(try round.add(short), .maskedUpdateLengthMismatch(pod: pods[1], count: 2, expected: 5))
        XCTAssertEqual(round.missingPods, [pods[1]])
    }

    func testAlteredMaskedWeightIsDetected() throws {
        let context = try SecureAggregationContext(
            taskIdentifier: "t", round: 0, participants: ["a", "b"], parameterCount: 1, maximumSampleCount: 10)
        let digest = Data(context.digest)
        // Unmasked weights 0 + 0: impossible, each pod sends 1…10.
        let updates = [
            MaskedUpdate(pod: "a", contextDigest: digest, maskedElements: [5, 7]),
            MaskedUpdate(pod: "b", contextDigest: digest, maskedElements: [3, UInt64.max - 6]),
        ]
        assertSecureError(
            try SecureAggregationRound.average(of: updates, context: context),
            .inconsistentTotalWeight(totalWeight: 0, context: "task 't' round 0 attempt 0"))
    }
}
