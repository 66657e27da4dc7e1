import Crypto
import Foundation
import XCTest
@testable import Federation

/// When a simulated pod stops answering: before the step named, or never.
enum Departure: Int, Comparable {
    case beforeAdvertising, beforeSharingKeys, beforeMaskedInput, beforeUnmasking, never

    static func < (left: Self, right: Self) -> Bool { left.rawValue < right.rawValue }
}

/// The modeller's SecAgg+ side, keeping a copy of everything it receives so tests can check
/// that no pod's update ever reached it in the clear.
struct RecordingServer {
    private(set) var server: SecAggPlusServer
    /// Every masked vector received, by pod.
    private(set) var maskedVectors: [String: [UInt64]] = [:]
    /// Every other byte string received: keys, signatures, sealed shares, shares.
    private(set) var receivedBytes: [[UInt8]] = []

    init(settings: SecAggPlusSettings) {
        server = SecAggPlusServer(settings: settings)
    }

    mutating func receive(_ advertisement: SecAggPlusKeyAdvertisement) throws {
        receivedBytes += [advertisement.encryptionKey, advertisement.maskingKey, advertisement.selfMaskCommitment,
                          advertisement.signature].map { Array($0) }
        try server.receive(advertisement)
    }

    mutating func receive(_ shares: [SecAggPlusEncryptedShares], from pod: String) throws {
        receivedBytes += shares.map { Array($0.sealed) }
        try server.receive(shares, from: pod)
    }

    mutating func receive(_ update: MaskedUpdate) throws {
        maskedVectors[update.pod] = update.maskedElements
        try server.receive(update)
    }

    mutating func receive(_ response: SecAggPlusUnmaskResponse) throws {
        receivedBytes += (Array(response.selfMaskShares.values) + Array(response.maskingKeyShares.values)).map(\.valueBytes)
        try server.receive(response)
    }

    mutating func closeAdvertisements() throws -> [SecAggPlusKeyAdvertisement] { try server.closeAdvertisements() }
    mutating func closeKeySharing() throws -> [String: [SecAggPlusEncryptedShares]] { try server.closeKeySharing() }
    mutating func closeMaskedInputs() throws -> SecAggPlusUnmaskRequest { try server.closeMaskedInputs() }
    func result() throws -> SecAggPlusResult { try server.result() }
}

/// A whole SecAgg+ round in one process: pods with random updates, a recording modeller, and
/// pods that leave at chosen steps.
struct SecAggPlusSimulation {
    let updates: [ParameterUpdate]
    let settings: SecAggPlusSettings
    var departures: [String: Departure]
    var pods: [String: SecAggPlusPod] = [:]
    var server: RecordingServer
    var identities: [String: Curve25519.Signing.PublicKey] = [:]
    var advertisements: [SecAggPlusKeyAdvertisement] = []
    var relay: [String: [SecAggPlusEncryptedShares]] = [:]

    init(podCount: Int = 5, length: Int = 1_000, seed: UInt64 = 1, threshold: Int? = 3, neighbourCount: Int? = nil,
         departures: [String: Departure] = [:]) throws {
        updates = randomUpdates(podCount: podCount, length: length, seed: seed)
        let context = try SecureAggregationContext(
            taskIdentifier: "task-1", round: 0, participants: updates.map(\.pod), parameterCount: length,
            maximumSampleCount: updates.map(\.sampleCount).max() ?? 1)
        settings = try SecAggPlusSettings(context: context, threshold: threshold, neighbourCount: neighbourCount)
        self.departures = departures
        server = RecordingServer(settings: settings)
        for update in updates {
            let identity = try makeIdentity(update.pod)
            identities[update.pod] = identity.publicKey
            pods[update.pod] = try SecAggPlusPod(pod: update.pod, identity: identity, settings: settings)
        }
    }

    /// The pods still answering at `step`.
    func present(at step: Departure) -> [String] {
        updates.map(\.pod).filter { (departures[$0] ?? .never) > step }
    }

    mutating func advertise() throws {
        for pod in present(at: .beforeAdvertising) {
            try server.receive(pods[pod]!.advertisement)
        }
        advertisements = try server.closeAdvertisements()
    }

