/// The REPL's prompts, IPython-style: `In [n]: ` for a new cell and `   ...: ` (ending under
/// the input prompt's colon) while the cell needs more lines.
enum Prompt {
    /// The prompt for the first line of cell `number`.
    static func input(number: Int, style: TerminalStyle) -> String {
        style.green("In [") + style.green(style.bold("\(number)")) + style.green("]:") + " "
    }

    /// The prompt for a further line of cell `number`, as wide as its input prompt.
    static func continuation(number: Int, style: TerminalStyle) -> String {
        let width = "In [\(number)]: ".count
        return String(repeating: " ", count: width - "...: ".count) + style.green("...:") + " "
    }
}
