import Foundation

/// A pod's schema together with the pod it came from.
public struct PodSchema: Sendable, Codable, Equatable {
    /// The pod.
    public let pod: PodIdentifier
    /// Its table's schema.
    public let schema: TableSchema

    /// Pairs a schema with its pod.
    public init(pod: PodIdentifier, schema: TableSchema) {
        self.pod = pod
        self.schema = schema
    }
}

/// Short names for pods in messages: the bare pod name when no two pods of
/// the group share it, `owner/name` otherwise.
public struct PodLabels: Sendable {
    private let labels: [PodIdentifier: String]

    /// Labels for `pods`, the pods of one message.
    public init(_ pods: [PodIdentifier]) {
        var nameCounts: [String: Int] = [:]
        for pod in pods { nameCounts[pod.name, default: 0] += 1 }
        var labels: [PodIdentifier: String] = [:]
        for pod in pods { labels[pod] = nameCounts[pod.name] == 1 ? pod.name : pod.description }
        self.labels = labels
    }

    /// The label of `pod`; its full identifier when it is not one of the pods.
    public subscript(pod: PodIdentifier) -> String { labels[pod] ?? pod.description }

    /// `label  text` lines with the texts aligned after the longest label.
    func aligned(_ rows: [(PodIdentifier, String)]) -> [String] {
        let width = rows.map { self[$0.0].count }.max() ?? 0
        return rows.map { pod, text in
            self[pod].padding(toLength: width + 2, withPad: " ", startingAt: 0) + text
        }
    }
}
