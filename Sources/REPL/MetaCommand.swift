import Diagnostics

/// The names of the REPL's meta-commands, in the order `:help` lists them.
enum MetaCommandName: String, CaseIterable {
    case help, load, save, report, history, reset, whoami, skip, back, quit

    /// What the command's argument is.
    enum Argument {
        case none
        case optional(String)
        case file
    }

    /// The argument the command takes.
    var argument: Argument {
        switch self {
        case .help: .optional("topic")
        case .history: .optional("N")
        case .load, .save, .report: .file
        case .reset, .whoami, .skip, .back, .quit: .none
        }
    }

    /// How to type the command, e.g. `:load FILE`.
    var usage: String {
        switch argument {
        case .none: ":\(rawValue)"
        case let .optional(name): ":\(rawValue) [\(name)]"
        case .file: ":\(rawValue) FILE"
        }
    }

    /// One line on what the command does.
    var summary: String {
        switch self {
        case .help: "help on a built-in, a statement or a meta-command; this overview without a topic"
        case .load: "run the text of a .bf file as one cell"
        case .save: "write the accepted cells, in order, as a runnable .bf script"
        case .report: "write the session (cells, outputs, tables, charts) as an HTML notebook"
        case .history: "show the last N entries of the history (default \(MetaCommand.defaultHistoryCount))"
        case .reset: "forget every variable and chosen pod; cell numbers go on"
        case .whoami: "show who you act as, and your roles"
        case .skip: "in a tutorial walkthrough (bf tutorial N): go to the next step without running this one"
        case .back: "in a tutorial walkthrough: show the step before again (Enter runs it)"
        case .quit: "leave bf (Ctrl-D on an empty line does the same)"
        }
    }
}

/// A line that starts with ':' and acts on the session instead of being evaluated.
enum MetaCommand: Equatable {
    case help(topic: String?)
    case load(path: String)
    case save(path: String)
    case report(path: String)
    case history(count: Int?)
    case reset
    case whoami
    case skip
    case back
    case quit

    /// Entries `:history` shows when no count is given.
    static let defaultHistoryCount = 20

    /// Parses `line` (which starts with ':'); the command name may be any unambiguous prefix.
    static func parse(_ line: String) -> Result<MetaCommand, MetaCommandError> {
        let body = line.drop { $0.isWhitespace }.dropFirst()
        let word = String(body.prefix { !$0.isWhitespace })
        let argument = body.dropFirst(word.count).trimmingBlanks()
        let name: MetaCommandName
        switch resolve(word) {
        case let .success(resolved): name = resolved
        case let .failure(error): return .failure(error)
        }
        switch name.argument {
        case .none:
            guard argument.isEmpty else { return .failure(.unexpectedArgument(name, argument)) }
        case .file:
            guard !argument.isEmpty else { return .failure(.missingArgument(name)) }
        case .optional:
            break
        }
        let path = unquoted(argument)
        switch name {
        case .help: return .success(.help(topic: argument.isEmpty ? nil : argument))
        case .load: return .success(.load(path: path))
        case .save: return .success(.save(path: path))
        case .report: return .success(.report(path: path))
        case .history:
            guard !argument.isEmpty else { return .success(.history(count: nil)) }
            guard let count = Int(argument), count > 0 else { return .failure(.invalidCount(argument)) }
            return .success(.history(count: count))
        case .reset: return .success(.reset)
        case .whoami: return .success(.whoami)
        case .skip: return .success(.skip)
        case .back: return .success(.back)
        case .quit: return .success(.quit)
        }
    }

    /// The command `word` names: itself, or the only command it is a prefix of.
    static func resolve(_ word: String) -> Result<MetaCommandName, MetaCommandError> {
        guard !word.isEmpty else { return .failure(.missingName) }
        if let exact = MetaCommandName(rawValue: word) {
            return .success(exact)
        }
        let matches = MetaCommandName.allCases.filter { $0.rawValue.hasPrefix(word) }
        switch matches.count {
        case 1:
            return .success(matches[0])
        case 0:
            let nearest = Suggestion.closest(to: word, among: MetaCommandName.allCases.map(\.rawValue))
            return .failure(.unknown(word, suggestion: nearest.flatMap(MetaCommandName.init(rawValue:))))
        default:
            return .failure(.ambiguous(word, candidates: matches))
        }
    }

    // A file name may be quoted to keep leading or trailing blanks; the quotes are not part of it.
    private static func unquoted(_ argument: String) -> String {
        for quote in ["\"", "'"] where argument.count >= 2 && argument.hasPrefix(quote) && argument.hasSuffix(quote) {
            return String(argument.dropFirst().dropLast())
        }
        return argument
    }
}

/// Why a meta-command line could not be understood.
enum MetaCommandError: ProblemError, Equatable {
    case missingName
    case unknown(String, suggestion: MetaCommandName?)
    case ambiguous(String, candidates: [MetaCommandName])
    case missingArgument(MetaCommandName)
    case unexpectedArgument(MetaCommandName, String)
    case invalidCount(String)

    var problems: [Problem] {
        switch self {
        case .missingName:
            [Problem("missing command name after ':'", help: "type ':help' to list the commands")]
        case let .unknown(word, suggestion):
            [Problem("unknown command ':\(word)'",
                     help: suggestion.map { "did you mean ':\($0.rawValue)'?" } ?? "type ':help' to list the commands")]
        case let .ambiguous(word, candidates):
            [Problem("':\(word)' is ambiguous: it could be " + Self.alternatives(candidates.map { "':\($0.rawValue)'" }),
                     help: "type more letters of the command")]
        case let .missingArgument(name):
            [Problem("':\(name.rawValue)' needs a file", help: "usage: \(name.usage)")]
        case let .unexpectedArgument(name, argument):
            [Problem("':\(name.rawValue)' takes no argument, got '\(argument)'", help: "usage: \(name.usage)")]
        case let .invalidCount(argument):
            [Problem("':history' expects a positive number of entries, got '\(argument)'",
                     help: "usage: \(MetaCommandName.history.usage)")]
        }
    }

    private static func alternatives(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " or " + last
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    func trimmingBlanks() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
