/// How the modeller weights each pod's update when it averages them.
///
/// `sampleCount` (bf's default) weights a pod by the number of rows it trained on, so a
/// pod with twice the data moves the global model twice as far. `equal` gives every pod
/// the same weight, which is what Bitfount does.
public enum AggregationWeighting: String, Sendable, Codable, Hashable, CaseIterable {
    /// Weight each pod by its sample count.
    case sampleCount = "sample_count"
    /// Weight every pod the same, whatever its size.
    case equal

    /// The weight a pod that trained on `sampleCount` rows contributes under this weighting.
    func weight(forSampleCount sampleCount: Int) -> Int {
        switch self {
        case .sampleCount: sampleCount
        case .equal: 1
        }
    }
}
