import BFTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One case of the bad-input catalogue: the input files it writes, the command it runs (or the
/// lines it types into the REPL), and what bf must print and return. The format is described
/// in `BadInputs/README.md`.
struct BadInputCase: Sendable {
    /// A file the case writes into its scratch folder before running.
    struct InputFile: Sendable {
        enum Kind: Sendable {
            case regular(Data)
            case folder
            case namedPipe
            case symbolicLink(to: String)
        }

        let name: String
        let kind: Kind
    }

    let relativePath: String
    /// The first comment line: what is wrong with the input.
    private(set) var summary = ""
    /// Commands that prepare the home and must succeed, in order (`setup:`).
    private(set) var setup: [[String]] = []
    /// The command under test, without the leading `bf` (`command:`).
    private(set) var command: [String]?
    private(set) var environment: [String: String] = [:]
    private(set) var standardInput: String?
    /// Lines typed into the REPL on a pseudo-terminal (`repl:`), each followed by Enter.
    private(set) var typedLines: [String] = []
    private(set) var expectedExit: Int32?
    private(set) var expectedStandardError: [String] = []
    private(set) var expectedStandardOutput: [String] = []
    /// Lines the REPL's screen must show, in order (`screen:`).
    private(set) var expectedScreen: [String] = []
    /// Files the user would have to fix after the error (a broken `federation.yaml` in the
    /// home stops every pod command until it is mended), removed before the normal task.
    private(set) var repairedFiles: [String] = []
    /// `stdout: (empty)`: nothing at all may be printed on standard output.
    private(set) var expectsNoOutput = false
    private(set) var files: [InputFile] = []
    /// Mistakes in the case itself; a case with any fails without running.
    private(set) var formatProblems: [String] = []

    var isREPL: Bool { !typedLines.isEmpty }

    /// The command as a user would type it, for reports.
    var commandLine: String {
        if isREPL { return "bf (on a terminal), typing " + typedLines.map { "'\($0)'" }.joined(separator: ", ") }
        return (["bf"] + (command ?? [])).map(BadInputCase.shellQuoted).joined(separator: " ")
            + (standardInput.map { " < (\($0.utf8.count) bytes)" } ?? "")
    }

    static let keys = ["command", "setup", "env", "stdin", "repl", "exit", "stderr", "stdout", "screen", "repaired"]

    init(relativePath: String, text: String) {
        self.relativePath = relativePath
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var index = 0
        var stdinLines: [String] = []
        while index < lines.count, !lines[index].hasPrefix("--- ") {
            let line = lines[index]
            index += 1
            if line.hasPrefix("#") {
                if summary.isEmpty { summary = line.dropFirst().trimmingCharacters(in: .whitespaces) }
                continue
            }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let colon = line.firstIndex(of: ":"), BadInputCase.keys.contains(String(line[..<colon])) else {
                formatProblems.append("line \(index): '\(line)' is neither a comment, a 'key: value' line (\(BadInputCase.keys.joined(separator: ", "))) nor a '--- FILE' section")
                continue
            }
            let key = String(line[..<colon])
            var value = String(line[line.index(after: colon)...])
            if value.hasPrefix(" ") { value.removeFirst() }
            add(key: key, value: value, lineNumber: index, stdinLines: &stdinLines)
        }
        if !stdinLines.isEmpty { standardInput = stdinLines.map { $0 + "\n" }.joined() }
        while index < lines.count {
            let header = lines[index]
            index += 1
            var body: [String] = []
            while index < lines.count, !lines[index].hasPrefix("--- ") {
                body.append(lines[index])
                index += 1
            }
            addFile(header: header, body: body, lineNumber: index - body.count)
        }
        if summary.isEmpty { formatProblems.append("the case needs a first comment line saying what is wrong with the input") }
        if command == nil, typedLines.isEmpty { formatProblems.append("the case needs 'command:' or 'repl:' lines") }
        if command != nil, !typedLines.isEmpty { formatProblems.append("'command:' and 'repl:' cannot be used together") }
        if expectedExit == nil { formatProblems.append("the case needs 'exit:'") }
        if isREPL, !expectedStandardError.isEmpty || !expectedStandardOutput.isEmpty {
            formatProblems.append("a REPL case checks the terminal with 'screen:', not 'stderr:' or 'stdout:'")
        }
        // A usage error (64) is the argument parser's, whose help is its "See 'bf … --help'" line.
        if let status = expectedExit, status != 0,
           !expectedStandardError.contains(where: { $0.hasPrefix("help: ") || (status == 64 && $0.hasPrefix("See 'bf")) }) {
            formatProblems.append("a case that fails must expect the 'help:' line bf prints on standard error")
        }
        if isREPL, !expectedScreen.contains(where: { $0.hasPrefix("help: ") }) {
            formatProblems.append("a REPL case must expect the 'help:' line of the error it shows")
        }
    }

    private mutating func add(key: String, value: String, lineNumber: Int, stdinLines: inout [String]) {
        switch key {
        case "command":
            if command != nil { formatProblems.append("line \(lineNumber): 'command:' is given twice") }
            command = bfArguments(value, lineNumber: lineNumber)
        case "setup":
            if let arguments = bfArguments(value, lineNumber: lineNumber) { setup.append(arguments) }
        case "env":
            guard let equals = value.firstIndex(of: "=") else {
                formatProblems.append("line \(lineNumber): 'env:' must read 'env: NAME=VALUE'")
                return
            }
            environment[String(value[..<equals])] = String(value[value.index(after: equals)...])
        case "stdin":
            stdinLines.append(value)
        case "repaired":
            repairedFiles.append(value.trimmingCharacters(in: .whitespaces))
        case "repl":
            typedLines.append(value)
        case "exit":
            guard let status = Int32(value.trimmingCharacters(in: .whitespaces)) else {
                formatProblems.append("line \(lineNumber): 'exit:' needs a number, not '\(value)'")
                return
            }
            if expectedExit != nil { formatProblems.append("line \(lineNumber): 'exit:' is given twice") }
            expectedExit = status
        case "stderr":
            expectedStandardError.append(value.trimmingCharacters(in: .whitespaces))
        case "stdout":
            if value == "(empty)" { expectsNoOutput = true } else { expectedStandardOutput.append(value.trimmingCharacters(in: .whitespaces)) }
        default:
            expectedScreen.append(value.trimmingCharacters(in: .whitespaces))
        }
    }

    /// The arguments after `bf` of a command line split as a shell splits it (quotes, no
    /// expansion).
    private mutating func bfArguments(_ text: String, lineNumber: Int) -> [String]? {
        guard let words = BadInputCase.split(text) else {
            formatProblems.append("line \(lineNumber): a quote is left open in '\(text)'")
            return nil
        }
        guard words.first == "bf" else {
            formatProblems.append("line \(lineNumber): the command must start with 'bf', not '\(text)'")
            return nil
        }
        return Array(words.dropFirst())
    }

    private mutating func addFile(header: String, body: [String], lineNumber: Int) {
        var spec = header.dropFirst(4).trimmingCharacters(in: .whitespaces)
        var options: [String] = []
        if spec.hasSuffix("]"), let open = spec.lastIndex(of: "[") {
            options = spec[spec.index(after: open)..<spec.index(before: spec.endIndex)]
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            spec = spec[..<open].trimmingCharacters(in: .whitespaces)
        }
        guard !spec.isEmpty, !spec.hasPrefix("/"), !spec.split(separator: "/").contains("..") else {
            formatProblems.append("line \(lineNumber - 1): '\(header)' must name a file inside the case's folder")
            return
        }
        var lines = body
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        var escaped = false
        var finalNewline = true
        for option in options {
            switch option {
            case "escaped": escaped = true
            case "no final newline": finalNewline = false
            case "folder":
                files.append(InputFile(name: spec, kind: .folder))
                return
            case "fifo":
                files.append(InputFile(name: spec, kind: .namedPipe))
                return
            case let link where link.hasPrefix("symlink to "):
                files.append(InputFile(name: spec, kind: .symbolicLink(to: String(link.dropFirst("symlink to ".count)))))
                return
            default:
                formatProblems.append("line \(lineNumber - 1): unknown file option '\(option)' (escaped, no final newline, folder, fifo, symlink to PATH)")
            }
        }
        var data = Data()
        for (offset, line) in lines.enumerated() {
            let number = lineNumber + offset
            let newline = finalNewline || offset < lines.count - 1
            guard escaped else {
                data.append(contentsOf: Array(line.utf8))
                if newline { data.append(0x0A) }
                continue
            }
            if line.hasPrefix("@repeat ") {
                guard let expanded = repeated(line, lineNumber: number) else { continue }
                data.append(expanded)
                if !newline, data.last == 0x0A { data.removeLast() }
                continue
            }
            guard let bytes = unescaped(line, lineNumber: number) else { continue }
            data.append(bytes)
            if newline { data.append(0x0A) }
        }
        files.append(InputFile(name: spec, kind: .regular(data)))
    }

    /// `@repeat N: TEMPLATE`: N lines, `{i}` the line's number from 1 and `{i%K}` that number modulo K.
    private mutating func repeated(_ line: String, lineNumber: Int) -> Data? {
        let rest = line.dropFirst("@repeat ".count)
        guard let colon = rest.firstIndex(of: ":"), let count = Int(rest[..<colon].trimmingCharacters(in: .whitespaces)), count >= 0 else {
            formatProblems.append("line \(lineNumber): '@repeat' must read '@repeat N: TEMPLATE'")
            return nil
        }
        var template = String(rest[rest.index(after: colon)...])
        if template.hasPrefix(" ") { template.removeFirst() }
        guard let bytes = unescaped(template, lineNumber: lineNumber) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // Split the template once into literal parts and placeholders, then fill it N times.
        enum Piece { case literal(String), index, modulo(Int) }
        var pieces: [Piece] = []
        var remaining = Substring(text)
        while let open = remaining.range(of: "{i") {
            guard let close = remaining[open.upperBound...].firstIndex(of: "}") else { break }
            let inner = remaining[open.upperBound..<close]
            if inner.isEmpty {
                pieces.append(.literal(String(remaining[..<open.lowerBound])))
                pieces.append(.index)
            } else if inner.hasPrefix("%"), let modulus = Int(inner.dropFirst()), modulus > 0 {
                pieces.append(.literal(String(remaining[..<open.lowerBound])))
                pieces.append(.modulo(modulus))
            } else {
                pieces.append(.literal(String(remaining[..<remaining.index(after: close)])))
            }
            remaining = remaining[remaining.index(after: close)...]
        }
        pieces.append(.literal(String(remaining)))
        var result = ""
        guard count > 0 else { return Data() }
        result.reserveCapacity(count * (text.utf8.count + 8))
        for number in 1...count {
            for piece in pieces {
                switch piece {
                case let .literal(literal): result += literal
                case .index: result += String(number)
                case let .modulo(modulus): result += String(number % modulus)
                }
            }
            result += "\n"
        }
        return Data(result.utf8)
    }

    /// The bytes of an escaped line: `\xHH`, `\r`, `\t`, `\n`, `\\`, and `\{N*TEXT}` for TEXT N times.
    private mutating func unescaped(_ line: String, lineNumber: Int) -> Data? {
        var data = Data()
        var bytes = Array(line.utf8)[...]
        while let byte = bytes.first {
            bytes = bytes.dropFirst()
            guard byte == UInt8(ascii: "\\") else {
                data.append(byte)
                continue
            }
            guard let kind = bytes.first else {
                formatProblems.append("line \(lineNumber): a '\\' ends the line; write '\\\\' for a backslash")
                return nil
            }
            bytes = bytes.dropFirst()
            switch kind {
            case UInt8(ascii: "r"): data.append(0x0D)
            case UInt8(ascii: "n"): data.append(0x0A)
            case UInt8(ascii: "t"): data.append(0x09)
            case UInt8(ascii: "\\"): data.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "x"):
                guard bytes.count >= 2, let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) else {
                    formatProblems.append("line \(lineNumber): '\\x' needs two hexadecimal digits")
                    return nil
                }
                data.append(value)
                bytes = bytes.dropFirst(2)
            case UInt8(ascii: "{"):
                guard let close = bytes.firstIndex(of: UInt8(ascii: "}")),
                      let star = bytes[..<close].firstIndex(of: UInt8(ascii: "*")),
                      let count = Int(String(decoding: bytes[..<star], as: UTF8.self)), count >= 0 else {
                    formatProblems.append("line \(lineNumber): '\\{' must read '\\{N*TEXT}'")
                    return nil
                }
                let text = bytes[bytes.index(after: star)..<close]
                for _ in 0..<count { data.append(contentsOf: text) }
                bytes = bytes[bytes.index(after: close)...]
            default:
                formatProblems.append("line \(lineNumber): unknown escape '\\\(Character(UnicodeScalar(kind)))' (\\xHH, \\r, \\n, \\t, \\\\, \\{N*TEXT})")
                return nil
            }
        }
        return data
    }

    /// Splits a command line as a shell does: blanks separate words, single and double quotes
    /// group them; nil when a quote is left open.
    static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil else { return nil }
        if inWord { words.append(current) }
        return words
    }

    static func shellQuoted(_ word: String) -> String {
        guard word.isEmpty || word.contains(where: { " '\"\\$`".contains($0) }) else { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Writes the case's files into `folder`.
    func writeFiles(into folder: URL) throws {
        let manager = FileManager.default
        for file in files {
            let url = folder.appendingPathComponent(file.name)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            switch file.kind {
            case let .regular(data):
                try data.write(to: url)
            case .folder:
                try manager.createDirectory(at: url, withIntermediateDirectories: true)
            case .namedPipe:
                guard mkfifo(url.path, 0o600) == 0 else {
                    throw BFBinaryError(description: "cannot make the named pipe \(url.path): \(String(cString: strerror(errno)))")
                }
            case let .symbolicLink(target):
                try manager.createSymbolicLink(atPath: url.path, withDestinationPath: target)
            }
        }
    }
}
