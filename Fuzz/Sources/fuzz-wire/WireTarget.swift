// libFuzzer target: what bf reads off the network. Every call the pod server accepts, as it
// receives it (`ReceivedCall.judge`: the protobuf messages, the digest and signature in the
// call's metadata, the nonce ledger and clock checks, the conversion of the messages into
// bf's requests with their parameter shapes), and every answer a modeller's connection reads
// from a pod (`ReceivedAnswer.decode`). An error or a refusal is a fine answer; a crash, a
// hang of more than the fuzzer's -timeout or a leak is a defect.
//
// An input is a selector byte, then fields, each a 2-byte little-endian length and that many
// bytes (a short last field takes what is left):
//   selector: (surface << 1) | resign; surfaces are ReceivedCall.Method's cases, then
//             ReceivedAnswer.Kind's (modulo their count)
//   a call:   the metadata ("name=value" lines), then the call's serialized messages
//   an answer: its serialized messages
// With `resign`, the call is also judged re-signed by the known user `alice` over the
// input's pod, timestamp and nonce and the real digest, so that the checks behind the
// signature (pod, clock, replay) see fuzzed values too. Tests/TransportTests/WireCorpusTests
// writes the seeds in Fuzz/Corpus/wire in this form.
import Federation
import Foundation
import Transport

/// The served pod, the clock and the one user the pod's hub knows, fixed so that the seeds'
/// signatures hold (WireCorpusTests signs with the same key at the same time).
private enum Fixture {
    static let pod = try! PodIdentifier(owner: "carol", name: "census")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let alice: LocalIdentity = {
        let home = FileManager.default.temporaryDirectory
            .appendingPathComponent("bf-fuzz-wire-\(ProcessInfo.processInfo.processIdentifier)")
        let key = LocalIdentity.keyFile(for: "alice", home: home)
        try! FileManager.default.createDirectory(at: key.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: key.path, contents: Data((0..<32).map { UInt8($0) }),
                                             attributes: [.posixPermissions: 0o600]) else {
            fatalError("cannot write the fuzz key to \(key.path)")
        }
        return try! LocalIdentity.loadOrCreate(name: "alice", home: home)
    }()

    static func publicKey(of user: String) -> Data? { user == "alice" ? alice.publicKey : nil }
}

/// The input's fields after the selector.
private func fields(_ bytes: ArraySlice<UInt8>) -> [[UInt8]] {
    var fields: [[UInt8]] = []
    var rest = bytes
    while !rest.isEmpty {
        guard rest.count >= 2 else { fields.append(Array(rest)); break }
        let length = Int(rest[rest.startIndex]) | Int(rest[rest.startIndex + 1]) << 8
        rest = rest.dropFirst(2)
        fields.append(Array(rest.prefix(length)))
        rest = rest.dropFirst(length)
    }
    return fields
}

private func hex(_ bytes: Data) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// Hex as bytes, or the text's own bytes when it is not hex.
private func bytes(hex text: String) -> Data {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { return Data(text.utf8) }
    var data = Data()
    for index in stride(from: 0, to: digits.count, by: 2) {
        guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return Data(text.utf8) }
        data.append(byte)
    }
    return data
}

private func judge(_ method: ReceivedCall.Method, _ metadata: [(name: String, value: String)], _ messages: [[UInt8]],
                   ledger: NonceLedger) throws -> ReceivedCall.Judged {
    try ReceivedCall.judge(method, metadata: metadata, messages: messages, pod: Fixture.pod,
                           publicKey: Fixture.publicKey(of:), ledger: ledger, now: Fixture.now)
}

/// Judges a call twice with one ledger: an accepted call must be refused as a replay after.
private func judgeTwice(_ method: ReceivedCall.Method, _ metadata: [(name: String, value: String)], _ messages: [[UInt8]]) throws -> ReceivedCall.Judged {
    let ledger = NonceLedger()
    let first = try judge(method, metadata, messages, ledger: ledger)
    if first.refusal == nil {
        let second = try judge(method, metadata, messages, ledger: ledger)
        guard second.refusal == .replayed(first.caller) else { fatalError("an accepted call was accepted again: \(metadata)") }
    }
    if let refusal = first.refusal, refusal.description.isEmpty { fatalError("a refusal rendered as nothing") }
    return first
}

/// What the pod checks first of a decoded request: its signature over its canonical bytes.
private func checkSignedRequest(_ content: ReceivedCall.Content) {
    let request: TaskRequest
    switch content {
    case let .task(task): request = task
    case let .modelTask(task): request = task.request
    case let .query(query): request = query.request
    default: return
    }
    _ = LocalIdentity.isValidSignature(request.signature, of: request.signedBytes, publicKey: Fixture.alice.publicKey)
}

private func fuzzCall(_ method: ReceivedCall.Method, resign: Bool, _ fields: [[UInt8]]) {
    let metadata = (fields.first.map { String(decoding: $0, as: UTF8.self) } ?? "")
        .split(separator: "\n", omittingEmptySubsequences: false).map { line -> (name: String, value: String) in
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    let messages = Array(fields.dropFirst())
    let judged: ReceivedCall.Judged
    do {
        judged = try judgeTwice(method, metadata, messages)
    } catch {
        // Not messages of the method's request type: gRPC refuses the call.
        if "\(error)".isEmpty { fatalError("an error rendered as nothing") }
        return
    }
    switch judged.content {
    case let .success(content): checkSignedRequest(content)
    case let .failure(error): if "\(error)".isEmpty { fatalError("an error rendered as nothing") }
    }
    guard resign else { return }
    func value(_ name: String) -> String { metadata.first(where: { $0.name == name })?.value ?? "" }
    let unsigned = CallSignature(user: "alice", pod: value("bf-pod"), method: method.rawValue,
                                 timestamp: Int64(value("bf-timestamp")) ?? Int64(Fixture.now.timeIntervalSince1970 * 1000),
                                 nonce: bytes(hex: value("bf-nonce")), bodyDigest: judged.bodyDigest, signature: Data())
    let signed: [(name: String, value: String)] = [
        ("bf-user", "alice"), ("bf-pod", unsigned.pod), ("bf-timestamp", String(unsigned.timestamp)),
        ("bf-nonce", hex(unsigned.nonce)), ("bf-body-digest", hex(unsigned.bodyDigest)),
        ("bf-signature", (try! Fixture.alice.sign(Data(unsigned.signedBytes))).base64EncodedString()),
    ]
    do {
        let again = try judgeTwice(method, signed, messages)
        if again.refusal == .badSignature("alice") { fatalError("a call signed by a known key fails its signature check") }
    } catch {
        fatalError("messages that decoded once did not decode again: \(error)")
    }
}

private func fuzzAnswer(_ kind: ReceivedAnswer.Kind, _ fields: [[UInt8]]) {
    do {
        _ = try ReceivedAnswer.decode(kind, messages: fields)
    } catch {
        if "\(error)".isEmpty { fatalError("an error rendered as nothing") }
    }
}

/// Judges one input as a call to the pod server or decodes it as a pod's answer (libFuzzer's entry point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard size > 0, let data else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let methods = ReceivedCall.Method.allCases, answers = ReceivedAnswer.Kind.allCases
    let surface = Int(input[0] >> 1) % (methods.count + answers.count)
    let rest = fields(Array(input)[1...])
    if surface < methods.count {
        fuzzCall(methods[surface], resign: input[0] & 1 == 1, rest)
    } else {
        fuzzAnswer(answers[surface - methods.count], rest)
    }
    return 0
}
