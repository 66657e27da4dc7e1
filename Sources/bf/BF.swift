import ArgumentParser
import Foundation
import Interpreter
import Language
import REPL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `bf` command line: argument parsing and wiring only.
@main
struct BF: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "bf",
        abstract: "A notebook-style REPL and task language for federated learning across data pods.",
        discussion: """
        With no arguments bf starts the REPL when standard input is a terminal, and otherwise \
        reads standard input as a script.
        """,
        version: version,
        subcommands: [Run.self, Check.self, TutorialCommand.self, PodCommand.self, RelayCommand.self, UserCommand.self, Demo.self,
                      JupyterCommand.self, KernelCommand.self, PrivacyCommand.self]
    )

    @Option(name: .customShort("c"), help: ArgumentHelp("Run STATEMENTS and exit.", valueName: "statements"))
    var statements: String?

    @OptionGroup var display: DisplayOptions

    /// Runs the command line with a umask of 077: everything bf writes (the home's store,
    /// keys and checkpoints, models, reports, history) is its user's alone, whatever the
    /// umask it was started with. A misspelt command word is caught before ArgumentParser
    /// reads the line, to say which command was meant; `bf jupyter install --user` is given
    /// its own spelling of `--user` (see `JupyterCommand.Install.arguments`).
    static func main() async {
        umask(0o077)
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let misspelt = MisspeltCommand.find(in: arguments, root: BF.self) {
            FileHandle.standardError.write(Data(misspelt.message.utf8))
            Self.exit(withError: ExitCode.validationFailure)
        }
        await main(JupyterCommand.Install.arguments(arguments))
    }

    func run() async throws {
        if let statements {
            throw ExitCode(await ScriptRunner(display: display).run(SourceFile(name: "-c", text: statements)))
        }
        guard isatty(STDIN_FILENO) == 0 else {
            throw ExitCode(await ScriptRunner(display: display).runInteractive())
        }
        let text = try ScriptRunner.readStandardInput()
        throw ExitCode(await ScriptRunner(display: display).run(SourceFile(name: "<stdin>", text: text)))
    }
}

/// Options every command that runs bf code shares.
struct DisplayOptions: ParsableArguments {
    @Option(help: "Colour output: auto, always or never.")
    var color: ColorChoice = .auto

    @OptionGroup var identity: UserOption

    var user: String? { identity.user }
}

/// `--user`: one option type shared by every command, so a subcommand's `--user` is its own.
struct UserOption: ParsableArguments {
    @Option(help: "The local user to act as (default: $BF_USER, else your login name).")
    var user: String?
}

extension ColorChoice: ExpressibleByArgument {}

extension BF {
    /// `bf run FILE.bf`
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a .bf script, or a task file (.yaml or .yml).")

        @ArgumentParser.Argument(help: "The script or task file to run ('-' for standard input).")
        var file: String

        @Option(help: ArgumentHelp("Also write the run as a notebook: HTML, or Markdown for a .md file.", valueName: "file"))
        var report: String?

        @Option(help: ArgumentHelp("Write the per-row predictions of the run's last model.predict() as CSV.", valueName: "file"))
        var predictions: String?

        @OptionGroup var display: DisplayOptions

        func run() async throws {
            let source = try ScriptRunner.load(file)
            let runner = ScriptRunner(display: display)
            guard TaskFile.isTaskFile(file) else {
                throw ExitCode(await runner.run(source, report: report, predictions: predictions))
            }
            guard let script = runner.taskScript(source) else { throw ExitCode(ScriptRunner.Status.syntax) }
            throw ExitCode(await runner.run(script, report: report, predictions: predictions))
        }
    }

    /// `bf check FILE.bf`
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check a .bf script without running it: syntax, names and built-in arguments.")

        @ArgumentParser.Argument(help: "The script to check ('-' for standard input).")
        var file: String

        @OptionGroup var display: DisplayOptions

        func run() async throws {
            let source = try ScriptRunner.load(file)
            let runner = ScriptRunner(display: display)
            guard TaskFile.isTaskFile(file) else { throw ExitCode(runner.check(source)) }
            guard let script = runner.taskScript(source) else { throw ExitCode(ScriptRunner.Status.syntax) }
            throw ExitCode(runner.check(script))
        }
    }
}
