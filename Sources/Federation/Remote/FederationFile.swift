import Files
import Foundation
import Yams

/// The pods a bf home reaches over the network, and how: `<home>/federation.yaml`.
///
/// ```yaml
/// pods:                                  # pod name → address of its `bf pod serve`
///   census-income-demo: bf://10.0.0.5:7401/census-income-demo
///   census-income-other: 10.0.0.6:7401
/// deadline_seconds: 30                   # every call but a round's training (default 30)
/// progress_deadline_seconds: 120         # longest silence of a pod training a round (default 300)
/// tls:                                   # absent: plaintext
///   ca: certs/ca.pem                     # the CA that signed the pods' certificates
///   certificate: certs/alice.pem         # this user's certificate, for pods that ask for one
///   key: certs/alice.key
/// ```
/// Scripts name the pods as usual (`"census-income-demo"`); the same script runs against
/// embedded pods when the file does not list them. Relative paths are taken from the
/// file's folder. Unknown fields are errors with the line and a suggestion.
public struct FederationFile: Sendable, Equatable {
    /// The pods by the name scripts use (bare or `owner/name`), in the file's order.
    public var pods: [Entry]
    /// How the modeller reaches them.
    public var settings: RemoteSettings

    /// One pod of the file.
    public struct Entry: Sendable, Equatable {
        /// The name scripts use.
        public let name: String
        /// Where it is served.
        public let address: PodAddress
    }

    /// The file's name inside a bf home.
    public static let fileName = "federation.yaml"

    /// A federation of `pods` reached with `settings`.
    public init(pods: [Entry] = [], settings: RemoteSettings = RemoteSettings()) {
        self.pods = pods
        self.settings = settings
    }

    /// The federation file of `home`, or an empty federation when there is none.
    public static func load(home: URL) throws(PodConfigError) -> FederationFile {
        let url = home.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return FederationFile() }
        let text = try YAMLFields.readText(url.path)
        return try parse(text, path: url.path, directory: url.deletingLastPathComponent())
    }

    /// Parses `text` (from `path`); relative certificate paths are taken from `directory`.
    public static func parse(_ text: String, path: String, directory: URL) throws(PodConfigError) -> FederationFile {
        guard let root = try YAMLFields.compose(text, path: path) else { return FederationFile() }
        let yaml = YAMLFields(path: path)
        let fields = try yaml.mapping(root, field: "the file",
                                      allowed: ["pods", "deadline_seconds", "progress_deadline_seconds", "tls"])
        var file = FederationFile()
        if let podsNode = fields["pods"] {
            for (name, addressNode) in try yaml.orderedMapping(podsNode, field: "pods") {
                let text = try yaml.string(addressNode, field: "pods.\(name)")
                do {
                    file.pods.append(Entry(name: name, address: try PodAddress(parsing: text)))
                } catch {
                    let (line, column) = addressNode.position
                    throw .wrongType(path: path, line: line, column: column, field: "pods.\(name)",
                                     expected: "an address bf://HOST:PORT/POD", found: "\(quoted(text)) (\(error.message))")
                }
            }
        }
        func seconds(_ key: String) throws(PodConfigError) -> Duration? {
            guard let node = fields[key] else { return nil }
            let value = try yaml.integer(node, field: key)
            guard value > 0 else {
                let (line, column) = node.position
                throw .wrongType(path: path, line: line, column: column, field: key,
                                 expected: "a whole number of seconds above 0", found: String(value))
            }
            return .seconds(value)
        }
        if let deadline = try seconds("deadline_seconds") { file.settings.callDeadline = deadline }
        if let deadline = try seconds("progress_deadline_seconds") { file.settings.progressDeadline = deadline }
        if let tlsNode = fields["tls"] {
            let tls = try yaml.mapping(tlsNode, field: "tls", allowed: ["ca", "certificate", "key"])
            func pemFile(_ key: String) throws(PodConfigError) -> String? {
                guard let node = tls[key] else { return nil }
                let value = try yaml.string(node, field: "tls.\(key)")
                return value.hasPrefix("/") ? value : directory.appendingPathComponent(value).standardizedFileURL.path
            }
            let certificate = try pemFile("certificate")
            let key = try pemFile("key")
            if (certificate == nil) != (key == nil) {
                throw .missingField(path: path, field: certificate == nil ? "tls.certificate" : "tls.key")
            }
            file.settings.tls = TLSFiles(certificateAuthority: try pemFile("ca"), certificate: certificate, key: key)
        }
        return file
    }

    /// The entry `name` refers to: its own name or, for an `owner/name` entry, its name part.
    public func entry(named name: String) -> Entry? {
        pods.first { $0.name == name } ?? pods.first { $0.name.split(separator: "/").last.map(String.init) == name }
    }
}

/// How a modeller reaches remote pods.
public struct RemoteSettings: Sendable, Equatable {
    /// The deadline of every call except a round's training.
    public var callDeadline: Duration
    /// The longest a pod training a round may go without sending progress before the round
    /// fails with an error naming it.
    public var progressDeadline: Duration
    /// TLS, or nil for plaintext.
    public var tls: TLSFiles?

    /// Settings with the default deadlines (30 s a call, 300 s of silence in a round).
    public init(callDeadline: Duration = .seconds(30), progressDeadline: Duration = .seconds(300), tls: TLSFiles? = nil) {
        self.callDeadline = callDeadline
        self.progressDeadline = progressDeadline
        self.tls = tls
    }
}

/// PEM files for TLS: the certificate authority to trust, and this side's own certificate
/// and private key (a server always has them; a client when the server asks for one).
public struct TLSFiles: Sendable, Equatable {
    /// The CA certificate(s) trusted for the other side, or nil for the system's.
    public var certificateAuthority: String?
    /// This side's certificate chain.
    public var certificate: String?
    /// This side's private key.
    public var key: String?

    /// A set of TLS files.
    public init(certificateAuthority: String?, certificate: String?, key: String?) {
        self.certificateAuthority = certificateAuthority
        self.certificate = certificate
        self.key = key
    }
}
