import Files
import Foundation

/// A user's public key as `bf user export` writes it and `bf user import` / `bf pod grant
/// --key` read it: a short YAML document, safe to send by mail.
///
/// ```yaml
/// user: alice
/// ed25519: 3q2+7w…=         # the raw 32-byte public key, base64
/// fingerprint: 1a:2b:…      # SHA-256 prefix, for comparing by phone
/// ```
public struct UserKeyFile: Sendable, Equatable {
    /// The user name.
    public let user: String
    /// The raw Ed25519 public key.
    public let publicKey: Data

    /// The key of `identity`.
    public init(_ identity: LocalIdentity) {
        user = identity.name
        publicKey = identity.publicKey
    }

    /// The file's text.
    public var text: String {
        """
        user: \(user)
        ed25519: \(publicKey.base64EncodedString())
        fingerprint: \(LocalIdentity.fingerprint(of: publicKey))

        """
    }

    /// Reads a key file's text (from `path`), checking the fingerprint when it is given.
    public init(parsing text: String, path: String) throws(PodConfigError) {
        guard let root = try YAMLFields.compose(text, path: path) else { throw .missingField(path: path, field: "user") }
        let yaml = YAMLFields(path: path)
        guard root.mapping != nil else { throw .notAKeyFile(path: path) }
        let fields = try yaml.mapping(root, field: "the file", allowed: ["user", "ed25519", "fingerprint"])
        guard let userNode = fields["user"] else { throw .missingField(path: path, field: "user") }
        guard let keyNode = fields["ed25519"] else { throw .missingField(path: path, field: "ed25519") }
        let user = try yaml.string(userNode, field: "user")
        guard PodIdentifier.isValidPart(user) else {
            let (line, column) = userNode.position
            throw .wrongType(path: path, line: line, column: column, field: "user", expected: "a bf user name", found: quoted(user))
        }
        let keyText = try yaml.string(keyNode, field: "ed25519")
        guard let key = Data(base64Encoded: keyText), key.count == 32 else {
            let (line, column) = keyNode.position
            throw .wrongType(path: path, line: line, column: column, field: "ed25519",
                             expected: "a 32-byte key in base64", found: quoted(keyText))
        }
        if let fingerprintNode = fields["fingerprint"] {
            let fingerprint = try yaml.string(fingerprintNode, field: "fingerprint")
            guard fingerprint == LocalIdentity.fingerprint(of: key) else {
                let (line, column) = fingerprintNode.position
                throw .wrongType(path: path, line: line, column: column, field: "fingerprint",
                                 expected: "the key's fingerprint \(LocalIdentity.fingerprint(of: key))", found: quoted(fingerprint))
            }
        }
        self.user = user
        publicKey = key
    }

    /// Reads the key file at `url`.
    public static func read(_ url: URL) throws(PodConfigError) -> UserKeyFile {
        let text: String
        do {
            text = try YAMLFields.readText(url.path)
        } catch .cannotRead(let path, let reason) {
            throw .cannotReadKeyFile(path: path, reason: reason)
        }
        return try UserKeyFile(parsing: text, path: url.path)
    }
}

extension Hub {
    /// Registers another machine's user by their exported public key, so that pods of this
    /// hub can check their requests (and, for a pod owner, their pods' key shares). A user
    /// the hub already knows must come with the same key.
    public func importUser(_ key: UserKeyFile) throws {
        try store.registerUser(name: key.user, publicKey: key.publicKey, keyPath: "the imported key of '\(key.user)'")
    }

    /// The public key the hub holds for `user`, if it knows them.
    public func publicKey(of user: String) throws -> Data? {
        try store.publicKey(of: user)
    }

    /// Records in `pod`'s audit log a call its server refused before the pod saw it (an
    /// unknown key, a bad signature, a stale or replayed request, a call for another pod).
    public func recordRefusedCall(pod: PodIdentifier, caller: String, kind: TaskKind, reason: String, at date: Date = Date()) throws {
        try store.appendRefusedCall(pod: pod, caller: caller, kind: kind, reason: reason, at: date)
    }
}
