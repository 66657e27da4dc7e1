import ArgumentParser
import Files
import Foundation
import Interpreter

extension BF {
    /// `bf jupyter …`: bf in Jupyter: install its kernelspec, write a tutorial as a notebook.
    struct JupyterCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jupyter", abstract: "Use bf in Jupyter: install the bf kernel, write a tutorial as a notebook.",
            subcommands: [Install.self, Notebook.self])

        /// `bf jupyter install [--user | --prefix P]`
        struct Install: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "install",
                abstract: "Install the bf kernel for Jupyter (JupyterLab, Notebook, VS Code).",
                discussion: """
                Writes the kernelspec folder 'kernels/bf' (kernel.json, which starts this bf as \
                'bf kernel -f {connection_file}', and the logos) where 'jupyter kernelspec install' \
                would: with --user in your Jupyter data folder ($JUPYTER_DATA_DIR, else \
                $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter); with --prefix P in \
                P/share/jupyter (e.g. a virtual environment's folder); otherwise in \
                /usr/local/share/jupyter, for every user. Installing again replaces the files.
                """)

            @Flag(help: "Install for yourself only, in your Jupyter data folder.")
            var user = false

            /// What `--user` becomes on this command's line before ArgumentParser reads it.
            @Flag(name: .customLong("jupyter-user"), help: .hidden)
            var jupyterUser = false

            private var forUser: Bool { user || jupyterUser }

            /// The command line with `--user` after `bf jupyter install` spelt `--jupyter-user`.
            /// bf's own `--user NAME` (the local user to act as) belongs to the root command,
            /// and ArgumentParser lets the root read its options anywhere on the line, so it
            /// would take `jupyter install --user` for a `--user` without its NAME.
            static func arguments(_ arguments: [String]) -> [String] {
                var words: [Int] = []
                var index = 0
                while index < arguments.count, words.count < 2 {
                    let argument = arguments[index]
                    if argument == "--" { return arguments }
                    if ["-c", "--color", "--user"].contains(argument) {
                        index += 2
                        continue
                    }
                    if !argument.hasPrefix("-") { words.append(index) }
                    index += 1
                }
                guard words.count == 2, arguments[words[0]] == "jupyter", arguments[words[1]] == "install" else { return arguments }
                return arguments.enumerated().map { position, argument in
                    position > words[1] && argument == "--user" ? "--jupyter-user" : argument
                }
            }

            @Option(help: ArgumentHelp("Install under this prefix, in PREFIX/share/jupyter.", valueName: "prefix"))
            var prefix: String?

            func validate() throws {
                if forUser, prefix != nil {
                    throw ValidationError("choose one of --user and --prefix")
                }
                if let prefix, prefix.isEmpty { throw ValidationError("--prefix needs a folder") }
            }

            func run() async throws {
                let location: KernelSpec.Location = forUser ? .user : prefix.map { .prefix(absolute($0)) } ?? .system
                let environment = ProcessInfo.processInfo.environment
                let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
                let dataFolder = KernelSpec.dataFolder(for: location, environment: environment, home: home)
                guard let executable = KernelSpec.runningExecutable() else {
                    Console.error("error: cannot tell where this bf is, for kernel.json\nhelp: run bf by its full path\n")
                    throw ExitCode(ScriptRunner.Status.runtime)
                }
                let folder: String
                do {
                    folder = try KernelSpec.install(in: dataFolder, executable: executable, version: BF.version)
                } catch let error as FileError {
                    let help = location == .system
                        ? "install for yourself with 'bf jupyter install --user', or under a folder you can write to with --prefix"
                        : "choose a folder you can write to"
                    Console.error("error: cannot install the bf kernel: \(error.description)\nhelp: \(help)\n")
                    throw ExitCode(ScriptRunner.Status.io)
                }
                print("""
                    installed the bf kernel in \(folder)
                    it starts \(executable) kernel -f {connection_file}
                    open JupyterLab with 'jupyter lab' and choose the kernel 'bf'; \
                    'bf jupyter notebook 5' writes tutorial 5 as a notebook to open there
                    """)
                if case .prefix = location {
                    print("Jupyter finds it when it runs from that prefix, or with JUPYTER_PATH=\(dataFolder)")
                }
            }

            private func absolute(_ path: String) -> String {
                URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
                    .standardizedFileURL.path
            }
        }

        /// `bf jupyter notebook N [-o FILE] [--force]`
        struct Notebook: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "notebook",
                abstract: "Write tutorial N as a Jupyter notebook (.ipynb) for the bf kernel.",
                discussion: """
                The notebook has a markdown cell with the tutorial's introduction, then for each \
                step a markdown cell with its explanation and a code cell with its code; steps \
                that fail on purpose are tagged 'raises-exception', so running all cells goes on \
                past their errors. In a task-file tutorial the steps show the file's YAML and the \
                last step's cell runs the whole task. Install the kernel first with \
                'bf jupyter install --user'.
                """)

            @ArgumentParser.Argument(help: ArgumentHelp("The tutorial ('bf tutorial' lists them).", valueName: "N"))
            var number: Int

            @Option(name: [.customShort("o"), .customLong("output")],
                    help: ArgumentHelp("The notebook file (default: tutorial-N.ipynb).", valueName: "file"))
            var output: String?

            @Flag(help: "Replace the file if it exists.")
            var force = false

            func run() async throws {
                let tutorials = try TutorialCommand.builtInTutorials()
                guard let tutorial = tutorials.first(where: { $0.number == number }) else {
                    let numbers = tutorials.map(\.number)
                    Console.error("error: there is no tutorial \(number); the tutorials are \(numbers.first ?? 1) to \(numbers.last ?? 1)\n"
                                  + "help: 'bf tutorial' lists them\n")
                    throw ExitCode(ScriptRunner.Status.usage)
                }
                let path = output ?? TutorialNotebook.defaultFileName(for: tutorial)
                if FileKind(path: path) == .folder {
                    Console.error("error: cannot write '\(path)': is a folder\nhelp: name the notebook file with -o, e.g. -o \(path)/\(TutorialNotebook.defaultFileName(for: tutorial))\n")
                    throw ExitCode(ScriptRunner.Status.io)
                }
                if !force, let kind = FileKind(path: path), kind != .missing {
                    Console.error("error: '\(path)' already exists\nhelp: add --force to replace it, or choose another file with -o\n")
                    throw ExitCode(ScriptRunner.Status.io)
                }
                do {
                    try AtomicFile.write(try TutorialNotebook.json(for: tutorial, version: BF.version), to: path)
                } catch let error as FileError {
                    Console.error("error: \(error.description)\nhelp: choose a path in a folder you can write to with -o\n")
                    throw ExitCode(ScriptRunner.Status.io)
                }
                print("wrote tutorial \(tutorial.number), \(tutorial.title), to \(path)\n"
                      + "open it in JupyterLab ('jupyter lab \(path)') with the bf kernel ('bf jupyter install --user' installs it)")
            }
        }
    }
}
