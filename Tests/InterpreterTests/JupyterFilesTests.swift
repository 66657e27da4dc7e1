import Foundation
@testable import Interpreter
import XCTest

/// The files bf writes for Jupyter, piece by piece: JSON laid out as Jupyter writes it, a
/// tutorial's cells, where a kernelspec goes, and the PNG encoder's checksums and blocks.
final class JupyterFilesTests: XCTestCase {
    // MARK: - JSON

    func testJSONIsLaidOutAsJupyterWritesIt() throws {
        let text = try JupyterJSON.text(["b": [1, "x\n\"y\"\\ é \u{01}"], "a": [String: Any](), "c": [Any](), "d": NSNull(),
                                         "e": true, "f": 0.5] as [String: Any])
        XCTAssertEqual(text, """
        {
         "a": {},
         "b": [
          1,
          "x\\n\\"y\\"\\\\ é \\u0001"
         ],
         "c": [],
         "d": null,
         "e": true,
         "f": 0.5
        }

        """)
        XCTAssertThrowsError(try JupyterJSON.text(["x": Double.nan]))
        XCTAssertThrowsError(try JupyterJSON.text(["x": Date()]))
    }

    func testLanguageInfoIsTheSameAsDictionaryAndAsCodable() throws {
        let dictionary = JupyterLanguage.info(version: "1.2.3")
        let encoded = try JSONEncoder().encode(JupyterLanguage.languageInfo(version: "1.2.3"))
        let decoded = try XCTUnwrap(try JSONSerialization.jsonObject(with: encoded) as? [String: String])
        XCTAssertEqual(decoded, dictionary as? [String: String])
        XCTAssertEqual(decoded, ["name": "bf", "version": "1.2.3", "mimetype": "text/x-bf", "file_extension": ".bf",
                                 "codemirror_mode": "python", "pygments_lexer": "python"])
    }

    // MARK: - Notebooks

    func testSourcesAreListsOfLinesAndCommandsInExplanationsAreCode() {
        XCTAssertEqual(TutorialNotebook.lines("a\nb\n\nc"), ["a\n", "b\n", "\n", "c"])
        XCTAssertEqual(TutorialNotebook.lines("a\n"), ["a\n"])
        XCTAssertEqual(TutorialNotebook.lines(""), [])
        XCTAssertEqual(TutorialNotebook.markdown("Runs here.\n  bf run x.bf   (all)\n  bf tutorial 1\nThen more."),
                       "Runs here.\n\n```\nbf run x.bf   (all)\nbf tutorial 1\n```\n\nThen more.")
    }

    func testEveryStepIsAnExplanationAndItsCodeAndFailingStepsAreTagged() throws {
        let tutorial = try XCTUnwrap(try TutorialCatalogue.tutorial(number: 5))
        let cells = TutorialNotebook.cells(of: tutorial)
        XCTAssertEqual(cells.count, 1 + 2 * tutorial.steps.count)
        XCTAssertEqual(Set(cells.map(\.id)).count, cells.count)
        XCTAssertTrue(cells[0].source.hasPrefix("# Tutorial 5: \(tutorial.title)\n\n"))
        for (index, step) in tutorial.steps.enumerated() {
            let explanation = cells[1 + 2 * index], code = cells[2 + 2 * index]
            XCTAssertEqual(explanation.kind, .markdown)
            XCTAssertTrue(explanation.source.hasPrefix("## Step \(index + 1): \(step.title)\n\n"), explanation.source)
            XCTAssertEqual(code.kind, .code)
            XCTAssertEqual(code.source, step.cell)
            XCTAssertEqual(code.tags, step.failsOnPurpose ? ["raises-exception"] : [])
        }
        XCTAssertEqual(tutorial.steps.filter(\.failsOnPurpose).count, 2)
    }

    func testATaskFileTutorialShowsItsYAMLAndRunsTheWholeTaskInItsLastCell() throws {
        let tutorial = try XCTUnwrap(try TutorialCatalogue.tutorials().first { $0.kind == .taskFile })
        let cells = TutorialNotebook.cells(of: tutorial)
        let code = cells.filter { $0.kind == .code }
        XCTAssertEqual(code.count, 1)
        XCTAssertEqual(code.first?.source, tutorial.steps.last?.cell)
        XCTAssertEqual(cells.last?.kind, .code)
        for step in tutorial.steps.dropLast() {
            XCTAssertTrue(cells.contains { $0.kind == .markdown && $0.source.contains("```yaml\n\(step.code)\n```") }, step.title)
        }
    }

    // MARK: - Kernelspec

    func testTheKernelspecGoesWhereJupyterLooks() {
        let home = "/home/ada"
        XCTAssertEqual(KernelSpec.dataFolder(for: .prefix("/opt/env"), environment: [:], home: home), "/opt/env/share/jupyter")
        XCTAssertEqual(KernelSpec.dataFolder(for: .system, environment: ["JUPYTER_DATA_DIR": "/x"], home: home), "/usr/local/share/jupyter")
        XCTAssertEqual(KernelSpec.dataFolder(for: .user, environment: ["JUPYTER_DATA_DIR": "/data/j", "XDG_DATA_HOME": "/xdg"], home: home),
                       "/data/j")
        #if os(Linux)
        XCTAssertEqual(KernelSpec.dataFolder(for: .user, environment: ["XDG_DATA_HOME": "/xdg"], home: home), "/xdg/jupyter")
        XCTAssertEqual(KernelSpec.dataFolder(for: .user, environment: ["XDG_DATA_HOME": ""], home: home), "/home/ada/.local/share/jupyter")
        #endif
        XCTAssertEqual(KernelSpec.folder(in: "/opt/env/share/jupyter"), "/opt/env/share/jupyter/kernels/bf")
    }

    // MARK: - PNG

    func testChecksumsMatchTheirStandardValues() {
        XCTAssertEqual(PNGImage.crc32(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(PNGImage.crc32([]), 0)
        XCTAssertEqual(PNGImage.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(PNGImage.adler32([]), 1)
    }

    func testLongDataIsSplitIntoStoredBlocksOfAtMost65535Bytes() {
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let stream = PNGImage.zlibStored(bytes)
        XCTAssertEqual(Array(stream.prefix(2)), [0x78, 0x01])
        XCTAssertEqual((0x78 * 256 + 0x01) % 31, 0)
        var offset = 2
        var inflated: [UInt8] = []
        var finals: [Bool] = []
        while finals.last != true {
            let header = stream[offset]
            XCTAssertEqual(header >> 1, 0, "stored blocks only")
            let length = Int(stream[offset + 1]) | Int(stream[offset + 2]) << 8
            let complement = Int(stream[offset + 3]) | Int(stream[offset + 4]) << 8
            XCTAssertEqual(length ^ complement, 0xFFFF)
            inflated += stream[(offset + 5)..<(offset + 5 + length)]
            finals.append(header & 1 == 1)
            offset += 5 + length
        }
        XCTAssertEqual(finals, [false, true])
        XCTAssertEqual(inflated, bytes)
        XCTAssertEqual(Array(stream[offset...]), PNGImage.bigEndian(PNGImage.adler32(bytes)))
        XCTAssertEqual(PNGImage.zlibStored([]).count, 2 + 5 + 4, "an empty stream is one empty final block")
    }
}