    mutating func shareKeys() throws {
        for pod in present(at: .beforeSharingKeys) {
            let sealed = try pods[pod]!.shareKeys(advertisements: advertisements, identities: identities)
            try server.receive(sealed, from: pod)
        }
        relay = try server.closeKeySharing()
    }

    mutating func sendMaskedInputs() throws -> SecAggPlusUnmaskRequest {
        for update in updates where present(at: .beforeMaskedInput).contains(update.pod) {
            let masked = try pods[update.pod]!.maskedInput(
                delta: update.delta, sampleCount: update.sampleCount, shares: relay[update.pod] ?? [])
            try server.receive(masked)
        }
        return try server.closeMaskedInputs()
    }

    mutating func unmask(_ request: SecAggPlusUnmaskRequest) throws -> SecAggPlusResult {
        for pod in present(at: .beforeUnmasking) {
            try server.receive(pods[pod]!.unmask(request))
        }
        return try server.result()
    }

    mutating func run() throws -> SecAggPlusResult {
        try advertise()
        try shareKeys()
        return try unmask(try sendMaskedInputs())
    }

    /// `pod`'s update as the fixed-point ring elements it would send unmasked.
    func plainEncoding(_ pod: String) throws -> [UInt64] {
        let update = try XCTUnwrap(updates.first { $0.pod == pod })
        return try FixedPointEncoding.encode(
            delta: update.delta, weight: update.sampleCount, pod: pod, context: settings.context)
    }

    /// The exact sum in Z_{2^64} of the plain encodings of `pods`.
    func plainSum(of pods: [String]) throws -> [UInt64] {
        var sum = [UInt64](repeating: 0, count: settings.context.maskedLength)
        for pod in pods {
            for (index, element) in try plainEncoding(pod).enumerated() { sum[index] &+= element }
        }
        return sum
    }

    /// Checks that the result is the exact sum of `survivors`' encodings and that nothing
    /// the modeller received holds a pod's plain update.
    func assertExactSum(_ result: SecAggPlusResult, survivors: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(result.survivors, survivors, file: file, line: line)
        XCTAssertEqual(result.dropped, updates.map(\.pod).filter { !survivors.contains($0) }, file: file, line: line)
        let expected = try plainSum(of: survivors)
        XCTAssertEqual(result.sum.count, expected.count, file: file, line: line)
        let wrong = (0..<min(result.sum.count, expected.count)).filter { result.sum[$0] != expected[$0] }
        if let first = wrong.first {
            XCTFail("not the survivors' exact sum: \(wrong.count) of \(expected.count) elements differ, the first at "
                    + "\(first): \(result.sum[first]) instead of \(expected[first])", file: file, line: line)
        }
        try assertNoPlainUpdateReceived(file: file, line: line)
    }

    func assertNoPlainUpdateReceived(file: StaticString = #filePath, line: UInt = #line) throws {
        for update in updates {
            let plain = try plainEncoding(update.pod)
            for (sender, vector) in server.maskedVectors {
                XCTAssertNotEqual(vector, plain, "the modeller received \(update.pod)'s plain update from \(sender)",
                                  file: file, line: line)
                let equal = zip(vector, plain).filter { $0 == $1 }.count
                XCTAssertEqual(equal, 0, "\(sender)'s masked vector shows \(equal) plain elements of \(update.pod)",
                               file: file, line: line)
            }
            let plainBytes = plain.prefix(4).flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } }
            for bytes in server.receivedBytes {
                XCTAssertFalse(bytes.count >= plainBytes.count
                               && (0...(bytes.count - plainBytes.count)).contains { bytes[$0..<($0 + plainBytes.count)].elementsEqual(plainBytes) },
                               "a message to the modeller holds \(update.pod)'s plain update", file: file, line: line)
            }
        }
    }
}

/// Asserts that `expression` throws the `SecAggPlusError` `expected`.
func assertSecAggPlusError(
    _ expression: @autoclosure () throws -> some Any, _ expected: SecAggPlusError,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        XCTAssertEqual(error as? SecAggPlusError, expected, file: file, line: line)
    }
}

