import Crypto
import Diagnostics
import Files
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A pod's CSV file downloaded from an `http://` or `https://` URL when the pod is created.
///
/// The download goes to `<home>/data/<sha256>.csv` (through a temporary file in the same
/// folder, renamed into place when complete) and the pod records the URL, that file and its
/// SHA-256. Afterwards the pod reads only that copy, checking its SHA-256 first, so the data
/// a pod serves never changes behind its owner's back; creating the pod again downloads it
/// again. `http://` and `https://` go through the same code (Foundation's `URLSession`).
public struct DataDownload: Sendable, Equatable {
    /// The URL the data came from.
    public let url: URL
    /// The downloaded copy.
    public let file: URL
    /// Its SHA-256, in lower-case hex.
    public let digest: String
    /// Its size in bytes.
    public let byteCount: Int

    /// The largest file bf downloads by default: 1 GB.
    public static let defaultMaximumBytes = 1 << 30
    /// How long the server may stay silent by default, in seconds.
    public static let defaultTimeout: TimeInterval = 30

    /// The folder of downloaded data in `home`.
    public static func folder(in home: URL) -> URL {
        home.appendingPathComponent("data", isDirectory: true)
    }

    /// Downloads `url` into `folder`, refusing an HTTP error, content that is not CSV text,
    /// more than `maximumBytes`, or a server silent for `timeout` seconds.
    public static func fetch(_ url: URL, into folder: URL, timeout: TimeInterval = defaultTimeout,
                             maximumBytes: Int = defaultMaximumBytes) throws(DataDownloadError) -> DataDownload {
        do {
            try PrivateFiles.createFolder(folder)
        } catch {
            throw .cannotWrite(path: folder.path, reason: FileError.reason(of: error, path: folder.path, action: .write))
        }
        let temporary = folder.appendingPathComponent(".download-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary.path)
        else {
            throw .cannotWrite(path: temporary.path, reason: "cannot create the file")
        }
        let receiver = DownloadReceiver(url: url, handle: handle, maximumBytes: maximumBytes)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = max(timeout, 3600)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: queue)
        session.dataTask(with: url).resume()
        receiver.finished.wait()
        session.finishTasksAndInvalidate()
        try? handle.close()
        let outcome = receiver.outcome
        guard case let .success(byteCount, digest) = outcome else {
            try? FileManager.default.removeItem(at: temporary)
            if case let .failure(error) = outcome { throw error }
            throw .connectionFailed(url: url.absoluteString, reason: "the download did not finish")
        }
        let file = folder.appendingPathComponent("\(digest).csv")
        if rename(temporary.path, file.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path: file.path, reason: reason)
        }
        return DataDownload(url: url, file: file, digest: digest, byteCount: byteCount)
    }

    /// Checks that `file`, the copy of `url` that pod `pod` serves, still has SHA-256 `digest`.
    public static func verify(_ file: URL, digest: String, url: String, pod: String) throws(DataDownloadError) {
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw .copyMissing(pod: pod, url: url, path: file.path)
        }
        defer { try? handle.close() }
        var hash = SHA256()
        while true {
            let chunk: Data
            do {
                guard let read = try handle.read(upToCount: 1 << 20), !read.isEmpty else { break }
                chunk = read
            } catch {
                throw .copyMissing(pod: pod, url: url, path: file.path)
            }
            hash.update(data: chunk)
        }
        let found = hex(hash.finalize())
        guard found == digest else {
            throw .copyChanged(pod: pod, url: url, path: file.path, expected: digest, found: found)
        }
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// Something the owner should know about a download (shown as a note or a warning).
public struct DataDownloadNote: Sendable, Equatable, CustomStringConvertible {
    /// What happened.
    public enum Kind: Sendable, Equatable {
        /// The URL is `http://`: the data crossed the network unencrypted.
        case unencrypted
        /// The data was downloaded and is kept with its SHA-256.
        case downloaded(file: String, byteCount: Int, digest: String)
    }

    /// The URL.
    public let url: String
    public let kind: Kind

