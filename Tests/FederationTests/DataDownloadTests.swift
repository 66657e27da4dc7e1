import Crypto
import Foundation
import XCTest
@testable import Federation

/// Pods whose data is at an HTTP URL: downloaded once into the home with its SHA-256, read
/// from that copy afterwards. Every server is Python's http.server on 127.0.0.1; https goes
/// through the same code (URLSession), which needs certificates this machine lacks.
final class DataDownloadTests: FederationTestCase {
    private func serve() throws -> LoopbackHTTPServer {
        let folder = try temporaryDirectory()
        try Data(Self.smallCSV.utf8).write(to: folder.appendingPathComponent("census.csv"))
        try Data("<html><body>census</body></html>".utf8).write(to: folder.appendingPathComponent("page.html"))
        return try LoopbackHTTPServer(serving: folder)
    }

    /// A pod YAML file in Bitfount's newer format whose data is at `url`.
    private func podYAML(_ url: String) throws -> URL {
        let file = try temporaryDirectory().appendingPathComponent("pod.yaml")
        try Data("""
            name: census-income-web
            datasources:
              - datasource: CSVSource
                name: census-income-web
                data_config:
                  force_stypes:
                    census-income-web:
                      categorical: [gender, TARGET]
                  datasource_args:
                    path: \(url)

            """.utf8).write(to: file)
        return file
    }

    private var expectedDigest: String {
        SHA256.hash(data: Data(Self.smallCSV.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func testAPodFromAnHTTPURLIsDownloadedOnceAndReadFromItsCopyAfterTheServerStops() async throws {
        let server = try serve()
        let (hub, owner, _) = try makeHub()
        var downloads: [DataDownloadNote] = []
        let description = try hub.createPod(fromYAML: try podYAML(server.url("census.csv")), owner: owner,
                                            downloads: { downloads.append($0) })
        XCTAssertEqual(description.rowCount, 6)
        let copy = DataDownload.folder(in: hub.home).appendingPathComponent("\(expectedDigest).csv")
        XCTAssertEqual(try String(contentsOf: copy, encoding: .utf8), Self.smallCSV)
        XCTAssertEqual(downloads.map(\.kind), [.unencrypted, .downloaded(file: copy.path, byteCount: Self.smallCSV.utf8.count,
                                                                          digest: expectedDigest)])
        XCTAssertTrue(downloads[0].isWarning)
        XCTAssertEqual(downloads[0].message, "'\(server.url("census.csv"))' is plain http: the data crossed the network "
                           + "unencrypted and could have been read or changed on the way")
        let row = try XCTUnwrap(try hub.store.podRow(description.identifier))
        XCTAssertEqual(row.dataURL, server.url("census.csv"))
        XCTAssertEqual(row.dataDigest, expectedDigest)
        XCTAssertEqual(row.dataPath, copy.path)

        server.stop()
        let reopened = try Hub(home: hub.home)
        let dataset = try await reopened.actor(for: description.identifier).dataset()
        XCTAssertEqual(dataset.rowCount, 6)
    }

    func testAChangedOrMissingCopyIsRefusedSayingHowToDownloadItAgain() async throws {
        let server = try serve()
        let (hub, owner, _) = try makeHub()
        let pod = try hub.createPod(fromYAML: try podYAML(server.url("census.csv")), owner: owner).identifier
        server.stop()
        let copy = DataDownload.folder(in: hub.home).appendingPathComponent("\(expectedDigest).csv")
        try Data(Self.smallCSV.replacingOccurrences(of: "39,Male", with: "93,Male").utf8).write(to: copy)

        let changed = await asyncError { try await Hub(home: hub.home).actor(for: pod).dataset() } as? DataDownloadError
        guard case let .copyChanged(_, _, _, expected, found)? = changed else { return XCTFail("\(String(describing: changed))") }
        XCTAssertEqual(expected, expectedDigest)
        XCTAssertNotEqual(found, expectedDigest)
        XCTAssertEqual(changed?.message, "pod 'olivia/census-income-web''s copy of '\(server.url("census.csv"))' has changed "
                           + "since it was downloaded: '\(copy.path)'")
        XCTAssertEqual(changed?.help, "run 'bf pod create' on the pod's YAML file again (with --replace) to download it again")

        try FileManager.default.removeItem(at: copy)
        let missing = await asyncError { try await Hub(home: hub.home).actor(for: pod).dataset() } as? DataDownloadError
        XCTAssertEqual(missing, .copyMissing(pod: "olivia/census-income-web", url: server.url("census.csv"), path: copy.path))
        XCTAssertEqual(missing?.isInputOutput, true)
    }

    func testAn404IsRefusedNamingTheStatusAndTheURLAndNothingIsRegistered() throws {
        let server = try serve()
        let (hub, owner, _) = try makeHub()
        let before = try snapshot(hub)
        let failure = error { try hub.createPod(fromYAML: try podYAML(server.url("absent.csv")), owner: owner) } as? DataDownloadError
        XCTAssertEqual(failure, .httpStatus(url: server.url("absent.csv"), status: 404))
        XCTAssertEqual(failure?.message, "the server answered 404 Not Found for '\(server.url("absent.csv"))'")
        XCTAssertEqual(failure?.isInputOutput, true)
        XCTAssertEqual(try snapshot(hub), before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: DataDownload.folder(in: hub.home).path)
        XCTAssertEqual(leftovers, [])
    }

    func testAWebPageTooLargeAFileOrNoServerIsRefused() throws {
        let server = try serve()
        let folder = try temporaryDirectory()
        let page = try XCTUnwrap(URL(string: server.url("page.html")))
        XCTAssertEqual(error { try DataDownload.fetch(page, into: folder) } as? DataDownloadError,
                       .notCSV(url: page.absoluteString, found: "text/html"))
        let csv = try XCTUnwrap(URL(string: server.url("census.csv")))
        let large = error { try DataDownload.fetch(csv, into: folder, maximumBytes: 20) } as? DataDownloadError
        XCTAssertEqual(large, .tooLarge(url: csv.absoluteString, maximumBytes: 20))
        XCTAssertEqual(try DataDownload.fetch(csv, into: folder).digest, expectedDigest)

        server.stop()
        let refused = error { try DataDownload.fetch(csv, into: folder, timeout: 5) } as? DataDownloadError
        XCTAssertEqual(refused?.message, "cannot download '\(csv.absoluteString)': 127.0.0.1:\(server.port) refused the connection")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["\(expectedDigest).csv"])
    }
}