final class SecAggPlusTests: XCTestCase {
    private let everyone = (0..<5).map { String(format: "pod-%02d", $0) }

    func testAllPodsSurvive() throws {
        var simulation = try SecAggPlusSimulation()
        let result = try simulation.run()
        try simulation.assertExactSum(result, survivors: everyone)
        XCTAssertEqual(simulation.settings.threshold, 3)
        // The decoded average is the plain weighted average, within the fixed-point error.
        let average = try result.average(context: simulation.settings.context)
        let plain = try PlainAggregator().aggregate(simulation.updates)
        XCTAssertEqual(average.totalWeight, plain.totalWeight)
        XCTAssertEqual(average.podCount, 5)
        for (secure, expected) in zip(average.delta, plain.delta) { XCTAssertEqual(secure, expected, accuracy: 1e-6) }
    }

    func testThresholdDefaultsToTwoThirdsOfThePods() throws {
        let simulation = try SecAggPlusSimulation(threshold: nil)
        XCTAssertEqual(simulation.settings.threshold, 4, "⌈2 · 5 / 3⌉")
        XCTAssertEqual(simulation.settings.neighbourCount, 4)
        XCTAssertEqual(try SecAggPlusSimulation(podCount: 6, threshold: nil).settings.threshold, 4)
        XCTAssertEqual(try SecAggPlusSimulation(podCount: 10, threshold: nil).settings.threshold, 7)
    }

    func testPodsThatDropBeforeSharingKeysAreLeftOut() throws {
        var simulation = try SecAggPlusSimulation(
            departures: ["pod-01": .beforeAdvertising, "pod-03": .beforeSharingKeys])
        let result = try simulation.run()
        try simulation.assertExactSum(result, survivors: ["pod-00", "pod-02", "pod-04"])
    }

    func testPodDroppingBeforeItsMaskedInputIsUnmaskedWithItsKeyShares() throws {
        var simulation = try SecAggPlusSimulation(departures: ["pod-02": .beforeMaskedInput])
        try simulation.advertise()
        try simulation.shareKeys()
        let request = try simulation.sendMaskedInputs()
        XCTAssertEqual(request, SecAggPlusUnmaskRequest(survivors: ["pod-00", "pod-01", "pod-03", "pod-04"],
                                                        dropped: ["pod-02"]))
        let result = try simulation.unmask(request)
        try simulation.assertExactSum(result, survivors: ["pod-00", "pod-01", "pod-03", "pod-04"])
        XCTAssertEqual(result.dropped, ["pod-02"])
        // The average is the survivors' alone.
        let survivors = simulation.updates.filter { $0.pod != "pod-02" }
        let plain = try PlainAggregator().aggregate(survivors)
        let average = try result.average(context: simulation.settings.context)
        XCTAssertEqual(average.totalWeight, plain.totalWeight)
        XCTAssertEqual(average.podCount, 4)
        for (secure, expected) in zip(average.delta, plain.delta) { XCTAssertEqual(secure, expected, accuracy: 1e-6) }
    }

    func testPodDroppingAfterItsMaskedInputIsStillASurvivor() throws {
        // Its input arrived, so it is in the sum; its self-mask is rebuilt from the others' shares.
        var simulation = try SecAggPlusSimulation(departures: ["pod-04": .beforeUnmasking])
        let result = try simulation.run()
        try simulation.assertExactSum(result, survivors: everyone)
    }

    func testPodDyingDuringUnmaskingWhileAnotherHadDroppedBeforeItsInput() throws {
        // Both recovery paths at once, with exactly the threshold of answers left.
        var simulation = try SecAggPlusSimulation(departures: ["pod-00": .beforeMaskedInput, "pod-03": .beforeUnmasking])
        let result = try simulation.run()
        try simulation.assertExactSum(result, survivors: ["pod-01", "pod-02", "pod-03", "pod-04"])
    }

