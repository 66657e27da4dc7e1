import Foundation

/// The connection file Jupyter writes for a kernel it starts (`bf kernel -f FILE`): where to
/// bind the five channels and the key that signs every message.
public struct ConnectionFile: Decodable, Sendable, Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var controlPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var heartbeatPort: Int
    public var key: String
    public var signatureScheme: String

    enum CodingKeys: String, CodingKey {
        case transport, ip, key
        case shellPort = "shell_port", controlPort = "control_port", iopubPort = "iopub_port"
        case stdinPort = "stdin_port", heartbeatPort = "hb_port", signatureScheme = "signature_scheme"
    }

    public init(transport: String = "tcp", ip: String = "127.0.0.1", shellPort: Int = 0, controlPort: Int = 0,
                iopubPort: Int = 0, stdinPort: Int = 0, heartbeatPort: Int = 0, key: String,
                signatureScheme: String = "hmac-sha256") {
        self.transport = transport
        self.ip = ip
        self.shellPort = shellPort
        self.controlPort = controlPort
        self.iopubPort = iopubPort
        self.stdinPort = stdinPort
        self.heartbeatPort = heartbeatPort
        self.key = key
        self.signatureScheme = signatureScheme
    }

    /// Reads and checks the file at `path`.
    public static func read(_ path: String) throws(KernelError) -> ConnectionFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .connectionFile(path: path, reason: "it cannot be read (\(error.localizedDescription))")
        }
        let file: ConnectionFile
        do {
            file = try JSONDecoder().decode(ConnectionFile.self, from: data)
        } catch DecodingError.keyNotFound(let key, _) {
            throw .connectionFile(path: path, reason: "it has no '\(key.stringValue)'")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .connectionFile(path: path, reason: "'\(field)' has the wrong type")
        } catch {
            throw .connectionFile(path: path, reason: "it is not a JSON object of a kernel's connection")
        }
        guard file.transport == "tcp" || file.transport == "ipc" else {
            throw .connectionFile(path: path, reason: "transport '\(file.transport)' is not 'tcp' or 'ipc'")
        }
        guard file.signatureScheme == "hmac-sha256" || file.key.isEmpty else {
            throw .connectionFile(path: path, reason: "signature scheme '\(file.signatureScheme)' is not 'hmac-sha256'")
        }
        return file
    }

    /// The ZeroMQ endpoint of a channel's port (`ipc` uses `ip-port` as the path, as Jupyter does).
    func endpoint(port: Int) -> String {
        if transport == "ipc" { return "ipc://\(ip)-\(port)" }
        return "tcp://\(ip):\(port == 0 ? "*" : String(port))"
    }
}

/// Why `bf kernel` cannot start or go on.
public enum KernelError: Error, CustomStringConvertible, Sendable {
    case connectionFile(path: String, reason: String)
    case channel(name: String, endpoint: String, reason: String)

    public var description: String {
        switch self {
        case .connectionFile(let path, let reason):
            "the kernel connection file '\(path)' cannot be used: \(reason)"
        case .channel(let name, let endpoint, let reason):
            "the kernel's \(name) channel cannot listen on \(endpoint): \(reason)"
        }
    }
}
