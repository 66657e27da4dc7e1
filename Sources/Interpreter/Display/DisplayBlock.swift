import Federation

/// One part of how a value shows: a line of text (a title, a note, a sparkline) or a table.
///
/// Objects that show tables describe themselves as blocks (`TabularObject`), so that the
/// terminal's text and a notebook's HTML (`RichDisplay`) render the same rows and columns.
enum DisplayBlock: Sendable, Equatable {
    /// Text; may hold line breaks. An empty text is a blank line.
    case text(String)
    /// A table, rendered with `PlainTextTable.rendered()` on a terminal.
    case table(PlainTextTable)

    /// The blocks as the terminal shows them: one after another, a line break between two.
    static func text(of blocks: [DisplayBlock]) -> String {
        blocks.map { block in
            switch block {
            case .text(let text): return text
            case .table(let table): return table.rendered()
            }
        }.joined(separator: "\n")
    }
}

/// A runtime object shown as tables with lines around them. Its text on screen is its
/// blocks, joined; `RichDisplay` renders the same blocks as HTML.
protocol TabularObject: RuntimeObject {
    /// What the object shows, in order.
    func blocks(in context: DisplayContext) -> [DisplayBlock]
}

extension TabularObject {
    func display(in context: DisplayContext) -> String { DisplayBlock.text(of: blocks(in: context)) }
}
