import Foundation

/// A SELECT checked to return aggregates only, with the query that counts the pod's rows
/// behind each of its result rows.
///
/// The rule: every column the result reads outside an aggregate (`COUNT`, `SUM`, `AVG`,
/// `TOTAL`, and `MIN`/`MAX` of one argument) must be a GROUP BY key, and a query without
/// GROUP BY must aggregate. Then each result row stands for one group, and
/// `groupSizeQuery` (the same FROM, WHERE, GROUP BY and HAVING, adding `COUNT(*)`)
/// gives the size of every group, which the pod compares with its minimum group size.
/// The SELECT reads the one table `df`: no join, no subquery and no `WITH`, so every group
/// is counted on the pod's own rows. Window functions, `FILTER`, `*`, compound SELECTs and
/// a second statement are refused.
///
/// This limits what one query shows; like every query-set-size restriction it does not stop
/// a modeller who combines several queries (or conditions inside an aggregate) to isolate a
/// row, which is why the role that allows SQL is the pod owner's to grant.
struct AggregateQuery {
    /// The statement counting the rows of each group; its last column is the count.
    let groupSizeQuery: String
    /// The table columns the text names anywhere, lower-cased: SQLite must read no other.
    let columnsNamed: Set<String>

    /// The functions that aggregate rows without listing them.
    static let aggregateFunctions: Set<String> = ["count", "sum", "avg", "total", "min", "max"]

    /// Words after which an identifier is an operand, not an alias.
    static let operatorWords: Set<String> = ["AND", "OR", "NOT", "IS", "IN", "LIKE", "GLOB", "MATCH", "REGEXP", "BETWEEN",
                                             "CASE", "WHEN", "THEN", "ELSE", "COLLATE", "ESCAPE", "DISTINCT", "ALL", "CAST"]

    /// One result column of the SELECT: the table columns it reads outside aggregates, and
    /// its alias.
    private struct SelectItem {
        var bareColumns: [String] = []
        var aggregates = 0
        var alias: String?
    }

    /// Checks `sql` (one statement SQLite has compiled) against the table columns `columns`.
    init(_ sql: String, columns: [String]) throws(QueryRefusal) {
        let tokens = try Self.singleStatement(sql)
        guard let first = tokens.first, first.isWord("SELECT") else {
            if tokens.first?.isWord("WITH") == true { throw .subquery }
            throw .notASelect(found: tokens.first?.text ?? "")
        }
        var byName: [String: String] = [:]
        for column in columns { byName[column.lowercased()] = column }

        columnsNamed = Set(tokens.compactMap { $0.identifier.flatMap { byName[$0.lowercased()]?.lowercased() } })

        var clauses: [String: Int] = [:]
        var depth = 0
        for (index, token) in tokens.enumerated() {
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            guard depth == 0, token.kind == .word else { continue }
            let word = token.text.uppercased()
            let next = index + 1 < tokens.count && tokens[index + 1].isWord("BY")
            switch word {
            case "UNION", "INTERSECT", "EXCEPT": throw .compoundSelect(operator: word)
            case "WINDOW": throw .unsupported(construct: "WINDOW", why: "window functions return a value per row")
            case "FROM", "WHERE", "HAVING", "LIMIT": if clauses[word] == nil { clauses[word] = index }
            case "GROUP" where next, "ORDER" where next: if clauses[word] == nil { clauses[word] = index }
            default: break
            }
        }
        if tokens.dropFirst().contains(where: { $0.isWord("SELECT") }) { throw .subquery }
        guard let from = clauses["FROM"] else { throw .noTable }
        let tableEnd = ["WHERE", "GROUP", "HAVING", "ORDER", "LIMIT"].compactMap { clauses[$0] }.filter { $0 > from }.min() ?? tokens.count
        try Self.checkOneTable(Array(tokens[(from + 1)..<tableEnd]))

        var selectList = Array(tokens[1..<from])
        if let leading = selectList.first, leading.isWord("DISTINCT") || leading.isWord("ALL") { selectList.removeFirst() }
        let items = try Self.split(selectList).map { tokens throws(QueryRefusal) in try Self.item(tokens, columns: byName) }

        var keys: Set<String> = []
        if let group = clauses["GROUP"] {
            let end = [clauses["HAVING"], clauses["ORDER"], clauses["LIMIT"]].compactMap { $0 }.filter { $0 > group }.min() ?? tokens.count
            for key in Self.split(Array(tokens[(group + 2)..<end])) {
                if key.count == 1, key[0].kind == .number, let position = Int(key[0].text), items.indices.contains(position - 1) {
                    keys.formUnion(items[position - 1].bareColumns)
                } else if key.count == 1, let name = key[0].identifier, byName[name.lowercased()] == nil,
                          let item = items.first(where: { $0.alias?.lowercased() == name.lowercased() }) {
                    keys.formUnion(item.bareColumns)
                } else {
                    keys.formUnion(key.compactMap { $0.identifier.flatMap { byName[$0.lowercased()] } })
                }
            }
        }
        for item in items {
            if let column = item.bareColumns.first(where: { !keys.contains($0) }) { throw .notAggregated(column: column) }
        }
        if clauses["GROUP"] == nil && items.allSatisfy({ $0.aggregates == 0 }) { throw .noAggregate }

        // The select list stays, so that HAVING may use its aliases and GROUP BY its positions;
        // the count goes last and is the only column read.
        let fromStart = tokens[from].range.lowerBound
        let listStart = selectList.first?.range.lowerBound ?? fromStart
        let end = [clauses["ORDER"], clauses["LIMIT"]].compactMap { $0 }.min().map { tokens[$0].range.lowerBound }
            ?? tokens[tokens.count - 1].range.upperBound
        // A comment could end the select list and swallow the count, so the list ends on a line.
        groupSizeQuery = "SELECT " + SQLTokenizer.text(sql, listStart..<fromStart) + "\n, COUNT(*) "
            + SQLTokenizer.text(sql, fromStart..<end)
    }

