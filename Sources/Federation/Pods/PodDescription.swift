/// What anyone who can reach a pod may learn about it without a role:
/// Bitfount's pod details plus its size and approvals.
public struct PodDescription: Sendable, Codable, Equatable {
    /// `owner/name`.
    public let identifier: PodIdentifier
    /// The name shown to people.
    public let displayName: String
    /// What the data is.
    public let description: String
    /// The number of data rows.
    public let rowCount: Int
    /// The pods this pod accepts as partners in secure aggregation.
    public let approvedPods: [PodIdentifier]
    /// The smallest group a SQL aggregate may report on.
    public let minimumGroupSize: Int

    /// A pod's details, as the pod gives them or a transport decodes them.
    public init(identifier: PodIdentifier, displayName: String, description: String, rowCount: Int,
                approvedPods: [PodIdentifier], minimumGroupSize: Int) {
        self.identifier = identifier
        self.displayName = displayName
        self.description = description
        self.rowCount = rowCount
        self.approvedPods = approvedPods
        self.minimumGroupSize = minimumGroupSize
    }

    /// The owner's user name.
    public var owner: String { identifier.owner }
}
