/// The answer to a Tab press: which part of the line to replace, and with what.
///
/// Offsets are UTF-8 byte offsets into the whole input being edited. The text from `start` up
/// to the cursor is replaced by the chosen candidate; candidates are whole replacements for that
/// text, not suffixes of it. Listing shows candidates as they are, so a completer that wants
/// short listings (file names rather than paths) starts the replacement late in the line.
public struct Completion: Equatable, Sendable {
    /// UTF-8 offset where the replaced text begins; at most the cursor.
    public var start: Int
    /// Replacements for the text between `start` and the cursor.
    public var candidates: [String]

    /// A completion replacing the text from `start` to the cursor by one of `candidates`.
    public init(start: Int, candidates: [String]) {
        self.start = start
        self.candidates = candidates
    }

    /// No candidates: Tab rings the bell.
    public static let none = Completion(start: 0, candidates: [])
}

/// What a Tab press does to the line, decided from a `Completion` (pure, so it is testable).
enum CompletionEdit: Equatable {
    /// Nothing to insert: ring the bell.
    case ring
    /// Delete `deleting` characters (Unicode scalars) before the cursor, insert `inserting`, and
    /// when there was a choice, list `listing` below the prompt.
    case replace(deleting: Int, inserting: String, listing: [String])

    /// The edit for `completion` on `line` with the cursor at UTF-8 offset `cursor`.
    ///
    /// One candidate replaces the word. Several insert their longest common prefix (when it
    /// extends the word) and are listed, as bash does. None, or an offset that does not fall on
    /// a character boundary before the cursor, rings the bell.
    static func plan(line: String, cursor: Int, completion: Completion) -> CompletionEdit {
        let utf8 = Array(line.utf8)
        guard cursor >= 0, cursor <= utf8.count, completion.start >= 0, completion.start <= cursor,
              let word = String(validating: utf8[completion.start..<cursor], as: UTF8.self)
        else { return .ring }
        var seen = Set<String>()
        let candidates = completion.candidates.filter { seen.insert($0).inserted }
        switch candidates.count {
        case 0:
            return .ring
        case 1:
            return .replace(deleting: word.unicodeScalars.count, inserting: candidates[0], listing: [])
        default:
            let prefix = commonPrefix(of: candidates)
            let inserting = prefix.hasPrefix(word) ? prefix : word
            return .replace(deleting: word.unicodeScalars.count, inserting: inserting, listing: candidates)
        }
    }

    /// The longest run of characters every string starts with.
    static func commonPrefix(of strings: [String]) -> String {
        guard var prefix = strings.first.map(Array.init) else { return "" }
        for string in strings.dropFirst() {
            let characters = Array(string)
            var shared = 0
            while shared < prefix.count, shared < characters.count, prefix[shared] == characters[shared] {
                shared += 1
            }
            prefix.removeSubrange(shared...)
        }
        return String(prefix)
    }
}

/// Lays out completion candidates in columns below the prompt, top to bottom then left to
/// right, as bash and ls do.
enum CompletionListing {
    /// Candidates beyond this many are summarised in one line rather than listed.
    static let limit = 200

    /// The lines that list `candidates` sorted, within `width` columns of terminal.
    static func lines(for candidates: [String], width: Int) -> [String] {
        let sorted = candidates.sorted()
        let shown = Array(sorted.prefix(limit))
        guard let widest = shown.map(\.count).max() else { return [] }
        let columnWidth = widest + 2
        let columns = max(1, min(shown.count, max(width, 1) / columnWidth))
        let rows = (shown.count + columns - 1) / columns
        var lines: [String] = []
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                let index = column * rows + row
                guard index < shown.count else { break }
                let isLastInRow = column == columns - 1 || (column + 1) * rows + row >= shown.count
                let cell = shown[index]
                line += isLastInRow ? cell : cell.padding(toLength: columnWidth)
            }
            lines.append(line)
        }
        if sorted.count > shown.count {
            lines.append("… and \(sorted.count - shown.count) more")
        }
        return lines
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
