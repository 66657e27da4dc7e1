import Federation
import Foundation
import GRPCNIOTransportHTTP2

/// TLS for pod servers and their clients, from PEM files; each file is checked before use so
/// that a wrong path is reported by name rather than as a failed handshake.
enum TransportSecurity {
    /// The server's security: plaintext, TLS, or mutual TLS when a CA is given (then only
    /// clients with a certificate that CA signed can connect).
    static func server(_ tls: TLSFiles?) throws -> HTTP2ServerTransport.Posix.TransportSecurity {
        guard let tls else { return .plaintext }
        guard let certificate = tls.certificate, let key = tls.key else {
            throw TransportError.tlsFile(path: tls.certificate ?? tls.key ?? "", reason: "a server needs both --tls-cert and --tls-key")
        }
        let chain: [TLSConfig.CertificateSource] = [.file(path: try readable(certificate), format: .pem)]
        let privateKey = TLSConfig.PrivateKeySource.file(path: try readable(key), format: .pem)
        guard let authority = tls.certificateAuthority else {
            return .tls(certificateChain: chain, privateKey: privateKey)
        }
        let trusted = try readable(authority)
        return .mTLS(certificateChain: chain, privateKey: privateKey) { config in
            config.trustRoots = .certificates([.file(path: trusted, format: .pem)])
            config.clientCertificateVerification = .noHostnameVerification
        }
    }

    /// A client's security: plaintext, or TLS trusting the given CA (else the system's), with
    /// this user's certificate when one is given.
    static func client(_ tls: TLSFiles?) throws -> HTTP2ClientTransport.Posix.TransportSecurity {
        guard let tls else { return .plaintext }
        let authority = try tls.certificateAuthority.map(readable)
        let certificate = try tls.certificate.map(readable)
        let key = try tls.key.map(readable)
        return .tls { config in
            if let authority { config.trustRoots = .certificates([.file(path: authority, format: .pem)]) }
            if let certificate, let key {
                config.certificateChain = [.file(path: certificate, format: .pem)]
                config.privateKey = .file(path: key, format: .pem)
            }
        }
    }

    private static func readable(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TransportError.tlsFile(path: path, reason: FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "no such file")
        }
        guard String(decoding: data, as: UTF8.self).contains("-----BEGIN ") else {
            throw TransportError.tlsFile(path: path, reason: "it is not a PEM file")
        }
        return path
    }
}
