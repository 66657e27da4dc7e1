import ArgumentParser
import Foundation
import Interpreter
import REPL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BF {
    /// `bf tutorial [N]`: the tutorials carried inside bf, listed or walked through step by step.
    struct TutorialCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tutorial",
            abstract: "Walk through a tutorial step by step in the REPL; without N, list the tutorials.",
            discussion: """
            Each step shows a short explanation and its code. On a terminal, Enter on an empty line \
            runs the step shown and goes on to the next; anything else you type runs in the same \
            session between steps (e.g. 'print(schema)'), and meta-commands work as in the REPL: \
            ':skip' goes to the next step without running this one, ':back' shows the step before \
            again, ':quit' leaves bf. After the last step the REPL goes on with the tutorial's \
            variables.

            When standard input is not a terminal, every step runs straight through, with its \
            explanation and code before its output; the exit status is 0 when every step did what \
            it should (steps marked 'fails on purpose' must fail), and 70 at the first that did \
            not (the steps after it do not run).

            The steps are those of the scripts in scripts/tutorials ('bf run' runs them whole), \
            carried inside bf, so 'bf tutorial' works from any directory. Tutorials that use pods \
            create bf's demo federation in $BF_HOME (else ~/.bf) on first use.
            """)

        @ArgumentParser.Argument(help: ArgumentHelp("The tutorial to walk through; without it, the list.", valueName: "N"))
        var number: Int?

        @OptionGroup var display: DisplayOptions

        func run() async throws {
            let tutorials = try TutorialCommand.builtInTutorials()
            guard let number else {
                print(Self.listing(tutorials), terminator: "")
                return
            }
            guard let tutorial = tutorials.first(where: { $0.number == number }) else {
                let numbers = tutorials.map(\.number)
                Console.error("error: there is no tutorial \(number); the tutorials are \(numbers.first ?? 1) to \(numbers.last ?? 1)\n"
                              + "help: 'bf tutorial' lists them\n")
                throw ExitCode(ScriptRunner.Status.usage)
            }
            let runner = ScriptRunner(display: display)
            let walkthrough = Self.walkthrough(of: tutorial)
            guard isatty(STDIN_FILENO) == 0 else {
                throw ExitCode(await runner.runInteractive(walkthrough: walkthrough))
            }
            throw ExitCode(await runner.runStraightThrough(walkthrough))
        }

        /// The tutorials carried inside bf; a catalogue that does not read is bf's own fault,
        /// reported as such.
        static func builtInTutorials() throws -> [Tutorial] {
            do {
                return try TutorialCatalogue.tutorials()
            } catch {
                Console.error("bf: the tutorials inside this bf are broken: \(error)\n")
                throw ExitCode(ScriptRunner.Status.runtime)
            }
        }

        /// The tutorials, one a line, with how to start one.
        static func listing(_ tutorials: [Tutorial]) -> String {
            var text = "bf's tutorials; 'bf tutorial N' walks through one step by step:\n"
            for tutorial in tutorials {
                let steps = tutorial.steps.count
                text += "  \(tutorial.number)  \(tutorial.title) (\(steps) \(steps == 1 ? "step" : "steps"))\n"
            }
            return text
        }

        /// The tutorial as the REPL walks through it.
        static func walkthrough(of tutorial: Tutorial) -> Walkthrough {
            Walkthrough(name: "Tutorial \(tutorial.number)", title: tutorial.title, introduction: tutorial.introduction,
                        steps: tutorial.steps.map { step in
                            WalkthroughStep(title: step.title, explanation: step.explanation, code: step.code, cell: step.cell,
                                            failsOnPurpose: step.failsOnPurpose)
                        })
        }
    }
}
