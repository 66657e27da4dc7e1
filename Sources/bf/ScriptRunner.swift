import ArgumentParser
import Files
import Foundation
import Interpreter
import Language
import REPL
import Transport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs scripts and checks for the command line, and maps outcomes to exit codes:
/// 0 ok, 64 usage, 65 syntax or check error, 70 runtime error, 74 I/O error.
struct ScriptRunner {
    enum Status {
        static let ok: Int32 = 0
        static let usage: Int32 = 64
        static let syntax: Int32 = 65
        static let runtime: Int32 = 70
        static let io: Int32 = 74
        static let interrupted: Int32 = 130
    }

    let useColor: Bool
    let colorPolicy: ColorPolicy
    let user: String?

    init(display: DisplayOptions) {
        user = display.user
        colorPolicy = ColorPolicy(choice: display.color)
        useColor = colorPolicy.usesColor(fileDescriptor: STDERR_FILENO, environment: ProcessInfo.processInfo.environment)
    }

    func makeSession() -> Session {
        var options = Session.Options(useColor: useColor, userName: user)
        options.version = BF.version
        options.showsProgress = isatty(STDOUT_FILENO) != 0
        options.dialer = GRPCPodDialer()
        if let columns = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") { options.width = columns }
        return Session(output: StandardStreams(), options: options)
    }

    /// Runs `source`; writes the notebook to `report` and the last per-row predictions to
    /// `predictions` when given.
    func run(_ source: SourceFile, report: String? = nil, predictions: String? = nil) async -> Int32 {
        let session = makeSession()
        let outcome = await session.runScript(source)
        if let predictions, case .success = outcome {
            guard let csv = session.latestPredictionsCSV else {
                Console.error("bf: no predictions to write to '\(predictions)': the script made no model.predict() that returned per-row scores\n"
                              + "help: call model.predict() (not counts_only=True) on pods that allow row predictions\n")
                return Status.runtime
            }
            do throws(FileError) {
                try AtomicFile.write(csv, to: predictions)
            } catch {
                Console.error("bf: cannot write the predictions '\(predictions)': \(error.reason)\n"
                              + "help: choose a path in a folder you can write to\n")
                return Status.io
            }
        }
        if let report {
            let title = source.name.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "bf script"
            let page = NotebookReport.page(for: report, session.notebook, title: title, version: BF.version,
                                           facts: session.reportFacts)
            do throws(FileError) {
                try AtomicFile.write(page, to: report)
            } catch {
                Console.error("bf: cannot write the report '\(report)': \(error.reason)\n"
                              + "help: choose a path in a folder you can write to\n")
                return Status.io
            }
        }
        switch outcome {
        case .success: return Status.ok
        case .syntaxError: return Status.syntax
        case .runtimeError: return Status.runtime
        case .inputOutputError: return Status.io
        case .interrupted: return Status.interrupted
        }
    }

    /// A task file (`.yaml`/`.yml`) read into the bf statements it stands for, or nil after
    /// printing all its problems (the caller exits 65, as for a script's syntax errors).
    func taskScript(_ source: SourceFile) -> SourceFile? {
        do {
            return try TaskFile.parse(source).script(name: (source.name ?? "task") + " (as bf)")
        } catch {
            Console.error(error.rendered(useColor: useColor) + "\n")
            return nil
        }
    }

    func check(_ source: SourceFile) -> Int32 {
        let session = makeSession()
        let diagnostics = session.check(source)
        guard diagnostics.isEmpty else {
            let renderer = DiagnosticRenderer(useColor: useColor)
            Console.error(renderer.render(diagnostics, in: source) + "\n")
            return Status.syntax
        }
        return Status.ok
    }

    /// The REPL on this terminal, until Ctrl-D or `:quit`; with `walkthrough`, guiding the user
    /// through its steps first.
    func runInteractive(walkthrough: Walkthrough? = nil) async -> Int32 {
        let session = makeSession()
        do {
            let repl = try REPL.onTerminal(engine: session, version: BF.version, color: colorPolicy,
                                           walkthrough: walkthrough)
            return await repl.run()
        } catch {
            Console.error("bf: cannot start the line editor: \(error)\n")
            return Status.io
        }
    }

    /// Runs every step of `walkthrough` in one session, without a terminal: 0 when each step did
    /// what it should, 70 at the first that did not, 130 when interrupted.
    func runStraightThrough(_ walkthrough: Walkthrough) async -> Int32 {
        let session = makeSession()
        let style = TerminalStyle(isEnabled: colorPolicy.usesColor(fileDescriptor: STDOUT_FILENO,
                                                                   environment: ProcessInfo.processInfo.environment))
        switch await walkthrough.runStraightThrough(engine: session, output: StandardOutput(), style: style) {
        case .completed: return Status.ok
        case .failed: return Status.runtime
        case .interrupted: return Status.interrupted
        }
    }

    /// Reads a script file, or standard input for "-"; an unreadable file, a folder or a named
    /// pipe (which would block until something writes to it) is exit 74.
    static func load(_ path: String) throws -> SourceFile {
        if path == "-" { return SourceFile(name: "<stdin>", text: try readStandardInput()) }
        let bytes: Data
        do throws(FileError) {
            bytes = try RegularFile.read(path)
        } catch {
            Console.error("bf: \(error.description)\n")
            switch FileKind(path: path) {
            case .namedPipe?:
                Console.error("help: to run a script from a pipe, give it on standard input: bf run - < \(path)\n")
            case .folder?:
                Console.error("help: give the path of a script (.bf) or a task file (.yaml) in it\n")
            case .missing?, nil:
                Console.error("help: check the path; a relative path starts from the current folder\n")
            default:
                Console.error("help: give a regular file: a script (.bf) or a task file (.yaml)\n")
            }
            throw ExitCode(Status.io)
        }
        return SourceFile(name: path, text: try text(of: bytes, name: path))
    }

    static func readStandardInput() throws -> String {
        guard let bytes = Console.readAll(from: STDIN_FILENO) else {
            Console.error("bf: cannot read standard input: \(String(cString: strerror(errno)))\n")
            throw ExitCode(Status.io)
        }
        return try text(of: bytes, name: "<stdin>")
    }

    /// The UTF-8 text of a script; bytes that are not UTF-8 are a syntax error at their place
    /// (exit 65), as `:load` refuses them, rather than read as replacement characters.
    static func text<Bytes: Collection<UInt8>>(of bytes: Bytes, name: String) throws -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        let (line, column, byte) = TextEncoding.firstInvalidUTF8(in: bytes) ?? (1, 1, 0)
        Console.error("\(name):\(line):\(column): error: \(name == "<stdin>" ? "the input" : "the file") is not UTF-8 text: "
                      + "byte 0x\(String(byte, radix: 16, uppercase: true)) here is not part of a UTF-8 character\n"
                      + "help: save the file as UTF-8 (most editors offer it under 'Save with Encoding')\n")
        throw ExitCode(Status.syntax)
    }

}