    func testTooManyDroppedBeforeMaskedInputNamesThem() throws {
        var simulation = try SecAggPlusSimulation(
            departures: ["pod-01": .beforeMaskedInput, "pod-02": .beforeMaskedInput, "pod-04": .beforeMaskedInput])
        try simulation.advertise()
        try simulation.shareKeys()
        let error = SecAggPlusError.tooFewSurvivors(
            context: "task 'task-1' round 0 attempt 0", remaining: 2, threshold: 3, dropped: ["pod-01", "pod-02", "pod-04"])
        assertSecAggPlusError(try simulation.sendMaskedInputs(), error)
        XCTAssertEqual(error.description,
                       "secure aggregation of task 'task-1' round 0 attempt 0 cannot finish: only 2 pods remain, fewer "
                       + "than the threshold 3; dropped: pod 'pod-01', pod 'pod-02' and pod 'pod-04'; "
                       + "retry the round without them")
        try simulation.assertNoPlainUpdateReceived()
    }

    func testTooManyGoneByUnmaskingNamesThem() throws {
        var simulation = try SecAggPlusSimulation(
            departures: ["pod-00": .beforeMaskedInput, "pod-01": .beforeUnmasking, "pod-02": .beforeUnmasking])
        try simulation.advertise()
        try simulation.shareKeys()
        let request = try simulation.sendMaskedInputs()
        assertSecAggPlusError(
            try simulation.unmask(request),
            .tooFewShares(owner: "pod-01", secret: .selfMaskSeed, answered: 2, threshold: 3,
                          dropped: ["pod-00", "pod-01", "pod-02"]))
        XCTAssertEqual(
            SecAggPlusError.tooFewShares(owner: "pod-01", secret: .selfMaskSeed, answered: 2, threshold: 3,
                                         dropped: ["pod-00", "pod-01"]).description,
            "the self-mask seed of pod 'pod-01' cannot be rebuilt: 2 of its share holders answered, 3 needed; "
                + "dropped: pod 'pod-00' and pod 'pod-01'")
    }

    func testTooFewAdvertisementsOrSharesStopTheRound() throws {
        var early = try SecAggPlusSimulation(
            departures: ["pod-00": .beforeAdvertising, "pod-01": .beforeAdvertising, "pod-02": .beforeAdvertising])
        assertSecAggPlusError(
            try early.advertise(),
            .tooFewSurvivors(context: "task 'task-1' round 0 attempt 0", remaining: 2, threshold: 3,
                             dropped: ["pod-00", "pod-01", "pod-02"]))
        var later = try SecAggPlusSimulation(
            departures: ["pod-03": .beforeSharingKeys, "pod-04": .beforeSharingKeys, "pod-00": .beforeSharingKeys])
        try later.advertise()
        assertSecAggPlusError(
            try later.shareKeys(),
            .tooFewSurvivors(context: "task 'task-1' round 0 attempt 0", remaining: 2, threshold: 3,
                             dropped: ["pod-00", "pod-03", "pod-04"]))
    }

    func testPodWhoseNeighboursAllLeftRefusesToShareItsKeys() throws {
        var simulation = try SecAggPlusSimulation(threshold: nil, neighbourCount: 2)
        let lonely = "pod-00"
        for neighbour in simulation.settings.neighbours(of: lonely) {
            simulation.departures[neighbour] = .beforeAdvertising
        }
        try simulation.advertise()
        var pod = simulation.pods[lonely]!
        let error = SecAggPlusError.tooFewNeighbours(pod: lonely, step: "share its keys", remaining: 1, threshold: 2)
        assertSecAggPlusError(
            try pod.shareKeys(advertisements: simulation.advertisements, identities: simulation.identities), error)
        XCTAssertEqual(error.description,
                       "pod 'pod-00' cannot share its keys: only 1 of its share holders remain (itself included), "
                       + "fewer than the threshold 2; retry the round with more pods or a lower threshold")
    }

    func testMaskedInputWithoutRoutedSharesIsRefused() throws {
        var simulation = try SecAggPlusSimulation(departures: ["pod-03": .beforeSharingKeys])
        try simulation.advertise()
        try simulation.shareKeys()
        let late = MaskedUpdate(pod: "pod-03", contextDigest: Data(simulation.settings.context.digest),
                                maskedElements: try simulation.plainEncoding("pod-03"))
        assertSecAggPlusError(try simulation.server.receive(late), .maskedInputWithoutShares(pod: "pod-03"))
    }

