import Crypto
import Foundation
import XCTest
@testable import Federation

final class AggregationKeyShareTests: XCTestCase {
    private let pods = ["alpha", "bravo", "charlie"]

    private func context(task: String = "task-1", round: Int = 3, attempt: Int = 0, participants: [String]? = nil) throws
        -> SecureAggregationContext
    {
        try SecureAggregationContext(
            taskIdentifier: task, round: round, attempt: attempt, participants: participants ?? pods,
            parameterCount: 4, maximumSampleCount: 100)
    }

    private func sessions(_ context: SecureAggregationContext) throws -> [String: SecureAggregationPodSession] {
        var sessions: [String: SecureAggregationPodSession] = [:]
        for pod in context.participants {
            sessions[pod] = try SecureAggregationPodSession(
                pod: pod, identity: makeIdentity(pod), context: context,
                agreementKey: makeAgreementKey(pod, round: context.round))
        }
        return sessions
    }

    private func identities() throws -> [String: Curve25519.Signing.PublicKey] {
        try Dictionary(uniqueKeysWithValues: pods.map { ($0, try makeIdentity($0).publicKey) })
    }

    /// Alpha masks with the given relayed shares.
    private func maskAlpha(
        _ shares: [SignedKeyShare], in context: SecureAggregationContext
    ) throws -> MaskedUpdate {
        let alpha = try SecureAggregationPodSession(
            pod: "alpha", identity: makeIdentity("alpha"), context: context,
            agreementKey: makeAgreementKey("alpha", round: context.round))
        return try alpha.mask(delta: [0.5, -0.5, 1, 0], sampleCount: 10, keyShares: shares, identities: identities())
    }

    func testValidSharesVerify() throws {
        let context = try context()
        let shares = try sessions(context).values.map(\.keyShare)
        XCTAssertEqual(try maskAlpha(shares, in: context).elementCount, 5)
        for share in shares {
            XCTAssertTrue(share.isSigned(by: try makeIdentity(share.pod).publicKey))
            XCTAssertEqual(share.publicKey.count, 32)
        }
    }

    func testBadSignatureIsRefusedNamingThePod() throws {
        let context = try context()
        let all = try sessions(context)
        var shares = pods.compactMap { all[$0]?.keyShare }
        var signature = shares[1].signature
        signature[5] ^= 0x01
        shares[1] = SignedKeyShare(pod: "bravo", context: context, publicKey: shares[1].publicKey, signature: signature)
        assertSecureError(try maskAlpha(shares, in: context), .invalidKeyShareSignature(pod: "bravo"))
        XCTAssertEqual(
            SecureAggregationError.invalidKeyShareSignature(pod: "bravo").description,
            "key share from pod 'bravo' has a signature that does not match the pod's identity key; "
                + "refused, the share was forged or altered")
    }

    func testSubstitutedKeyIsRefused() throws {
        // The modeller swaps in its own key agreement key, signed with its own identity.
        let context = try context()
        let all = try sessions(context)
        var shares = pods.compactMap { all[$0]?.keyShare }
        let modellerKey = Curve25519.KeyAgreement.PrivateKey().publicKey
        shares[2] = try SignedKeyShare(
            pod: "charlie", context: context, agreementKey: modellerKey, identity: Curve25519.Signing.PrivateKey())
        assertSecureError(try maskAlpha(shares, in: context), .invalidKeyShareSignature(pod: "charlie"))
    }

    func testShareForAnotherTaskIsRefused() throws {
        let context = try context()
        var shares = try pods.compactMap { try sessions(context)[$0]?.keyShare }
        shares[1] = try XCTUnwrap(try sessions(self.context(task: "task-2"))["bravo"]?.keyShare)
        assertSecureError(
            try maskAlpha(shares, in: context),
            .keyShareForAnotherRound(
                pod: "bravo", shareContext: "task 'task-2' round 3 attempt 0",
                expectedContext: "task 'task-1' round 3 attempt 0"))
    }

    func testShareReplayedFromAnotherRoundIsRefused() throws {
        let current = try context(round: 3)
        let previous = try context(round: 2)
        var shares = try pods.compactMap { try sessions(current)[$0]?.keyShare }
        let old = try XCTUnwrap(try sessions(previous)["charlie"]?.keyShare)
        shares[2] = old
        assertSecureError(
            try maskAlpha(shares, in: current),
            .keyShareForAnotherRound(
                pod: "charlie", shareContext: "task 'task-1' round 2 attempt 0",
                expectedContext: "task 'task-1' round 3 attempt 0"))
        // Rewriting the old share's context to the current round breaks its signature.
        shares[2] = SignedKeyShare(pod: "charlie", context: current, publicKey: old.publicKey, signature: old.signature)
        assertSecureError(try maskAlpha(shares, in: current), .invalidKeyShareSignature(pod: "charlie"))
        // A retry of the same round is a new attempt, so first-attempt shares are refused too.
        let retry = try context(round: 3, attempt: 1)
        var retryShares = try pods.compactMap { try sessions(retry)[$0]?.keyShare }
        retryShares[1] = try XCTUnwrap(try sessions(current)["bravo"]?.keyShare)
        assertSecureError(
            try maskAlpha(retryShares, in: retry),
            .keyShareForAnotherRound(
                pod: "bravo", shareContext: "task 'task-1' round 3 attempt 0",
                expectedContext: "task 'task-1' round 3 attempt 1"))
    }

