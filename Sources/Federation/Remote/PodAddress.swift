import Diagnostics
/// Where a pod served by `bf pod serve` listens: `bf://HOST:PORT/NAME`, or `HOST:PORT` in a
/// federation file. The name (bare, or `owner/name`) is the pod the modeller expects there;
/// the server refuses calls meant for another pod.
public struct PodAddress: Sendable, Hashable, CustomStringConvertible {
    /// A host name or an IP address (IPv6 without its brackets).
    public let host: String
    /// The TCP port.
    public let port: Int
    /// The pod expected at the address, when the address names one.
    public let podName: String?

    /// The scheme of a pod address.
    public static let scheme = "bf://"

    /// An address from its parts.
    public init(host: String, port: Int, podName: String? = nil) {
        self.host = host
        self.port = port
        self.podName = podName
    }

    /// Parses `bf://HOST:PORT[/NAME]` or `HOST:PORT[/NAME]`.
    public init(parsing text: String) throws(PodAddressError) {
        try self.init(parsing: text, allowingAnyPort: false)
    }

    /// Parses where a server listens, `HOST:PORT`; port 0 asks the system for a free one.
    public static func listening(_ text: String) throws(PodAddressError) -> PodAddress {
        let address = try PodAddress(parsing: text, allowingAnyPort: true)
        guard address.podName == nil else { throw .notAnAddress(text, reason: "a listening address names no pod; write HOST:PORT") }
        return address
    }

    /// Parses a relay's address, `bf://HOST:PORT` (or `HOST:PORT`), which names no pod.
    public static func relay(_ text: String) throws(PodAddressError) -> PodAddress {
        let address = try PodAddress(parsing: text, allowingAnyPort: false)
        guard address.podName == nil else {
            throw .notAnAddress(text, reason: "a relay's address names no pod; write bf://HOST:PORT (modellers add /POD)")
        }
        return address
    }

    /// Whether the host is this machine's loopback (`localhost`, 127.0.0.0/8 or `::1`), which
    /// no other machine can reach.
    public var isLoopback: Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    private init(parsing text: String, allowingAnyPort: Bool) throws(PodAddressError) {
        var rest = Substring(text)
        if rest.hasPrefix(Self.scheme) {
            rest = rest.dropFirst(Self.scheme.count)
        } else if rest.contains("://") {
            throw .notAnAddress(text, reason: "pod addresses start with bf://")
        }
        let slash = rest.firstIndex(of: "/")
        let authority = rest[..<(slash ?? rest.endIndex)]
        let path = slash.map { rest[rest.index(after: $0)...] } ?? ""

        let host: Substring
        let portText: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .notAnAddress(text, reason: "the IPv6 host has no closing ']'") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let afterHost = authority[authority.index(after: close)...]
            guard afterHost.hasPrefix(":") else { throw .notAnAddress(text, reason: "the port is missing; write HOST:PORT") }
            portText = afterHost.dropFirst()
        } else {
            guard let colon = authority.lastIndex(of: ":") else { throw .notAnAddress(text, reason: "the port is missing; write HOST:PORT") }
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { throw .notAnAddress(text, reason: "the host is missing") }
        let lowest = allowingAnyPort ? 0 : 1
        guard let port = Int(portText), (lowest...65535).contains(port) else {
            throw .notAnAddress(text, reason: "the port '\(portText)' is not a number from \(lowest) to 65535")
        }
        var podName: String?
        if !path.isEmpty {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, parts.allSatisfy({ PodIdentifier.isValidPart(String($0)) }) else {
                throw .notAnAddress(text, reason: "'\(path)' is not a pod name (lower-case letters, digits, '-', '_' and '.', as name or owner/name)")
            }
            podName = String(path)
        }
        self.init(host: String(host), port: port, podName: podName)
    }

    /// `bf://HOST:PORT[/NAME]`.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return Self.scheme + "\(shownHost):\(port)" + (podName.map { "/" + $0 } ?? "")
    }

    /// Whether `identifier` is the pod this address expects (any pod when it names none).
    public func expects(_ identifier: PodIdentifier) -> Bool {
        guard let podName else { return true }
        return podName == identifier.description || podName == identifier.name
    }
}

/// Why text is not a pod address.
public enum PodAddressError: FederationError, Equatable {
    /// The text cannot be read as `bf://HOST:PORT/NAME`.
    case notAnAddress(String, reason: String)

    public var problems: [Problem] {
        switch self {
        case let .notAnAddress(text, reason):
            return [Problem("\(quoted(text)) is not a pod address: \(reason)",
                            help: "write it as bf://HOST:PORT/POD, e.g. bf://127.0.0.1:7401/census-income-demo")]
        }
    }
}