    func testRequestForBothSharesOfOnePodIsRefused() throws {
        var simulation = try SecAggPlusSimulation(departures: ["pod-02": .beforeMaskedInput])
        try simulation.advertise()
        try simulation.shareKeys()
        let honest = try simulation.sendMaskedInputs()

        // A modeller claiming pod-03 both survived and dropped, to unmask its input.
        let greedy = SecAggPlusUnmaskRequest(survivors: honest.survivors, dropped: ["pod-02", "pod-03"])
        assertSecAggPlusError(
            try simulation.pods["pod-00"]!.unmask(greedy),
            .unmaskRequestRefused(pod: "pod-00", reason: "it asks for both shares of pod 'pod-03', naming it survived and dropped"))
        // The refusal ends that pod's part: it does not answer the honest request afterwards.
        XCTAssertEqual(simulation.pods["pod-00"]!.phase, .aborted)
        assertSecAggPlusError(
            try simulation.pods["pod-00"]!.unmask(honest),
            .outOfOrder(party: "pod 'pod-00'", step: "answer an unmasking request", phase: "left the round after a refusal"))

        // Calling a pod dropped after it sent its masked input.
        let framed = SecAggPlusUnmaskRequest(survivors: ["pod-00", "pod-03", "pod-04"], dropped: ["pod-01", "pod-02"])
        let framing = SecAggPlusError.unmaskRequestRefused(
            pod: "pod-01", reason: "it names this pod as dropped, but this pod sent its masked input")
        assertSecAggPlusError(try simulation.pods["pod-01"]!.unmask(framed), framing)
        XCTAssertEqual(framing.description, "pod 'pod-01' refused the unmasking request: it names this pod as "
                       + "dropped, but this pod sent its masked input")

        // Leaving a pod out, and asking once more after an answer.
        let silent = SecAggPlusUnmaskRequest(survivors: ["pod-00", "pod-01", "pod-03", "pod-04"], dropped: [])
        assertSecAggPlusError(
            try simulation.pods["pod-03"]!.unmask(silent),
            .unmaskRequestRefused(pod: "pod-03", reason: "it does not say whether pod 'pod-02', whose shares this pod holds, survived"))
        _ = try simulation.pods["pod-04"]!.unmask(honest)
        assertSecAggPlusError(
            try simulation.pods["pod-04"]!.unmask(greedy),
            .outOfOrder(party: "pod 'pod-04'", step: "answer an unmasking request", phase: "answered the unmasking request"))
    }

    func testHonestAnswersNeverHoldBothSharesOfAPod() throws {
        var simulation = try SecAggPlusSimulation(departures: ["pod-02": .beforeMaskedInput])
        try simulation.advertise()
        try simulation.shareKeys()
        let request = try simulation.sendMaskedInputs()
        for pod in request.survivors {
            let answer = try simulation.pods[pod]!.unmask(request)
            XCTAssertEqual(Set(answer.selfMaskShares.keys), Set(request.survivors))
            XCTAssertEqual(Set(answer.maskingKeyShares.keys), ["pod-02"])
            XCTAssertNil(answer.maskingKeyShares[pod], "\(pod) gave away its own masking key")
        }
    }

    func testSparseGraphWithTwoNeighboursGivesTheSameExactSum() throws {
        var full = try SecAggPlusSimulation(seed: 3)
        var sparse = try SecAggPlusSimulation(seed: 3, threshold: nil, neighbourCount: 2)
        XCTAssertEqual(sparse.settings.threshold, 2, "a majority of each pod's 3 holders")
        for pod in everyone {
            XCTAssertEqual(sparse.settings.neighbours(of: pod).count, 2)
        }
        let fullResult = try full.run()
        let sparseResult = try sparse.run()
        try sparse.assertExactSum(sparseResult, survivors: everyone)
        XCTAssertEqual(sparseResult.sum, fullResult.sum)
        // Each pod sealed shares for its two neighbours only.
        XCTAssertEqual(sparse.relay.values.map(\.count), [2, 2, 2, 2, 2])

        var dropping = try SecAggPlusSimulation(seed: 3, threshold: nil, neighbourCount: 2,
                                                departures: ["pod-01": .beforeMaskedInput])
        let result = try dropping.run()
        try dropping.assertExactSum(result, survivors: everyone.filter { $0 != "pod-01" })
    }

