import Crypto
import Foundation

/// The settings of one dropout-tolerant secure round (SecAgg+), fixed by the modeller and
/// bound into every pod's signed key advertisement: the round's context, the threshold and
/// the neighbour graph.
///
/// Each pod masks its update pairwise with its neighbours only and gives Shamir shares of its
/// two secrets to its neighbours and itself, its share holders; any `threshold` of a pod's
/// holders can rebuild either secret. With `neighbourCount` = n − 1 (the default) every pod
/// is every other's neighbour and the round is Bonawitz et al.'s SecAgg; a smaller count is
/// Bell et al.'s SecAgg+, which cuts a pod's work from O(n) to O(k).
///
/// The graph is the Harary graph H(k, n) on the pods in a random order, as in Bell et al.:
/// each pod's neighbours are the ⌊k/2⌋ pods on either side of it on a ring, plus the
/// opposite pod when k is odd (n must then be even: no k-regular graph on an odd number of
/// pods exists for odd k). The order sorts the pods by SHA-256 of the graph seed and their
/// identifier, so every pod derives the same graph from the signed seed. The modeller draws
/// the seed, which is sound against a modeller that follows the protocol while trying to
/// learn more than the sum; a modeller colluding with pods could pick a seed that surrounds
/// a pod with its accomplices. The full graph (the default) does not depend on the seed.
///
/// The threshold t must be a strict majority of a pod's m = k + 1 holders: an honest holder
/// answers, for each pod, with a share of only one of its two secrets, and only once, so two
/// disjoint groups of answers (one per secret) cannot both reach t however the modeller
/// splits its questions. Holders colluding with the modeller answer both, so c of them need
/// 2t > m + c; the default ⌈2m/3⌉ (⌈2n/3⌉ for the full graph) tolerates 2t − m − 1 of them,
/// about a third.
public struct SecAggPlusSettings: Sendable, Hashable {
    /// The round: task, round, attempt, participants and fixed-point encoding.
    public let context: SecureAggregationContext
    /// How many of a pod's share holders must answer to rebuild one of its secrets.
    public let threshold: Int
    /// How many neighbours each pod masks with and shares with (k; n − 1 is everyone).
    public let neighbourCount: Int
    /// The 32-byte seed that orders the pods on the graph's ring.
    public let graphSeed: Data
    private let neighbourhoods: [String: [String]]

    /// Settles a round's settings; `threshold` and `neighbourCount` default as described
    /// on the type, `graphSeed` to 32 fresh random bytes.
    ///
    /// Throws `SecAggPlusError.invalidSettings` when k is outside 1…n − 1, k and n are both
    /// odd, the threshold is not a strict majority of k + 1 holders, or the seed is not 32
    /// bytes.
    public init(
        context: SecureAggregationContext, threshold: Int? = nil, neighbourCount: Int? = nil, graphSeed: Data? = nil
    ) throws(SecAggPlusError) {
        let podCount = context.participants.count
        let neighbourCount = neighbourCount ?? podCount - 1
        guard (1..<podCount).contains(neighbourCount) else {
            throw .invalidSettings("the neighbour count \(neighbourCount) must be between 1 and \(podCount - 1) "
                                   + "(the other pods of \(podCount))")
        }
        guard neighbourCount % 2 == 0 || podCount % 2 == 0 else {
            throw .invalidSettings("no graph gives each of \(podCount) pods exactly \(neighbourCount) neighbours "
                                   + "(both are odd); use \(neighbourCount - 1) or \(neighbourCount + 1)")
        }
        let holders = neighbourCount + 1
        let threshold = threshold ?? (2 * holders + 2) / 3
        guard 2 * threshold > holders, threshold <= holders else {
            throw .invalidSettings("the threshold \(threshold) must be a majority of each pod's \(holders) share "
                                   + "holders, \(holders / 2 + 1) to \(holders)")
        }
        let graphSeed = graphSeed ?? SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        guard graphSeed.count == 32 else {
            throw .invalidSettings("the graph seed has \(graphSeed.count) bytes; it must have 32")
        }
        self.context = context
        self.threshold = threshold
        self.neighbourCount = neighbourCount
        self.graphSeed = graphSeed
        self.neighbourhoods = Self.hararyGraph(
            ring: Self.ringOrder(context.participants, seed: graphSeed), degree: neighbourCount)
    }

    /// The pods `pod` masks with and gives shares to, sorted; empty for a non-participant.
    public func neighbours(of pod: String) -> [String] {
        neighbourhoods[pod] ?? []
    }

    /// The pods holding shares of `pod`'s secrets: its neighbours and itself, sorted.
    public func shareHolders(of pod: String) -> [String] {
        (neighbours(of: pod) + [pod]).sorted()
    }

    /// The Shamir point of `pod`'s shares: its 1-based place among the sorted participants.
    func sharePoint(of pod: String) -> Int? {
        context.participants.firstIndex(of: pod).map { $0 + 1 }
    }

    /// SHA-256 of the context digest, threshold, neighbour count and seed: what signatures,
    /// share encryption and the self-masks bind.
    var digest: [UInt8] {
        var encoding = CanonicalBytes(domain: "bf secagg+ settings v1")
        encoding.append(bytes: context.digest)
        encoding.append(threshold)
        encoding.append(neighbourCount)
        encoding.append(bytes: graphSeed)
        return Array(SHA256.hash(data: encoding.bytes))
    }

    /// The pods in ring order: sorted by SHA-256 of the seed and the identifier.
    static func ringOrder(_ pods: [String], seed: Data) -> [String] {
        let keyed = pods.map { pod in
            var encoding = CanonicalBytes(domain: "bf secagg+ graph order v1")
            encoding.append(bytes: seed)
            encoding.append(pod)
            return (key: Array(SHA256.hash(data: encoding.bytes)), pod: pod)
        }
        return keyed.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.pod)
    }

    /// H(k, n) on `ring`: each pod joined to the ⌊k/2⌋ pods either side, and to the opposite
    /// pod when k is odd.
    static func hararyGraph(ring: [String], degree: Int) -> [String: [String]] {
        let count = ring.count
        var offsets: Set<Int> = []
        for step in stride(from: 1, through: degree / 2, by: 1) {
            offsets.insert(step)
            offsets.insert(count - step)
        }
        if degree % 2 == 1 { offsets.insert(count / 2) }
        var graph: [String: [String]] = [:]
        for (index, pod) in ring.enumerated() {
            graph[pod] = offsets.map { ring[(index + $0) % count] }.sorted()
        }
        return graph
    }
}

extension SecAggPlusSettings: Codable {
    private enum CodingKeys: String, CodingKey { case context, threshold, neighbourCount = "neighbour_count", graphSeed = "graph_seed" }

    /// Decodes settings, validating them and rebuilding the graph as `init` does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            context: try container.decode(SecureAggregationContext.self, forKey: .context),
            threshold: try container.decode(Int.self, forKey: .threshold),
            neighbourCount: try container.decode(Int.self, forKey: .neighbourCount),
            graphSeed: try container.decode(Data.self, forKey: .graphSeed))
    }

    /// Encodes the context, threshold, neighbour count and seed (the graph follows from them).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(context, forKey: .context)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(neighbourCount, forKey: .neighbourCount)
        try container.encode(graphSeed, forKey: .graphSeed)
    }
}
