#if canImport(FoundationXML)
import BFTestSupport
import FoundationXML
#endif
import Foundation
import XCTest

/// `bf jupyter install` and `bf jupyter notebook N` as a user runs them: the kernelspec where
/// Jupyter looks, with logos any PNG decoder reads, and tutorials as notebooks nbformat accepts.
final class JupyterCommandTests: XCTestCase {
    private var environment: TestEnvironment!

    override func setUpWithError() throws {
        environment = try TestEnvironment()
    }

    override func tearDown() {
        environment = nil
    }

    private func bf(_ arguments: [String], environment extra: [String: String] = [:]) throws -> BFRun {
        try BFBinary.locate().run(arguments, environment: extra, in: environment.directory)
    }

    // MARK: - install

    func testInstallUnderAPrefixWritesTheKernelspec() throws {
        let prefix = environment.directory.appendingPathComponent("venv")
        let run = try bf(["jupyter", "install", "--prefix", prefix.path])
        XCTAssertEqual(run.status, 0, run.standardError)
        let folder = prefix.appendingPathComponent("share/jupyter/kernels/bf")
        XCTAssertTrue(run.standardOutput.contains("installed the bf kernel in \(folder.path)\n"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("jupyter lab"), run.standardOutput)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
                       ["kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"])

        let spec = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("kernel.json"))) as? [String: Any])
        let argv = try XCTUnwrap(spec["argv"] as? [String])
        XCTAssertEqual(Array(argv.dropFirst()), ["kernel", "-f", "{connection_file}"])
        XCTAssertTrue(argv[0].hasPrefix("/"), argv[0])
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: argv[0]), argv[0])
        XCTAssertEqual(URL(fileURLWithPath: argv[0]).resolvingSymlinksInPath(), try BFBinary.locate().url.resolvingSymlinksInPath())
        XCTAssertEqual(spec["display_name"] as? String, "bf")
        XCTAssertEqual(spec["language"] as? String, "bf")
        XCTAssertEqual(spec["interrupt_mode"] as? String, "signal")
        XCTAssertEqual((spec["metadata"] as? [String: Any])?["debugger"] as? Bool, false)

        for size in [32, 64] {
            let image = try PNGFile(Data(contentsOf: folder.appendingPathComponent("logo-\(size)x\(size).png")))
            XCTAssertEqual(image.width, size)
            XCTAssertEqual(image.height, size)
            XCTAssertEqual(image.pixel(0, 0).alpha, 0, "outside the rounded corner")
            XCTAssertEqual(image.pixel(size / 2, size / 2).alpha, 255)
            XCTAssertNotEqual(image.pixel(size / 2, size / 2), image.pixel(size / 2, size - 3), "a picture, not one colour")
        }
        let svg = try String(contentsOf: folder.appendingPathComponent("logo-svg.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg)
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())

        let permissions = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("kernel.json").path)[.posixPermissions] as? Int
        XCTAssertEqual(permissions, 0o644, "readable by everyone, as Jupyter's own kernelspecs")
        let again = try bf(["jupyter", "install", "--prefix", prefix.path])
        XCTAssertEqual(again.status, 0, "installing again replaces the files: \(again.standardError)")
    }

    func testInstallForTheUserFollowsJupytersDataFolder() throws {
        let home = environment.directory.appendingPathComponent("home")
        let xdg = environment.directory.appendingPathComponent("xdg")
        let jupyterData = environment.directory.appendingPathComponent("jupyter-data")
        let cases: [([String: String], URL)] = [
            (["HOME": home.path, "XDG_DATA_HOME": "", "JUPYTER_DATA_DIR": ""], home.appendingPathComponent(".local/share/jupyter")),
            (["HOME": home.path, "XDG_DATA_HOME": xdg.path, "JUPYTER_DATA_DIR": ""], xdg.appendingPathComponent("jupyter")),
            (["HOME": home.path, "XDG_DATA_HOME": xdg.path, "JUPYTER_DATA_DIR": jupyterData.path], jupyterData),
        ]
        for (variables, dataFolder) in cases {
            let run = try bf(["jupyter", "install", "--user"], environment: variables)
            XCTAssertEqual(run.status, 0, run.standardError)
            let kernel = dataFolder.appendingPathComponent("kernels/bf/kernel.json")
            XCTAssertTrue(FileManager.default.fileExists(atPath: kernel.path), "\(variables): \(run.standardOutput)")
            XCTAssertTrue(run.standardOutput.contains(dataFolder.appendingPathComponent("kernels/bf").path), run.standardOutput)
        }
    }

    func testInstallSaysWhyItCannotAndWhatToDo() throws {
        let file = environment.directory.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let run = try bf(["jupyter", "install", "--prefix", file.appendingPathComponent("inside").path])
        XCTAssertEqual(run.status, 74)
        XCTAssertEqual(run.standardOutput, "")
        XCTAssertTrue(run.standardError.hasPrefix("error: cannot install the bf kernel: cannot write '\(file.path)/inside"), run.standardError)
        XCTAssertTrue(run.standardError.contains("a part of the path is not a folder"), run.standardError)
        XCTAssertTrue(run.standardError.contains("\nhelp: "), run.standardError)

        let both = try bf(["jupyter", "install", "--user", "--prefix", "x"])
        XCTAssertEqual(both.status, 64)
        XCTAssertTrue(both.standardError.contains("choose one of --user and --prefix"), both.standardError)
    }

    // MARK: - notebook

    func testTutorialFiveAsANotebook() throws {
        let run = try bf(["jupyter", "notebook", "5"])
        XCTAssertEqual(run.status, 0, run.standardError)
        XCTAssertTrue(run.standardOutput.hasPrefix("wrote tutorial 5, "), run.standardOutput)
        let file = environment.directory.appendingPathComponent("tutorial-5.ipynb")
        let notebook = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        XCTAssertEqual(notebook["nbformat"] as? Int, 4)
        XCTAssertEqual(notebook["nbformat_minor"] as? Int, 5)
        let metadata = try XCTUnwrap(notebook["metadata"] as? [String: Any])
        XCTAssertEqual(metadata["kernelspec"] as? [String: String], ["name": "bf", "display_name": "bf", "language": "bf"])
        let language = try XCTUnwrap(metadata["language_info"] as? [String: String])
        XCTAssertEqual(language["name"], "bf")
        XCTAssertEqual(language["file_extension"], ".bf")
        XCTAssertEqual(language["codemirror_mode"], "python")
        XCTAssertEqual(language["version"], try bf(["--version"]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))

        let cells = try XCTUnwrap(notebook["cells"] as? [[String: Any]])
        let ids = cells.compactMap { $0["id"] as? String }
        XCTAssertEqual(ids.count, cells.count)
        XCTAssertEqual(Set(ids).count, ids.count, "ids are unique")
        for id in ids { XCTAssertNotNil(id.range(of: "^[a-zA-Z0-9_-]{1,64}$", options: .regularExpression), id) }
        func source(_ cell: [String: Any]) -> String { (cell["source"] as? [String] ?? []).joined() }
        XCTAssertEqual(cells.first?["cell_type"] as? String, "markdown")
        XCTAssertTrue(source(cells[0]).hasPrefix("# Tutorial 5: training a model on two pods"), source(cells[0]))

        // The steps as the script declares them, read here without bf's parser.
        let steps = try scriptSteps(of: "05_training_a_model_on_two_pods.bf")
        XCTAssertEqual(steps.count, 10)
        XCTAssertEqual(cells.count, 1 + 2 * steps.count)
        for (index, step) in steps.enumerated() {
            let explanation = cells[1 + 2 * index], code = cells[2 + 2 * index]
            XCTAssertEqual(explanation["cell_type"] as? String, "markdown")
            XCTAssertTrue(source(explanation).hasPrefix("## Step \(index + 1): \(step.title)\n"), source(explanation))
            XCTAssertEqual(code["cell_type"] as? String, "code")
            XCTAssertTrue(code["execution_count"] is NSNull)
            XCTAssertEqual((code["outputs"] as? [Any])?.count, 0)
            XCTAssertEqual(source(code), step.code)
            for line in (code["source"] as? [String] ?? []).dropLast() { XCTAssertTrue(line.hasSuffix("\n"), line) }
            let tags = (code["metadata"] as? [String: Any])?["tags"] as? [String] ?? []
            XCTAssertEqual(tags, step.failsOnPurpose ? ["raises-exception"] : [], step.title)
        }
        XCTAssertEqual(steps.filter(\.failsOnPurpose).map(\.title),
                       ["Data structures: a pod whose categories disagree", "Run: secure aggregation with a pod that approves no one"])
    }

    func testANotebookIsNotOverwrittenWithoutForce() throws {
        XCTAssertEqual(try bf(["jupyter", "notebook", "1", "-o", "one.ipynb"]).status, 0)
        let refused = try bf(["jupyter", "notebook", "2", "-o", "one.ipynb"])
        XCTAssertEqual(refused.status, 74)
        XCTAssertEqual(refused.standardError, "error: 'one.ipynb' already exists\nhelp: add --force to replace it, or choose another file with -o\n")
        let file = environment.directory.appendingPathComponent("one.ipynb")
        XCTAssertTrue(try String(contentsOf: file, encoding: .utf8).contains("# Tutorial 1:"))
        XCTAssertEqual(try bf(["jupyter", "notebook", "2", "-o", "one.ipynb", "--force"]).status, 0)
        XCTAssertTrue(try String(contentsOf: file, encoding: .utf8).contains("# Tutorial 2:"))

        let unknown = try bf(["jupyter", "notebook", "99"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.standardError.hasPrefix("error: there is no tutorial 99; the tutorials are 1 to "), unknown.standardError)
        let folder = try bf(["jupyter", "notebook", "1", "-o", "."])
        XCTAssertEqual(folder.status, 74)
        XCTAssertTrue(folder.standardError.hasPrefix("error: cannot write '.': is a folder\n"), folder.standardError)
    }

    func testATaskFileTutorialRunsItsTaskInTheLastCell() throws {
        let run = try bf(["jupyter", "notebook", "4"])
        XCTAssertEqual(run.status, 0, run.standardError)
        let data = try Data(contentsOf: environment.directory.appendingPathComponent("tutorial-4.ipynb"))
        let cells = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["cells"] as? [[String: Any]])
        let code = cells.filter { $0["cell_type"] as? String == "code" }
        XCTAssertEqual(code.count, 1)
        let statements = (code.first?["source"] as? [String] ?? []).joined()
        XCTAssertTrue(statements.contains("model.fit("), statements)
        let markdown = cells.compactMap { ($0["source"] as? [String])?.joined() }.joined(separator: "\n")
        XCTAssertTrue(markdown.contains("```yaml\npods:\n  identifiers:\n    - census-income-demo\n```"), markdown)
    }

    // MARK: - Support

    /// The steps of a tutorial script by its comments: `## Step:` headers, `(fails on purpose)`,
    /// and the code after the explanation, with the `#>` of failing steps taken off.
    private func scriptSteps(of name: String) throws -> [(title: String, failsOnPurpose: Bool, code: String)] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/tutorials/\(name)")
        var steps: [(title: String, failsOnPurpose: Bool, code: [String])] = []
        var inExplanation = false
        for line in try String(contentsOf: script, encoding: .utf8).components(separatedBy: "\n") {
            if line.hasPrefix("## Step") {
                let failing = line.hasPrefix("## Step (fails on purpose):")
                let title = line.components(separatedBy: ":").dropFirst().joined(separator: ":").trimmingCharacters(in: .whitespaces)
                steps.append((title, failing, []))
                inExplanation = true
            } else if !steps.isEmpty {
                if inExplanation, line.hasPrefix("#"), !line.hasPrefix("#>") { continue }
                inExplanation = false
                steps[steps.count - 1].code.append(line.hasPrefix("#> ") ? String(line.dropFirst(3)) : line.hasPrefix("#>") ? String(line.dropFirst(2)) : line)
            }
        }
        return steps.map { step in
            var code = step.code
            while code.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeLast() }
            while code.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeFirst() }
            return (step.title, step.failsOnPurpose, code.joined(separator: "\n"))
        }
    }
}