    func testNeighbourGraphsAreRegularSymmetricAndAgreed() throws {
        for (podCount, degree) in [(5, 2), (5, 4), (6, 3), (6, 5), (8, 4), (9, 2), (2, 1)] {
            let pods = (0..<podCount).map { "p\($0)" }
            let seed = Data(repeating: UInt8(podCount), count: 32)
            let context = try SecureAggregationContext(
                taskIdentifier: "t", round: 0, participants: pods, parameterCount: 1, maximumSampleCount: 1)
            let settings = try SecAggPlusSettings(context: context, neighbourCount: degree, graphSeed: seed)
            for pod in pods {
                let neighbours = settings.neighbours(of: pod)
                XCTAssertEqual(neighbours.count, degree, "\(pod) in H(\(degree), \(podCount))")
                XCTAssertFalse(neighbours.contains(pod))
                for neighbour in neighbours {
                    XCTAssertTrue(settings.neighbours(of: neighbour).contains(pod), "\(pod)–\(neighbour) one way only")
                }
            }
            let again = try SecAggPlusSettings(context: context, neighbourCount: degree, graphSeed: seed)
            XCTAssertEqual(pods.map(again.neighbours(of:)), pods.map(settings.neighbours(of:)))
        }
        // The seed picks the ring's order.
        let pods = (0..<12).map { "p\($0)" }
        let context = try SecureAggregationContext(
            taskIdentifier: "t", round: 0, participants: pods, parameterCount: 1, maximumSampleCount: 1)
        let orders = Set((UInt8(0)..<4).map { SecAggPlusSettings.ringOrder(pods, seed: Data(repeating: $0, count: 32)) })
        XCTAssertEqual(orders.count, 4)
        XCTAssertEqual(try SecAggPlusSettings(context: context).neighbours(of: "p3"), pods.filter { $0 != "p3" }.sorted())
    }

    func testInvalidSettingsAreRefused() throws {
        let context = try SecureAggregationContext(
            taskIdentifier: "t", round: 0, participants: everyone, parameterCount: 1, maximumSampleCount: 1)
        assertSecAggPlusError(
            try SecAggPlusSettings(context: context, neighbourCount: 5),
            .invalidSettings("the neighbour count 5 must be between 1 and 4 (the other pods of 5)"))
        assertSecAggPlusError(
            try SecAggPlusSettings(context: context, neighbourCount: 0),
            .invalidSettings("the neighbour count 0 must be between 1 and 4 (the other pods of 5)"))
        assertSecAggPlusError(
            try SecAggPlusSettings(context: context, neighbourCount: 3),
            .invalidSettings("no graph gives each of 5 pods exactly 3 neighbours (both are odd); use 2 or 4"))
        assertSecAggPlusError(
            try SecAggPlusSettings(context: context, threshold: 2),
            .invalidSettings("the threshold 2 must be a majority of each pod's 5 share holders, 3 to 5"))
        assertSecAggPlusError(
            try SecAggPlusSettings(context: context, threshold: 6),
            .invalidSettings("the threshold 6 must be a majority of each pod's 5 share holders, 3 to 5"))
        assertSecAggPlusError(
            try SecAggPlusSettings(context: context, graphSeed: Data([1, 2, 3])),
            .invalidSettings("the graph seed has 3 bytes; it must have 32"))
        XCTAssertEqual(SecAggPlusError.invalidSettings("x").description, "invalid secure aggregation settings: x")
    }

