import Language

/// What Tab offers: candidates that replace the text from `start` (a UTF-8 offset into the
/// line) to the cursor.
public struct CompletionResult: Sendable, Equatable {
    public let start: Int
    public let candidates: [String]

    public init(start: Int, candidates: [String]) {
        self.start = start
        self.candidates = candidates
    }
}

extension Session {
    /// Completions at `cursor` (a UTF-8 offset) in `line`: inside a string, the strings the
    /// session offers (pod identifiers); after `name.`, the object's methods and attributes;
    /// inside a built-in's parentheses, its keyword arguments as well as names; at the start
    /// of a statement, statement words too.
    public func completions(line: String, cursor: Int) -> CompletionResult {
        let bytes = Array(line.utf8.prefix(cursor))
        if let quoteStart = openStringStart(bytes) {
            let typed = String(decoding: bytes[(quoteStart + 1)...], as: UTF8.self)
            let candidates = Set(options.stringCompletions() + podNamesForCompletion()).filter { $0.hasPrefix(typed) }.sorted()
            return CompletionResult(start: quoteStart + 1, candidates: candidates)
        }
        var wordStart = bytes.count
        while wordStart > 0, isWordByte(bytes[wordStart - 1]) { wordStart -= 1 }
        let word = String(decoding: bytes[wordStart...], as: UTF8.self)
        let before = bytes[..<wordStart]

        if before.last == UInt8(ascii: ".") {
            var receiverStart = wordStart - 1
            while receiverStart > 0, isWordByte(bytes[receiverStart - 1]) { receiverStart -= 1 }
            let receiver = String(decoding: bytes[receiverStart..<(wordStart - 1)], as: UTF8.self)
            guard case .object(let object)? = variables[receiver] else { return CompletionResult(start: wordStart, candidates: []) }
            let type = object.objectType
            let names = type.methods.flatMap(\.names) + type.attributeNames
            return CompletionResult(start: wordStart, candidates: names.filter { $0.hasPrefix(word) }.sorted())
        }

        // The notebooks' stand-ins are there for pasted code, not for typing: they would only
        // crowd the names a user means (`se` is `sep=`, not `setup_loggers`).
        var names = (variableNames + builtins.functionNames).filter { !NotebookStandIns.names.contains($0) } + ["True", "False", "None"]
        if let callee = enclosingCallee(before), let builtin = calleeBuiltin(callee) {
            names = builtin.parameters.filter { $0.kind != .variadic }.map { $0.name + "=" } + names
        } else if isStatementStart(before) {
            names += Array(builtins.statementWords)
            if before.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { names += ["import", "from"] }
        }
        var seen = Set<String>()
        let candidates = names.filter { $0.hasPrefix(word) && seen.insert($0).inserted }
        // Keyword arguments first, then names, each alphabetically.
        let ordered = candidates.sorted { a, b in
            a.hasSuffix("=") != b.hasSuffix("=") ? a.hasSuffix("=") : a < b
        }
        return CompletionResult(start: wordStart, candidates: ordered)
    }

    private func calleeBuiltin(_ callee: String) -> Builtin? {
        let parts = callee.split(separator: ".").map(String.init)
        if parts.count == 1 { return builtins.function(named: parts[0]) }
        if parts.count == 2, case .object(let object)? = variables[parts[0]] {
            return object.objectType.method(named: parts[1])
        }
        return nil
    }

    /// The byte offset of the quote that opens an unfinished string, if the line ends inside one.
    private func openStringStart(_ bytes: [UInt8]) -> Int? {
        var quote: UInt8?
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
                start = index
            } else if byte == UInt8(ascii: "#") {
                return nil
            }
            index += 1
        }
        return quote == nil ? nil : start
    }

    /// The callee before the innermost unclosed '(' (`f` or `model.fit`), if any.
    private func enclosingCallee(_ bytes: ArraySlice<UInt8>) -> String? {
        var depth = 0
        var index = bytes.endIndex
        while index > bytes.startIndex {
            index -= 1
            switch bytes[index] {
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): depth += 1
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if depth == 0 { return nil }
                depth -= 1
            case UInt8(ascii: "("):
                if depth > 0 {
                    depth -= 1
                    continue
                }
                var start = index
                while start > bytes.startIndex, isWordByte(bytes[start - 1]) || bytes[start - 1] == UInt8(ascii: ".") { start -= 1 }
                return start < index ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
            default: break
            }
        }
        return nil
    }

    private func isStatementStart(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.endIndex
        while index > bytes.startIndex, bytes[index - 1] == UInt8(ascii: " ") || bytes[index - 1] == UInt8(ascii: "\t") { index -= 1 }
        if index == bytes.startIndex || bytes[index - 1] == UInt8(ascii: ";") { return true }
        // `x = ` also starts a statement form: `results = train model, …`
        guard bytes[index - 1] == UInt8(ascii: "=") else { return false }
        let beforeEqual = index - 1 > bytes.startIndex ? bytes[index - 2] : 0
        return beforeEqual != UInt8(ascii: "=") && beforeEqual != UInt8(ascii: "!") && beforeEqual != UInt8(ascii: "<")
            && beforeEqual != UInt8(ascii: ">") && enclosingCallee(bytes[..<(index - 1)]) == nil
    }

    private func isWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte >= 0x80
    }
}
