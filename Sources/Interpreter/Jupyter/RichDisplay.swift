import Federation
import Foundation

/// Rich forms of what a session shows, for front ends that render HTML and SVG (Jupyter).
///
/// Every form is a rendering of what the terminal shows, never a second description of the
/// value: a table's HTML comes from the same `DisplayBlock`s as its text, a chart's SVG from
/// the `MetricsChart` a report draws, and an error's HTML from the typed Federation error its
/// diagnostic was made from. The HTML is plain markup that JupyterLab styles (tables carry
/// pandas' class "dataframe"), every text escaped, with no script and no external file.
public enum RichDisplay {
    /// The MIME bundle of `value`: always "text/plain", exactly `value.repr(in: context)`, and
    /// "text/html" for a value the REPL shows as a table (schemas, access and `whoami` reports,
    /// pod lists, query results, metrics per round and test metrics, predictions).
    public static func bundle(for value: Value, in context: DisplayContext) -> [String: String] {
        var bundle = ["text/plain": value.repr(in: context)]
        if case .object(let object) = value, let tabular = object as? any TabularObject {
            bundle["text/html"] = html(tabular.blocks(in: context))
        }
        return bundle
    }

    /// A chart as one standalone SVG document: a panel per series with its name, the value
    /// axis with round numbers and the rounds along the bottom (see `MetricsChartDrawing`).
    public static func svg(_ chart: MetricsChart) -> String {
        MetricsChartDrawing.svg(chart)
    }

    /// HTML for an error that reads better as a table: the pods' schemas disagreeing (headers
    /// missing at some pods, categorical values or types that differ), as a table of what each
    /// pod has with the differences marked, the messages above it and what to do below. Nil
    /// for every other error, whose text is as clear as it gets.
    public static func html(for error: RuntimeError) -> String? {
        guard let verification = error.federationError as? SchemaVerificationError else { return nil }
        return SchemaComparison(verification)?.html
    }

    /// Blocks as HTML: each text as a paragraph, each table as a table.
    static func html(_ blocks: [DisplayBlock]) -> String {
        var html = "<div class=\"bf-output\">\n"
        for block in blocks {
            switch block {
            case .text(let text) where text.isEmpty:
                continue
            case .text(let text):
                html += paragraph(escape(text))
            case .table(let table):
                html += self.html(table)
            }
        }
        return html + "</div>\n"
    }

    /// A table as pandas writes a data frame, so JupyterLab styles it the same way.
    static func html(_ table: PlainTextTable) -> String {
        tableHTML(headers: table.headers.map(escape), rows: table.rows.map { $0.map { .cell(escape($0)) } })
    }

    /// One cell of a table whose cells are HTML already: a data cell, or a row's heading.
    enum Cell {
        case cell(String)
        case heading(String)
    }

    /// A table from escaped headers and cells.
    static func tableHTML(headers: [String], rows: [[Cell]]) -> String {
        var html = "<table border=\"1\" class=\"dataframe\">\n  <thead>\n    <tr style=\"text-align: right;\">\n"
        for header in headers { html += "      <th>\(header)</th>\n" }
        html += "    </tr>\n  </thead>\n  <tbody>\n"
        for row in rows {
            html += "    <tr>\n"
            for cell in row {
                switch cell {
                case .cell(let content): html += "      <td>\(content)</td>\n"
                case .heading(let content): html += "      <th>\(content)</th>\n"
                }
            }
            html += "    </tr>\n"
        }
        return html + "  </tbody>\n</table>\n"
    }

    /// An escaped text as a paragraph, its line breaks kept (as `<br/>`, so that the HTML
    /// is well-formed XML too).
    static func paragraph(_ escaped: String) -> String {
        "<p>" + escaped.replacingOccurrences(of: "\n", with: "<br/>\n") + "</p>\n"
    }