    func testForgedOrReplayedAdvertisementsAreRefused() throws {
        var simulation = try SecAggPlusSimulation()
        try simulation.advertise()
        let genuine = simulation.advertisements
        let victim = try XCTUnwrap(genuine.first { $0.pod == "pod-01" })
        let mallory = Curve25519.KeyAgreement.PrivateKey().publicKey.rawRepresentation
        let forged = SecAggPlusKeyAdvertisement(
            pod: victim.pod, settingsDigest: victim.settingsDigest, encryptionKey: victim.encryptionKey,
            maskingKey: mallory, selfMaskCommitment: victim.selfMaskCommitment, signature: victim.signature)
        var pod = simulation.pods["pod-00"]!
        assertSecAggPlusError(
            try pod.shareKeys(advertisements: genuine.map { $0.pod == "pod-01" ? forged : $0 },
                              identities: simulation.identities),
            .invalidAdvertisementSignature(pod: "pod-01"))

        // The same pod's keys signed for another round.
        let otherContext = try SecureAggregationContext(
            taskIdentifier: "task-1", round: 1, participants: everyone, parameterCount: 1_000,
            maximumSampleCount: 1_000)
        let other = try SecAggPlusPod(
            pod: "pod-01", identity: try makeIdentity("pod-01"), settings: try SecAggPlusSettings(context: otherContext))
        pod = simulation.pods["pod-00"]!
        assertSecAggPlusError(
            try pod.shareKeys(advertisements: genuine.map { $0.pod == "pod-01" ? other.advertisement : $0 },
                              identities: simulation.identities),
            .advertisementForAnotherRound(pod: "pod-01", expectedContext: "task 'task-1' round 0 attempt 0"))
        var server = SecAggPlusServer(settings: simulation.settings)
        assertSecAggPlusError(
            try server.receive(other.advertisement),
            .advertisementForAnotherRound(pod: "pod-01", expectedContext: "task 'task-1' round 0 attempt 0"))
        pod = simulation.pods["pod-00"]!
        assertSecAggPlusError(
            try pod.shareKeys(advertisements: genuine, identities: [:]), .unknownPodIdentity(pod: "pod-01"))
    }

    func testAlteredSealedSharesAreRefusedNamingTheSender() throws {
        var simulation = try SecAggPlusSimulation()
        try simulation.advertise()
        try simulation.shareKeys()
        var shares = try XCTUnwrap(simulation.relay["pod-02"])
        let index = try XCTUnwrap(shares.firstIndex { $0.sender == "pod-04" })
        var sealed = shares[index].sealed
        sealed[sealed.count - 20] ^= 1
        shares[index] = SecAggPlusEncryptedShares(sender: "pod-04", recipient: "pod-02", sealed: sealed)
        var pod = simulation.pods["pod-02"]!
        let update = simulation.updates[2]
        assertSecAggPlusError(
            try pod.maskedInput(delta: update.delta, sampleCount: update.sampleCount, shares: shares),
            .unreadableShares(sender: "pod-04", recipient: "pod-02"))
        // Shares meant for another pod are refused too.
        pod = simulation.pods["pod-02"]!
        assertSecAggPlusError(
            try pod.maskedInput(delta: update.delta, sampleCount: update.sampleCount,
                                shares: try XCTUnwrap(simulation.relay["pod-03"])),
            .unexpectedShares(sender: "pod-00", recipient: "pod-03"))
    }

    func testFalseShareIsCaughtNotSummed() throws {
        var simulation = try SecAggPlusSimulation()
        try simulation.advertise()
        try simulation.shareKeys()
        let request = try simulation.sendMaskedInputs()
        for pod in request.survivors {
            var answer = try simulation.pods[pod]!.unmask(request)
            if pod == "pod-00", let share = answer.selfMaskShares["pod-03"] {
                // pod-00 holds point 1, among the three shares the modeller combines.
                var selfMaskShares = answer.selfMaskShares
                selfMaskShares["pod-03"] = ShamirShare(x: share.x, values: share.values.map { $0 + .one })
                answer = SecAggPlusUnmaskResponse(pod: pod, selfMaskShares: selfMaskShares, maskingKeyShares: [:])
            }
            try simulation.server.receive(answer)
        }
        assertSecAggPlusError(try simulation.server.result(), .falseShares(owner: "pod-03", secret: .selfMaskSeed))
    }