    /// Refuses a FROM clause other than the table `df`, with or without an alias.
    private static func checkOneTable(_ tokens: [SQLToken]) throws(QueryRefusal) {
        let isTable = tokens.first.map { $0.identifier?.lowercased() == "df" } ?? false
        let aliasOnly = tokens.count == 1
            || (tokens.count == 2 && tokens[1].identifier != nil)
            || (tokens.count == 3 && tokens[1].isWord("AS") && tokens[2].identifier != nil)
        guard isTable, aliasOnly, !tokens.contains(where: { $0.isWord("JOIN") || $0.isSymbol(",") }) else {
            throw .notOneTable
        }
    }

    /// The tokens of `sql` without trailing semicolons; refuses text holding more than one
    /// statement.
    static func singleStatement(_ sql: String) throws(QueryRefusal) -> [SQLToken] {
        var tokens = SQLTokenizer.tokens(sql)
        while tokens.last?.isSymbol(";") == true { tokens.removeLast() }
        if tokens.isEmpty { throw .empty }
        if tokens.contains(where: { $0.isSymbol(";") }) { throw .multipleStatements }
        return tokens
    }

    /// Splits tokens at the commas outside parentheses.
    private static func split(_ tokens: [SQLToken]) -> [[SQLToken]] {
        var parts: [[SQLToken]] = [[]]
        var depth = 0
        for token in tokens {
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if depth == 0 && token.isSymbol(",") {
                parts.append([])
            } else {
                parts[parts.count - 1].append(token)
            }
        }
        return parts.filter { !$0.isEmpty }
    }

    /// What one result column reads: its columns outside aggregates, its aggregates, its alias.
    private static func item(_ tokens: [SQLToken], columns: [String: String]) throws(QueryRefusal) -> SelectItem {
        var item = SelectItem()
        var aliasIndex: Int?
        if tokens.count >= 2, let name = tokens[tokens.count - 1].identifier {
            let before = tokens[tokens.count - 2]
            if before.isWord("AS") || before.isSymbol(")") || before.kind == .string || before.kind == .number
                || before.kind == .quotedIdentifier || (before.kind == .word && !operatorWords.contains(before.text.uppercased())) {
                item.alias = name
                aliasIndex = tokens.count - 1
            }
        }
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let isCall = index + 1 < tokens.count && tokens[index + 1].isSymbol("(")
            if token.kind == .word, isCall, aggregateFunctions.contains(token.text.lowercased()) {
                let (close, commas) = closingParenthesis(tokens, from: index + 1)
                let isScalar = ["min", "max"].contains(token.text.lowercased()) && commas > 0
                if !isScalar {
                    if close + 1 < tokens.count, tokens[close + 1].isWord("FILTER") {
                        throw .unsupported(construct: "FILTER", why: "it narrows an aggregate to chosen rows")
                    }
                    if close + 1 < tokens.count, tokens[close + 1].isWord("OVER") {
                        throw .unsupported(construct: "OVER", why: "window functions return a value per row")
                    }
                    item.aggregates += 1
                    index = close + 1
                    continue
                }
            }
            if token.isWord("OVER") {
                throw .unsupported(construct: "OVER", why: "window functions return a value per row")
            }
            if token.isSymbol("*"), index == 0 || tokens[index - 1].isSymbol(".") {
                throw .unsupported(construct: "*", why: "it returns every column of every row")
            }
            if index != aliasIndex, !isCall, let name = token.identifier, let column = columns[name.lowercased()] {
                item.bareColumns.append(column)
            }
            index += 1
        }
        return item
    }

    /// The index of the parenthesis closing the one at `open`, and the commas directly inside.
    private static func closingParenthesis(_ tokens: [SQLToken], from open: Int) -> (Int, Int) {
        var depth = 0
        var commas = 0
        for index in open..<tokens.count {
            if tokens[index].isSymbol("(") { depth += 1 }
            if tokens[index].isSymbol(")") {
                depth -= 1
                if depth == 0 { return (index, commas) }
            }
            if depth == 1 && tokens[index].isSymbol(",") { commas += 1 }
        }
        return (tokens.count - 1, commas)
    }
}