    /// Text made safe inside HTML and XML elements and double-quoted attributes, without the
    /// terminal's colour codes.
    static func escape(_ text: String) -> String {
        NotebookReport.escape(text).replacingOccurrences(of: "'", with: "&#39;")
    }
}

/// The pods' schemas side by side for a `SchemaVerificationError`: a row per pod, a column
/// per column at fault, each cell what that pod has (its values, its type, or nothing), the
/// differences marked and summed up in a last row.
struct SchemaComparison {
    let messages: [String]
    let helps: [String]
    let pods: [String]
    /// Each column at fault: its header, each pod's cell (escaped HTML) and what differs.
    let columns: [(name: String, cells: [String], differs: String)]

    /// The comparison of `error`'s problems that concern a column at several pods; nil when
    /// there is none (an unknown column or table), which the text says well enough.
    init?(_ error: SchemaVerificationError) {
        let labels = PodLabels(error.pods)
        var columns: [(name: String, cells: [String], differs: String)] = []
        func cells(_ cell: (PodIdentifier) -> String?) -> [String] {
            error.pods.map { cell($0) ?? "" }
        }
        for problem in error.schemaProblems {
            switch problem {
            case let .missingColumn(column, missingIn, presentIn, _):
                columns.append((column, cells { pod in
                    missingIn.contains(pod) ? "<mark>missing</mark>" : presentIn.contains(pod) ? "has it" : nil
                }, "missing at " + missingIn.map { labels[$0] }.joined(separator: ", ")))
            case let .targetNotCategorical(column, types):
                let notCategorical = types.filter { $0.semanticType != .categorical }.map(\.pod)
                columns.append((column, cells { pod in
                    guard let type = types.first(where: { $0.pod == pod }) else { return nil }
                    let text = RichDisplay.escape(type.description)
                    return type.semanticType == .categorical ? text : "<mark>\(text)</mark>"
                }, "the target is not categorical at " + notCategorical.map { labels[$0] }.joined(separator: ", ")))
            case let .semanticTypeMismatch(column, types):
                columns.append((column, cells { pod in
                    types.first { $0.pod == pod }.map { RichDisplay.escape($0.description) }
                }, "the types differ"))
            case let .categoricalMismatch(mismatch):
                let everywhere = mismatch.values.map { Set($0.values) }.reduce(nil as Set<String>?) { $0?.intersection($1) ?? $1 } ?? []
                columns.append((mismatch.column, cells { pod in
                    mismatch.values.first { $0.pod == pod }.map { entry in
                        entry.values.map { value in
                            everywhere.contains(value) ? RichDisplay.escape(value) : "<mark>\(RichDisplay.escape(value))</mark>"
                        }.joined(separator: ", ")
                    }
                }, mismatch.differences(labels).joined(separator: " · ")))
            case .unknownColumn, .unknownTable, .tableNotMapped:
                continue
            }
        }
        guard !columns.isEmpty else { return nil }
        let problems = error.problems
        messages = problems.map(\.message)
        var helps: [String] = []
        for help in problems.compactMap(\.help) where !helps.contains(help) { helps.append(help) }
        self.helps = helps
        pods = error.pods.map { labels[$0] }
        self.columns = columns
    }

    /// The messages, the table and the help lines.
    var html: String {
        var html = "<div class=\"bf-error\">\n"
        for message in messages { html += RichDisplay.paragraph("<strong>error:</strong> " + RichDisplay.escape(message)) }
        let rows = pods.indices.map { index in [RichDisplay.Cell.heading(RichDisplay.escape(pods[index]))] + columns.map { .cell($0.cells[index]) } }
        let differs = [RichDisplay.Cell.heading("differs")] + columns.map { .cell(RichDisplay.escape($0.differs)) }
        html += RichDisplay.tableHTML(headers: ["pod"] + columns.map { RichDisplay.escape($0.name) }, rows: rows + [differs])
        for help in helps { html += RichDisplay.paragraph("<strong>help:</strong> " + RichDisplay.escape(help)) }
        return html + "</div>\n"
    }
}