    func testModellerRefusesAnswersItDidNotAskFor() throws {
        var simulation = try SecAggPlusSimulation(departures: ["pod-02": .beforeMaskedInput])
        try simulation.advertise()
        try simulation.shareKeys()
        let request = try simulation.sendMaskedInputs()
        let answer = try simulation.pods["pod-00"]!.unmask(request)
        // A masking key share of a survivor, which the modeller must never collect.
        var keyShares = answer.maskingKeyShares
        keyShares["pod-01"] = answer.selfMaskShares["pod-01"]
        assertSecAggPlusError(
            try simulation.server.receive(SecAggPlusUnmaskResponse(
                pod: "pod-00", selfMaskShares: answer.selfMaskShares, maskingKeyShares: keyShares)),
            .unexpectedUnmaskResponse(pod: "pod-00", reason: "it holds no masking key share of pod 'pod-01' that was asked for"))
        try simulation.server.receive(answer)
        assertSecAggPlusError(
            try simulation.server.receive(answer),
            .unexpectedUnmaskResponse(pod: "pod-00", reason: "the pod answered already"))
        let dropped = SecAggPlusUnmaskResponse(pod: "pod-02", selfMaskShares: [:], maskingKeyShares: [:])
        assertSecAggPlusError(
            try simulation.server.receive(dropped),
            .unexpectedUnmaskResponse(pod: "pod-02", reason: "the pod is not among the survivors"))
    }

    func testMessagesOutOfOrderAreRefused() throws {
        var simulation = try SecAggPlusSimulation()
        var pod = simulation.pods["pod-00"]!
        let update = simulation.updates[0]
        assertSecAggPlusError(
            try pod.maskedInput(delta: update.delta, sampleCount: update.sampleCount, shares: []),
            .outOfOrder(party: "pod 'pod-00'", step: "mask its input", phase: "advertised its keys"))
        assertSecAggPlusError(
            try simulation.server.closeMaskedInputs(),
            .outOfOrder(party: "the modeller", step: "close the masked inputs", phase: "been collecting key advertisements"))
        try simulation.advertise()
        try simulation.shareKeys()
        var late = simulation.pods["pod-01"]!
        assertSecAggPlusError(
            try late.shareKeys(advertisements: simulation.advertisements, identities: simulation.identities),
            .outOfOrder(party: "pod 'pod-01'", step: "share its keys", phase: "shared its keys"))
        assertSecAggPlusError(
            try SecAggPlusPod(pod: "pod-99", identity: try makeIdentity("pod-99"), settings: simulation.settings),
            .podNotParticipating(pod: "pod-99", context: "task 'task-1' round 0 attempt 0"))
    }

    func testTimingOfTenPodsWithAHundredThousandElements() throws {
        let clock = ContinuousClock()
        var simulation = try SecAggPlusSimulation(podCount: 10, length: 100_000, threshold: nil,
                                                  departures: ["pod-07": .beforeMaskedInput])
        var times: [(String, Duration)] = []
        func time(_ step: String, _ body: () throws -> Void) rethrows {
            let start = clock.now
            try body()
            times.append((step, clock.now - start))
        }
        try time("advertise keys") { try simulation.advertise() }
        try time("share keys") { try simulation.shareKeys() }
        var request = SecAggPlusUnmaskRequest(survivors: [], dropped: [])
        try time("masked input (10 pods)") { request = try simulation.sendMaskedInputs() }
        var result: SecAggPlusResult?
        try time("unmask") { result = try simulation.unmask(request) }
        let sum = try XCTUnwrap(result)
        try simulation.assertExactSum(sum, survivors: (0..<10).map { String(format: "pod-%02d", $0) }.filter { $0 != "pod-07" })
        let total = times.reduce(Duration.zero) { $0 + $1.1 }
        func milliseconds(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            return String(format: "%.1f ms", Double(seconds) * 1e3 + Double(attoseconds) * 1e-15)
        }
        print("SecAgg+ 10 pods × 100000 elements, one dropped before its input (threshold 7, all neighbours):")
        for (step, duration) in times { print("  \(step): \(milliseconds(duration))") }
        print("  total: \(milliseconds(total))")
    }
}