    /// Whether this is a warning rather than a note.
    public var isWarning: Bool { kind == .unencrypted }

    /// What happened, naming the URL.
    public var message: String {
        switch kind {
        case .unencrypted:
            return "\(quoted(url)) is plain http: the data crossed the network unencrypted and could have been read or changed on the way"
        case let .downloaded(file, byteCount, digest):
            return "downloaded \(quoted(url)) (\(byteCount) bytes, sha256 \(digest)) to \(quoted(file)); the pod reads this copy"
        }
    }

    /// What the owner can do.
    public var help: String {
        switch kind {
        case .unencrypted: return "use an https:// URL if the server offers one"
        case .downloaded: return "create the pod again to download the data again"
        }
    }

    /// The note as a user reads it.
    public var problem: Problem { Problem(message, help: help) }

    public var description: String { problem.description }
}

/// Why data at a URL cannot be used.
public enum DataDownloadError: FederationError, Equatable {
    /// The server cannot be reached, or the connection broke.
    case connectionFailed(url: String, reason: String)
    /// The server stayed silent longer than the timeout.
    case timedOut(url: String, seconds: Int)
    /// The server answered with an HTTP status other than success.
    case httpStatus(url: String, status: Int)
    /// The content is not CSV text (a web page, an image, binary data…).
    case notCSV(url: String, found: String)
    /// The content is larger than the limit.
    case tooLarge(url: String, maximumBytes: Int)
    /// The downloaded copy cannot be written.
    case cannotWrite(path: String, reason: String)
    /// The pod's downloaded copy is gone.
    case copyMissing(pod: String, url: String, path: String)
    /// The pod's downloaded copy no longer has the SHA-256 recorded when it was downloaded.
    case copyChanged(pod: String, url: String, path: String, expected: String, found: String)

    public var isInputOutput: Bool {
        switch self {
        case .connectionFailed, .timedOut, .httpStatus, .tooLarge, .cannotWrite, .copyMissing: return true
        case .notCSV, .copyChanged: return false
        }
    }

    public var problems: [Problem] {
        let recreate = "run 'bf pod create' on the pod's YAML file again (with --replace) to download it again"
        switch self {
        case let .connectionFailed(url, reason):
            return [Problem("cannot download \(quoted(url)): \(reason)", help: "check the URL and the network")]
        case let .timedOut(url, seconds):
            return [Problem("cannot download \(quoted(url)): the server sent nothing for \(seconds) seconds",
                            help: "try again later, or download the file and give its local path")]
        case let .httpStatus(url, status):
            let phrase = HTTPURLResponse.localizedString(forStatusCode: status)
            let reason = phrase.isEmpty ? "" : " " + phrase.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
            return [Problem("the server answered \(status)\(reason) for \(quoted(url))",
                            help: status == 404 ? "check the URL: the server has no file there" : "check the URL and the server")]
        case let .notCSV(url, found):
            return [Problem("\(quoted(url)) is not a CSV file: the server sent \(found)",
                            help: "give the URL of the CSV file itself")]
        case let .tooLarge(url, maximumBytes):
            let limit = maximumBytes >= 1 << 20 ? "\(maximumBytes / (1 << 20)) MB" : "\(maximumBytes) bytes"
            return [Problem("\(quoted(url)) is larger than \(limit), the most bf downloads",
                            help: "download the file yourself and give its local path")]
        case let .cannotWrite(path, reason):
            return [Problem("cannot write the downloaded data to \(quoted(path)): \(reason)",
                            help: "check the space and permissions of the bf home")]
        case let .copyMissing(pod, url, path):
            return [Problem("pod \(quoted(pod))'s copy of \(quoted(url)) is missing: \(quoted(path))", help: recreate)]
        case let .copyChanged(pod, url, path, expected, found):
            return [Problem("pod \(quoted(pod))'s copy of \(quoted(url)) has changed since it was downloaded: \(quoted(path))",
                            notes: ["sha256 recorded  \(expected)", "sha256 now       \(found)"],
                            help: recreate)]
        }
    }
}