    func testShareForOtherParticipantsIsRefused() throws {
        let current = try context()
        let wider = try context(participants: ["alpha", "bravo", "charlie", "delta"])
        var shares = try pods.compactMap { try sessions(current)[$0]?.keyShare }
        shares[1] = try XCTUnwrap(try sessions(wider)["bravo"]?.keyShare)
        assertSecureError(
            try maskAlpha(shares, in: current),
            .keyShareForAnotherRound(
                pod: "bravo", shareContext: "task 'task-1' round 3 attempt 0 with other participants or settings",
                expectedContext: "task 'task-1' round 3 attempt 0"))
    }

    func testMissingDuplicateAndStrayShares() throws {
        let context = try context()
        let all = try sessions(context)
        let shares = pods.compactMap { all[$0]?.keyShare }
        assertSecureError(try maskAlpha([shares[0], shares[1]], in: context), .missingKeyShare(pod: "charlie"))
        assertSecureError(try maskAlpha(shares + [shares[1]], in: context), .duplicateKeyShare(pod: "bravo"))
        let strangerContext = try self.context(participants: ["alpha", "bravo", "charlie", "zulu"])
        let stranger = try SecureAggregationPodSession(pod: "zulu", identity: makeIdentity("zulu"), context: strangerContext)
        assertSecureError(
            try maskAlpha(shares + [stranger.keyShare], in: context), .keyShareFromNonParticipant(pod: "zulu"))
    }

    func testUnknownIdentityIsRefused() throws {
        let context = try context()
        let all = try sessions(context)
        let alpha = try XCTUnwrap(all["alpha"])
        var known = try identities()
        known["bravo"] = nil
        assertSecureError(
            try alpha.mask(
                delta: [0, 0, 0, 0], sampleCount: 1, keyShares: pods.compactMap { all[$0]?.keyShare }, identities: known),
            .unknownPodIdentity(pod: "bravo"))
    }

    func testOwnShareReplacedIsRefused() throws {
        let context = try context()
        let all = try sessions(context)
        var shares = pods.compactMap { all[$0]?.keyShare }
        shares[0] = try SignedKeyShare(
            pod: "alpha", context: context, agreementKey: Curve25519.KeyAgreement.PrivateKey().publicKey,
            identity: makeIdentity("alpha"))
        assertSecureError(try maskAlpha(shares, in: context), .ownKeyShareReplaced(pod: "alpha"))
    }

    func testMalformedPublicKeyIsRefused() throws {
        let context = try context()
        let all = try sessions(context)
        var shares = pods.compactMap { all[$0]?.keyShare }
        let shortKey = Data(repeating: 7, count: 31)
        let signature = try makeIdentity("bravo").signature(
            for: SignedKeyShare.signedBytes(pod: "bravo", context: context, publicKey: shortKey))
        shares[1] = SignedKeyShare(pod: "bravo", context: context, publicKey: shortKey, signature: signature)
        assertSecureError(try maskAlpha(shares, in: context), .malformedKeyShare(pod: "bravo"))
    }

    func testPodOutsideTheRoundCannotStartASession() throws {
        assertSecureError(
            try SecureAggregationPodSession(pod: "zulu", identity: makeIdentity("zulu"), context: context()),
            .podNotParticipating(pod: "zulu", context: "task 'task-1' round 3 attempt 0"))
    }
}

extension AggregationKeyShareTests {
    func testDegeneratePublicKeyFailsKeyAgreement() throws {
        // The all-zero point has small order: X25519 with it yields the all-zero secret.
        let context = try context()
        let all = try sessions(context)
        var shares = pods.compactMap { all[$0]?.keyShare }
        let zeroKey = Data(repeating: 0, count: 32)
        let signature = try makeIdentity("charlie").signature(
            for: SignedKeyShare.signedBytes(pod: "charlie", context: context, publicKey: zeroKey))
        shares[2] = SignedKeyShare(pod: "charlie", context: context, publicKey: zeroKey, signature: signature)
        assertSecureError(try maskAlpha(shares, in: context), .keyAgreementFailed(pod: "charlie"))
    }
}
