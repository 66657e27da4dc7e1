import Diagnostics
import Foundation

/// The connections a hub made to remote pods, each for one acting user (each signs its calls
/// with their own key): by pod, for `connection(to:as:)`, and by address, so that naming a pod
/// again connects once.
struct RemoteConnections: Sendable {
    var byPod: [String: any PodConnection] = [:]
    var byAddress: [String: any PodConnection] = [:]

    static func key(_ pod: PodIdentifier, _ user: String) -> String { "\(user) \(pod)" }
    static func key(_ address: PodAddress, _ user: String) -> String { "\(user) \(address)" }
}

extension Hub {
    /// The federation file of this home (an empty federation when there is none).
    public func federationFile() throws(PodConfigError) -> FederationFile {
        try FederationFile.load(home: home)
    }

    /// The pod `text` names for `identity`: a `bf://` address, a pod of the federation file
    /// (asked for its details, so its owner is known), or a pod of this hub.
    public func resolve(_ text: String, as identity: LocalIdentity) async throws -> PodIdentifier {
        if text.hasPrefix(PodAddress.scheme) {
            return try await remoteConnection(to: try PodAddress(parsing: text), as: identity).identifier
        }
        let federation = try federationFile()
        if let entry = federation.entry(named: text) {
            let address = entry.address.podName == nil
                ? PodAddress(host: entry.address.host, port: entry.address.port, podName: entry.name) : entry.address
            return try await remoteConnection(to: address, as: identity, settings: federation.settings).identifier
        }
        return try resolvePod(text)
    }

    /// A connection to `pod` for `identity`: the remote one `resolve` made, else the
    /// embedded pod of this hub.
    public func connection(to pod: PodIdentifier, as identity: LocalIdentity) throws -> any PodConnection {
        if let remote = remoteConnections.withLock({ $0.byPod[RemoteConnections.key(pod, identity.name)] }) {
            return remote
        }
        return try localConnection(to: pod, as: identity.name)
    }

    /// The pods of the federation file, connected for `identity`, in the file's order.
    public func federationConnections(as identity: LocalIdentity) async throws -> [any PodConnection] {
        var connections: [any PodConnection] = []
        for entry in try federationFile().pods {
            let pod = try await resolve(entry.name, as: identity)
            connections.append(try connection(to: pod, as: identity))
        }
        return connections
    }

    /// Connects to the pod served at `address` (or reuses the connection made before).
    private func remoteConnection(to address: PodAddress, as identity: LocalIdentity,
                                  settings: RemoteSettings? = nil) async throws -> any PodConnection {
        guard let dialer else { throw RemotePodError.noTransport(address: address) }
        let addressKey = RemoteConnections.key(address, identity.name)
        if let existing = remoteConnections.withLock({ $0.byAddress[addressKey] }) { return existing }
        let connection = try await dialer.connect(to: address, as: identity, settings: try settings ?? federationFile().settings)
        guard address.expects(connection.identifier) else {
            throw RemotePodError.wrongPod(address: address, found: connection.identifier)
        }
        remoteConnections.withLock { connections in
            connections.byAddress[addressKey] = connection
            connections.byPod[RemoteConnections.key(connection.identifier, identity.name)] = connection
        }
        return connection
    }
}

/// Why a pod named by address could not be used.
public enum RemotePodError: FederationError, Equatable {
    /// This program was built without a network transport.
    case noTransport(address: PodAddress)
    /// The server at the address serves another pod.
    case wrongPod(address: PodAddress, found: PodIdentifier)

    public var problems: [Problem] {
        switch self {
        case let .noTransport(address):
            return [Problem("cannot reach \(address): this program has no network transport",
                            help: "run the script with the bf command")]
        case let .wrongPod(address, found):
            return [Problem("\(address) serves '\(found)', not '\(address.podName ?? "")'",
                            help: "check the address, or the pod's name in federation.yaml")]
        }
    }
}