/// Receives one download: checks the response, writes the body to a file while hashing and
/// counting it, and signals `finished` when the task ends.
///
/// `@unchecked Sendable`: URLSession calls it on a serial delegate queue, and `outcome` is
/// read only after `finished` is signalled, so no two threads touch its state at once.
private final class DownloadReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum Outcome {
        case running
        case success(byteCount: Int, digest: String)
        case failure(DataDownloadError)
    }

    let url: URL
    let handle: FileHandle
    let maximumBytes: Int
    let finished = DispatchSemaphore(value: 0)
    private(set) var outcome = Outcome.running
    private var hasher = SHA256()
    private var byteCount = 0
    private var failure: DataDownloadError?

    /// Media types that are never a CSV file.
    private static let refusedTypes = ["text/html", "application/xhtml+xml", "application/json", "application/xml", "text/xml",
                                       "application/pdf", "application/zip", "application/gzip", "application/x-gzip"]
    private static let refusedFamilies = ["image/", "audio/", "video/", "font/"]

    init(url: URL, handle: FileHandle, maximumBytes: Int) {
        self.url = url
        self.handle = handle
        self.maximumBytes = maximumBytes
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            failure = .httpStatus(url: url.absoluteString, status: http.statusCode)
        } else if let type = response.mimeType?.lowercased(),
                  Self.refusedTypes.contains(type) || Self.refusedFamilies.contains(where: type.hasPrefix) {
            failure = .notCSV(url: url.absoluteString, found: type)
        } else if response.expectedContentLength > Int64(maximumBytes) {
            failure = .tooLarge(url: url.absoluteString, maximumBytes: maximumBytes)
        }
        completionHandler(failure == nil ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil else { return }
        if byteCount == 0, data.prefix(4096).contains(0) {
            failure = .notCSV(url: url.absoluteString, found: "binary data")
            return dataTask.cancel()
        }
        byteCount += data.count
        guard byteCount <= maximumBytes else {
            failure = .tooLarge(url: url.absoluteString, maximumBytes: maximumBytes)
            return dataTask.cancel()
        }
        hasher.update(data: data)
        do {
            try handle.write(contentsOf: data)
        } catch {
            failure = .cannotWrite(path: "the bf home's data folder", reason: FileError.reason(of: error, path: "", action: .write))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let failure {
            outcome = .failure(failure)
        } else if let error {
            outcome = .failure(Self.explain(error, url: url, timeout: session.configuration.timeoutIntervalForRequest))
        } else {
            outcome = .success(byteCount: byteCount, digest: DataDownload.hex(hasher.finalize()))
        }
        finished.signal()
    }

    /// The failure in words, without Foundation's error domains and codes.
    private static func explain(_ error: any Error, url: URL, timeout: TimeInterval) -> DataDownloadError {
        let text = url.absoluteString
        let host = url.host.map { host in url.port.map { "\(host):\($0)" } ?? host } ?? "the server"
        guard let urlError = error as? URLError else {
            return .connectionFailed(url: text, reason: "the connection failed")
        }
        switch urlError.code {
        case .timedOut: return .timedOut(url: text, seconds: Int(timeout))
        case .cannotConnectToHost: return .connectionFailed(url: text, reason: "\(host) refused the connection")
        case .cannotFindHost, .dnsLookupFailed: return .connectionFailed(url: text, reason: "no host called \(quoted(url.host ?? ""))")
        case .notConnectedToInternet: return .connectionFailed(url: text, reason: "this machine is not connected to a network")
        case .networkConnectionLost: return .connectionFailed(url: text, reason: "\(host) closed the connection before the end")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
             .serverCertificateHasUnknownRoot, .clientCertificateRejected, .clientCertificateRequired:
            return .connectionFailed(url: text, reason: "the TLS connection to \(host) failed (its certificate could not be verified)")
        case .httpTooManyRedirects, .redirectToNonExistentLocation: return .connectionFailed(url: text, reason: "the server's redirects lead nowhere")
        default: return .connectionFailed(url: text, reason: "the connection to \(host) failed")
        }
    }
}