/// A PNG file read without an image library, checking what a decoder checks: the signature,
/// every chunk's CRC-32, the zlib header, the stored deflate blocks and their Adler-32, and
/// that the scanlines fill the image. Only what `bf jupyter install` writes is supported:
/// 8-bit RGBA, no interlace, stored (uncompressed) blocks, filter type 0.
struct PNGFile {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    struct Pixel: Equatable {
        let red, green, blue, alpha: UInt8
    }

    let width: Int
    let height: Int
    private let scanlines: [UInt8]

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Invalid(description: "no PNG signature") }
        func number(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 8
        var header: [UInt8] = []
        var compressed: [UInt8] = []
        var types: [String] = []
        while offset < bytes.count {
            let length = number(offset)
            guard offset + 12 + length <= bytes.count else { throw Invalid(description: "a chunk runs past the end") }
            let typeAndData = Array(bytes[(offset + 4)..<(offset + 8 + length)])
            let type = String(decoding: typeAndData.prefix(4), as: UTF8.self)
            guard UInt32(number(offset + 8 + length)) == Self.crc32(typeAndData) else { throw Invalid(description: "bad CRC in \(type)") }
            types.append(type)
            if type == "IHDR" { header = Array(typeAndData.dropFirst(4)) }
            if type == "IDAT" { compressed += typeAndData.dropFirst(4) }
            offset += 12 + length
        }
        guard types.first == "IHDR", types.last == "IEND", header.count == 13 else { throw Invalid(description: "chunks \(types)") }
        width = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
        height = header[4..<8].reduce(0) { $0 << 8 | Int($1) }
        guard Array(header[8...]) == [8, 6, 0, 0, 0] else { throw Invalid(description: "not 8-bit RGBA: \(header)") }

        guard compressed.count >= 6, compressed[0] & 0x0F == 8, (Int(compressed[0]) << 8 | Int(compressed[1])) % 31 == 0 else {
            throw Invalid(description: "bad zlib header")
        }
        var inflated: [UInt8] = []
        var position = 2
        var final = false
        while !final {
            guard position + 5 <= compressed.count else { throw Invalid(description: "deflate data ends early") }
            final = compressed[position] & 1 == 1
            guard compressed[position] >> 1 & 3 == 0 else { throw Invalid(description: "not a stored block") }
            let length = Int(compressed[position + 1]) | Int(compressed[position + 2]) << 8
            let complement = Int(compressed[position + 3]) | Int(compressed[position + 4]) << 8
            guard length ^ complement == 0xFFFF, position + 5 + length <= compressed.count else { throw Invalid(description: "bad stored block") }
            inflated += compressed[(position + 5)..<(position + 5 + length)]
            position += 5 + length
        }
        guard position + 4 == compressed.count,
              compressed[position...].reduce(0, { $0 << 8 | UInt32($1) }) == Self.adler32(inflated) else {
            throw Invalid(description: "bad Adler-32")
        }
        guard inflated.count == height * (width * 4 + 1) else { throw Invalid(description: "\(inflated.count) bytes of scanlines") }
        for row in 0..<height where inflated[row * (width * 4 + 1)] != 0 {
            throw Invalid(description: "row \(row) uses a filter")
        }
        scanlines = inflated
    }

    func pixel(_ x: Int, _ y: Int) -> Pixel {
        let start = y * (width * 4 + 1) + 1 + x * 4
        return Pixel(red: scanlines[start], green: scanlines[start + 1], blue: scanlines[start + 2], alpha: scanlines[start + 3])
    }

    /// CRC-32 bit by bit, as the PNG specification's sample code does.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}
