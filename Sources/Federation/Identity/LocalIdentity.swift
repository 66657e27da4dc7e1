import Crypto
import Diagnostics
import Files
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A local user: a name and an Ed25519 key pair kept under the bf home
/// (`<home>/users/<name>/ed25519.key`, the 32-byte private key, mode 0600 in
/// a 0700 directory), created on first use.
///
/// Every task request a modeller sends is signed with this key; pods verify
/// the signature against the public key the hub holds for the name.
public struct LocalIdentity: Sendable {
    /// The user name (lower-case letters, digits, `-`, `_`, `.`).
    public let name: String
    private let privateKey: Curve25519.Signing.PrivateKey

    /// The Ed25519 signing key, for the pods this user owns to sign their
    /// secure-aggregation key shares.
    var signingKey: Curve25519.Signing.PrivateKey { privateKey }

    /// The raw 32-byte Ed25519 public key.
    public var publicKey: Data { privateKey.publicKey.rawRepresentation }

    /// A short, stable label of the public key: the first 8 bytes of its
    /// SHA-256, in hex pairs separated by colons.
    public var fingerprint: String { Self.fingerprint(of: publicKey) }

    /// The file holding the private key of `name` under `home`.
    public static func keyFile(for name: String, home: URL) -> URL {
        home.appendingPathComponent("users").appendingPathComponent(name).appendingPathComponent("ed25519.key")
    }

    /// The user name used when none is chosen: the login name when it is a
    /// valid bf user name, else `modeller`.
    public static func defaultUserName() -> String {
        let login = ProcessInfo.processInfo.userName.lowercased()
        return PodIdentifier.isValidPart(login) ? login : "modeller"
    }

    /// Loads `name`'s key from `home`, creating the key pair when the user
    /// has none yet.
    public static func loadOrCreate(name: String, home: URL) throws(IdentityError) -> LocalIdentity {
        guard PodIdentifier.isValidPart(name) else { throw .invalidName(name) }
        let file = keyFile(for: name, home: home)
        if let identity = try load(name: name, file: file) { return identity }
        let directory = file.deletingLastPathComponent()
        do {
            try PrivateFiles.createFolder(directory)
        } catch {
            throw .cannotWrite(path: directory.path, reason: FileError.reason(of: error, path: directory.path, action: .write))
        }
        let key = Curve25519.Signing.PrivateKey()
        try writeExclusively(key.rawRepresentation, to: file)
        // Another process may have created the key first; the file on disk wins.
        return try load(name: name, file: file) ?? LocalIdentity(name: name, privateKey: key)
    }

    /// Signs `message`.
    public func sign(_ message: Data) throws(IdentityError) -> Data {
        do {
            return try privateKey.signature(for: message)
        } catch {
            throw .signingFailed(name: name)
        }
    }

    /// Whether `signature` is `publicKey`'s signature of `message`.
    public static func isValidSignature(_ signature: Data, of message: Data, publicKey: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// The fingerprint of a raw public key.
    public static func fingerprint(of publicKey: Data) -> String {
        SHA256.hash(data: publicKey).prefix(8).map { String(format: "%02x", $0) }.joined(separator: ":")
    }

    private static func load(name: String, file: URL) throws(IdentityError) -> LocalIdentity? {
        var status = stat()
        guard stat(file.path, &status) == 0 else { return nil }
        let mode = Int(status.st_mode) & 0o777
        if mode & 0o077 != 0 {
            throw .keyFileTooOpen(path: file.path, mode: mode)
        }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw .cannotRead(path: file.path)
        }
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data) else {
            throw .corruptKey(path: file.path)
        }
        return LocalIdentity(name: name, privateKey: key)
    }

    /// Writes `bytes` to a new file with mode 0600, linked into place only if
    /// no file is there yet, so a concurrent creator's key is never replaced.
    private static func writeExclusively(_ bytes: Data, to file: URL) throws(IdentityError) {
        let temporary = file.path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw .cannotWrite(path: temporary, reason: FileError.reason(errno: errno, action: .write)) }
        defer { unlink(temporary) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            throw .cannotWrite(path: temporary, reason: FileError.reason(errno: errno, action: .write))
        }
        if link(temporary, file.path) != 0 && errno != EEXIST {
            throw .cannotWrite(path: file.path, reason: FileError.reason(errno: errno, action: .write))
        }
    }
}

/// Why a local identity cannot be used.
public enum IdentityError: FederationError, Equatable {
    /// The user name has characters a user name cannot have.
    case invalidName(String)
    /// The key file is readable or writable by other users.
    case keyFileTooOpen(path: String, mode: Int)
    /// The key file cannot be read.
    case cannotRead(path: String)
    /// The key file does not hold a 32-byte Ed25519 private key.
    case corruptKey(path: String)
    /// The key file or its directory cannot be written.
    case cannotWrite(path: String, reason: String)
    /// Signing failed.
    case signingFailed(name: String)
    /// The hub holds a different public key for this user.
    case keyMismatch(name: String, path: String)

    public var isInputOutput: Bool {
        switch self {
        case .cannotRead, .cannotWrite: return true
        default: return false
        }
    }

    public var problems: [Problem] {
        switch self {
        case let .invalidName(name):
            return [Problem("\(quoted(name)) is not a valid user name",
                            help: "use lower-case letters, digits, '-', '_' and '.', starting with a letter or digit")]
        case let .keyFileTooOpen(path, mode):
            return [Problem("key file \(quoted(path)) can be read by other users (mode \(String(mode, radix: 8)))",
                            help: "make it private with: chmod 600 \(path)")]
        case let .cannotRead(path):
            return [Problem("cannot read key file \(quoted(path))", help: "check that you own the file")]
        case let .corruptKey(path):
            return [Problem("key file \(quoted(path)) does not hold an Ed25519 private key",
                            help: "restore it from a backup; a new key would not match the one the hub knows")]
        case let .cannotWrite(path, reason):
            return [Problem("cannot write \(quoted(path)): \(reason)", help: "check that the bf home is writable")]
        case let .signingFailed(name):
            return [Problem("signing a request as \(quoted(name)) failed")]
        case let .keyMismatch(name, path):
            return [Problem("the hub knows a different key for user \(quoted(name)) than \(quoted(path))",
                            help: "restore the user's original key file, or choose another user name")]
        }
    }
}
