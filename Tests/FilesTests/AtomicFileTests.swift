import Files
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing users' files completely or not at all, and reading only regular files.
final class AtomicFileTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bf-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    private func contents(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    private func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    private func mode(_ path: String) -> mode_t {
        var status = stat()
        _ = stat(path, &status)
        return status.st_mode & 0o777
    }

    private func writeError(_ body: () throws(FileError) -> Void) -> FileError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    func testWritesANewFileAndReplacesAnOldOneKeepingItsMode() throws {
        try AtomicFile.write("first\n", to: path("notes.bf"))
        XCTAssertEqual(try contents("notes.bf"), "first\n")
        XCTAssertEqual(mode(path("notes.bf")) & 0o600, 0o600)
        chmod(path("notes.bf"), 0o640)
        try AtomicFile.write("second\n", to: path("notes.bf"))
        XCTAssertEqual(try contents("notes.bf"), "second\n")
        XCTAssertEqual(mode(path("notes.bf")), 0o640)
        try AtomicFile.write(Data([1, 2]), to: path("key"), permissions: 0o600)
        XCTAssertEqual(mode(path("key")), 0o600)
        XCTAssertEqual(try listing(), ["key", "notes.bf"], "no temporary file is left behind")
    }

    func testASymbolicLinkStaysAndItsTargetIsReplaced() throws {
        try AtomicFile.write("old", to: path("real.html"))
        try FileManager.default.createSymbolicLink(atPath: path("link.html"), withDestinationPath: path("real.html"))
        try AtomicFile.write("new", to: path("link.html"))
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("link.html")), path("real.html"))
        XCTAssertEqual(try contents("real.html"), "new")
    }

    func testAFullDeviceIsAnErrorNamingThePathAndTheReason() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full here") }
        let error = writeError { () throws(FileError) in try AtomicFile.write(String(repeating: "x", count: 100_000), to: "/dev/full") }
        XCTAssertEqual(error, FileError(.write, path: "/dev/full", reason: "no space left on device"))
        XCTAssertEqual(error?.description, "cannot write '/dev/full': no space left on device")
        // A device that takes the bytes is written in place.
        try AtomicFile.write("discarded", to: "/dev/null")
    }

    func testFoldersMissingFoldersAndReadOnlyFoldersAreClearErrors() throws {
        XCTAssertEqual(writeError { () throws(FileError) in try AtomicFile.write("x", to: folder.path) }?.reason, "is a folder")
        XCTAssertEqual(writeError { () throws(FileError) in try AtomicFile.write("x", to: path("absent/report.html")) }?.reason,
                       "no such folder '\(path("absent"))'")
        if FileManager.default.fileExists(atPath: "/proc/version") {
            let proc = writeError { () throws(FileError) in try AtomicFile.write("x", to: "/proc/bf-report.html") }
            XCTAssertEqual(proc?.path, "/proc/bf-report.html")
            XCTAssertFalse(proc?.reason.lowercased().contains("domain") ?? true, proc?.reason ?? "")
        }
        try AtomicFile.write("kept", to: path("kept.txt"))
        if getuid() != 0 {
            chmod(folder.path, 0o500)
            defer { chmod(folder.path, 0o700) }
            XCTAssertEqual(writeError { () throws(FileError) in try AtomicFile.write("lost", to: path("kept.txt")) }?.reason,
                           "permission denied")
            XCTAssertEqual(try contents("kept.txt"), "kept", "a failed write leaves the old file as it was")
        }
    }

    func testReadingRefusesFoldersNamedPipesAndMissingFilesWithoutBlocking() throws {
        try AtomicFile.write("print(1)\n", to: path("script.bf"))
        XCTAssertEqual(try RegularFile.readText(path("script.bf")), "print(1)\n")
        XCTAssertEqual(mkfifo(path("pipe"), 0o600), 0)
        func readError(_ name: String) -> String? {
            do {
                _ = try RegularFile.read(name)
                return nil
            } catch {
                return error.description
            }
        }
        XCTAssertEqual(readError(path("pipe")), "cannot read '\(path("pipe"))': not a regular file (a named pipe)")
        XCTAssertEqual(readError(folder.path), "cannot read '\(folder.path)': is a folder")
        XCTAssertEqual(readError(path("absent.bf")), "cannot read '\(path("absent.bf"))': no such file")
        try Data([0xC3, 0x28]).write(to: URL(fileURLWithPath: path("latin1.bf")))
        XCTAssertThrowsError(try RegularFile.readText(path("latin1.bf"))) { error in
            XCTAssertEqual((error as? FileError)?.reason, "it is not UTF-8 text")
        }
    }

    func testFoundationErrorsBecomeShortReasons() throws {
        let missing = path("absent.csv")
        do {
            _ = try Data(contentsOf: URL(fileURLWithPath: missing))
            XCTFail("reading a missing file succeeded")
        } catch {
            XCTAssertEqual(FileError.reason(of: error, path: missing, action: .read), "no such file")
        }
        do {
            _ = try Data(contentsOf: folder)
            XCTFail("reading a folder succeeded")
        } catch {
            XCTAssertEqual(FileError.reason(of: error, path: folder.path, action: .read), "is a folder")
        }
        XCTAssertEqual(FileError.reason(of: CocoaError(.fileWriteOutOfSpace), path: path("x"), action: .write),
                       "no space left on device")
        XCTAssertEqual(FileError.reason(of: NSError(domain: NSCocoaErrorDomain, code: 512), path: path("x"), action: .write),
                       "it cannot be written")
        XCTAssertEqual(FileError.reason(of: NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES)), path: path("x"), action: .read),
                       "permission denied")
    }
}
