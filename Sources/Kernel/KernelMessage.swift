import Crypto
import Foundation
import Interpreter

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON object of a message (header, metadata, content), as JSONSerialization reads and writes it.
typealias JSONObject = [String: Any]

/// One message of the Jupyter messaging protocol (v5.3), as a kernel receives it.
///
/// On the wire: the ROUTER identities, `<IDS|MSG>`, the HMAC-SHA256 signature in hex, then
/// the header, parent header, metadata and content as JSON, then any binary buffers.
struct KernelMessage {
    /// The routing identities of the sender, which a reply repeats.
    var identities: [Data]
    var header: JSONObject
    /// The header exactly as received, which replies and outputs carry as their parent header.
    var headerBytes: Data
    /// The header of the message this one answers or was caused by; empty when none.
    var parentHeader: JSONObject
    var content: JSONObject

    var type: String { header["msg_type"] as? String ?? "" }
    var username: String { header["username"] as? String ?? "" }
}

/// Why a received message was dropped.
struct MessageError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// Reads and writes the protocol's messages for one kernel session: checks the signature of
/// each message received and signs each one sent, with the connection file's key (an empty key
/// means unsigned, as Jupyter allows).
struct MessageCodec: Sendable {
    static let delimiter = Data("<IDS|MSG>".utf8)
    static let protocolVersion = "5.3"

    private let key: SymmetricKey?
    /// The kernel's session id, in the header of every message it sends.
    let session = UUID().uuidString.lowercased()

    init(key: String) {
        self.key = key.isEmpty ? nil : SymmetricKey(data: Data(key.utf8))
    }

    // MARK: - Receiving

    func decode(_ frames: [Data]) throws(MessageError) -> KernelMessage {
        guard let split = frames.firstIndex(of: Self.delimiter) else {
            throw MessageError(reason: "no '<IDS|MSG>' delimiter")
        }
        let parts = frames[(split + 1)...]
        guard parts.count >= 5 else { throw MessageError(reason: "\(parts.count) frames after the delimiter, not at least 5") }
        let signature = parts[parts.startIndex]
        let signed = Array(parts.dropFirst().prefix(4))
        if let key {
            guard let code = Self.bytes(fromHex: signature),
                  HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: signed.reduce(Data(), +), using: key) else {
                throw MessageError(reason: "a bad signature")
            }
        }
        let header = try Self.object(signed[0], "header")
        let parentHeader = try Self.object(signed[1], "parent header")
        let content = try Self.object(signed[3], "content")
        guard header["msg_type"] is String else { throw MessageError(reason: "a header without 'msg_type'") }
        return KernelMessage(identities: Array(frames[..<split]), header: header, headerBytes: signed[0],
                             parentHeader: parentHeader, content: content)
    }

    private static func object(_ data: Data, _ part: String) throws(MessageError) -> JSONObject {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? JSONObject else {
            throw MessageError(reason: "a \(part) that is not a JSON object")
        }
        return object
    }

    private static func bytes(fromHex hex: Data) -> Data? {
        guard hex.count % 2 == 0 else { return nil }
        var bytes = Data(capacity: hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            guard let high = nibble(hex[index]), let low = nibble(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: - Sending

    /// The frames of a message of `type` with `content`, in answer to (or caused by) `parent`,
    /// addressed to `identities` (a ROUTER reply) or to a topic (IOPub).
    func encode(_ type: String, _ content: JSONObject, parent: KernelMessage?, identities: [Data],
                metadata: JSONObject = [:]) -> [Data] {
        let header: JSONObject = [
            "msg_id": UUID().uuidString.lowercased(),
            "session": session,
            "username": parent?.username ?? "bf",
            "date": Self.timestamp(),
            "msg_type": type,
            "version": Self.protocolVersion,
        ]
        let signed = [Self.json(header), parent?.headerBytes ?? Data("{}".utf8), Self.json(metadata), Self.json(content)]
        return identities + [Self.delimiter, sign(signed)] + signed
    }

    private func sign(_ parts: [Data]) -> Data {
        guard let key else { return Data() }
        var code = HMAC<SHA256>(key: key)
        for part in parts { code.update(data: part) }
        let digits = Array("0123456789abcdef".utf8)
        var hex = Data(capacity: 64)
        for byte in code.finalize() {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return hex
    }

    static func json(_ object: JSONObject) -> Data {
        // Every object a kernel sends is built from strings, numbers, booleans, arrays and
        // objects, which always have a JSON form. (JupyterJSON is several times faster
        // than JSONSerialization here, which bridges every value to Foundation's classes.)
        Data(((try? JupyterJSON.compact(object)) ?? "{}").utf8)
    }

    /// ISO 8601 with microseconds and a `Z`, as Jupyter writes dates.
    static func timestamp(_ date: Date = Date()) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(floor(seconds))
        var utc = tm()
        gmtime_r(&whole, &utc)
        func digits(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return digits(Int(utc.tm_year) + 1900, 4) + "-" + digits(Int(utc.tm_mon) + 1, 2) + "-" + digits(Int(utc.tm_mday), 2)
            + "T" + digits(Int(utc.tm_hour), 2) + ":" + digits(Int(utc.tm_min), 2) + ":" + digits(Int(utc.tm_sec), 2)
            + "." + digits(Int((seconds - floor(seconds)) * 1_000_000), 6) + "Z"
    }
}
