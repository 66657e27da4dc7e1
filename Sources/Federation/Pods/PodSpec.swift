import Foundation

/// Everything needed to create a pod: Bitfount's `Pod(name=…, datasource=
/// CSVSource(path), pod_details_config=…, data_config=…, approved_pods=…)`.
///
/// `Hub.createPod(_:)` loads and checks the data, infers the schema and
/// registers the pod in one transaction.
public struct PodSpec: Sendable, Equatable {
    /// The pod's name, unique per owner.
    public var name: String
    /// The owner's user name; the owner gets `super_modeller`.
    public var owner: String
    /// The name shown to people (`pod_details.display_name`).
    public var displayName: String
    /// What the data is (`pod_details.description`).
    public var description: String
    /// The CSV file.
    public var dataPath: URL
    /// How the data is read.
    public var dataConfig: DataConfig
    /// Pods accepted as partners in secure aggregation, as `owner/name` or a
    /// bare name (meaning a pod of the same owner); they need not exist yet.
    public var approvedPods: [String]
    /// The smallest group a SQL aggregate may report on.
    public var minimumGroupSize: Int
    /// Whether `model.predict()` may take each test row's scores from this pod (off: class
    /// counts only).
    public var allowRowPredictions: Bool
    /// The limits on differentially private training (`differential_privacy`); nil for none.
    public var privacyPolicy: PodPrivacyPolicy?

    /// The minimum group size when a spec names none.
    public static let defaultMinimumGroupSize = 5

    /// The smallest minimum group size a pod may have: a group of one row is a person.
    public static let smallestMinimumGroupSize = 1

    /// A spec; the display name defaults to the name.
    public init(name: String, owner: String, displayName: String? = nil, description: String = "", dataPath: URL,
                dataConfig: DataConfig = DataConfig(), approvedPods: [String] = [],
                minimumGroupSize: Int = PodSpec.defaultMinimumGroupSize, allowRowPredictions: Bool = false,
                privacyPolicy: PodPrivacyPolicy? = nil) {
        self.name = name
        self.owner = owner
        self.displayName = displayName ?? name
        self.description = description
        self.dataPath = dataPath
        self.dataConfig = dataConfig
        self.approvedPods = approvedPods
        self.minimumGroupSize = minimumGroupSize
        self.allowRowPredictions = allowRowPredictions
        self.privacyPolicy = privacyPolicy
    }

    /// The pod's identifier.
    public func identifier() throws(PodIdentifierError) -> PodIdentifier {
        try PodIdentifier(owner: owner, name: name)
    }

    /// The approved pods as identifiers; a bare name is a pod of the owner.
    func approvedIdentifiers() throws(PodIdentifierError) -> [PodIdentifier] {
        var result: [PodIdentifier] = []
        var seen: Set<PodIdentifier> = []
        for text in approvedPods {
            let pod = text.contains("/") ? try PodIdentifier(parsing: text) : try PodIdentifier(owner: owner, name: text)
            if seen.insert(pod).inserted { result.append(pod) }
        }
        return result
    }
}
