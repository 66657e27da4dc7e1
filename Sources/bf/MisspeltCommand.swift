import ArgumentParser
import Diagnostics
import Foundation

/// A command word that is not one of bf's but is close to one (`bf tutorail 5`), found before
/// ArgumentParser reads the line, so the user hears "did you mean 'bf tutorial'" instead of
/// "2 unexpected arguments".
struct MisspeltCommand: Error {
    /// The words as typed, up to and including the misspelt one.
    let typed: [String]
    /// The command meant.
    let suggestion: String
    /// The commands of that level.
    let commands: [String]

    /// The options of bf's commands that take a value, so their values are not read as words.
    private static let optionsWithValues: Set<String> = ["-c", "--color", "--user"]

    /// The misspelt command word in `arguments` (without the program name), if there is one.
    static func find(in arguments: [String], root: any ParsableCommand.Type) -> MisspeltCommand? {
        var command = root
        var path = [root.configuration.commandName ?? "bf"]
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if optionsWithValues.contains(word) {
                index += 2
                continue
            }
            if word.hasPrefix("-") {
                index += 1
                continue
            }
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty else { return nil }
            let names = subcommands.map { $0.configuration.commandName ?? $0._commandName }
            if let next = subcommands.first(where: { ($0.configuration.commandName ?? $0._commandName) == word }) {
                command = next
                path.append(word)
                index += 1
                continue
            }
            guard let close = Suggestion.closest(to: word, among: names) else { return nil }
            return MisspeltCommand(typed: path + [word], suggestion: (path + [close]).joined(separator: " "), commands: names)
        }
        return nil
    }

    /// The message, as bf's other errors read.
    var message: String {
        "error: unknown command '\(typed.joined(separator: " "))'\n"
            + "help: did you mean '\(suggestion)'? the commands here are \(commands.map { "'\($0)'" }.joined(separator: ", "))\n"
    }
}
