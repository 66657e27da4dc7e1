/// What a walkthrough shows, in one place: the opening, each step, and the notes after a step.
enum WalkthroughText {
    /// The tutorial's title and introduction; on a terminal also how to move through it.
    static func opening(_ walkthrough: Walkthrough, interactive: Bool, style: TerminalStyle) -> String {
        var text = "\n" + style.bold("\(walkthrough.name): \(walkthrough.title)") + "\n"
        if !walkthrough.introduction.isEmpty {
            text += walkthrough.introduction + "\n"
        }
        if interactive {
            text += "\n" + style.dim("""
                Each step shows its code, and Enter on an empty line runs it. Between steps, type any
                statement to run it in the same session (e.g. print a variable) or a meta-command:
                :skip goes to the next step without running this one, :back shows the one before
                again, :quit leaves.
                """) + "\n"
        }
        return text
    }

    /// A step: "Step 3 of 10 · title", its explanation, its code indented; on a terminal a
    /// reminder of the keys follows.
    static func step(_ step: WalkthroughStep, number: Int, of count: Int, interactive: Bool,
                     style: TerminalStyle) -> String {
        var heading = "Step \(number) of \(count) · \(step.title)"
        if step.failsOnPurpose { heading += " (fails on purpose)" }
        var text = "\n" + style.bold(style.cyan(heading)) + "\n" + step.explanation + "\n\n"
        for line in step.code.split(separator: "\n", omittingEmptySubsequences: false) {
            text += line.isEmpty ? "\n" : "    " + style.cyan(String(line)) + "\n"
        }
        text += "\n"
        if interactive {
            let action = step.cell == nil ? "Enter: next step" : "Enter: run it"
            text += style.dim("\(action) · :skip · :back · :quit · or type a statement") + "\n"
        }
        return text
    }

    /// After a step that fails on purpose did fail.
    static func expectedFailure(style: TerminalStyle) -> String {
        style.green("(this step fails on purpose: that error is what it shows)") + "\n"
    }

    /// After a step that should have failed ran without error.
    static func unexpectedSuccess(number: Int, of count: Int, style: TerminalStyle) -> String {
        "\(style.yellow(style.bold("warning:"))) step \(number) of \(count) was meant to fail, "
            + "but it ran without error; its explanation no longer matches what bf does\n"
    }

    /// Without a terminal, after a step that failed when it should not have.
    static func stopped(number: Int, of count: Int, title: String, style: TerminalStyle) -> String {
        "\(style.red(style.bold("error:"))) step \(number) of \(count) ('\(title)') failed; the walkthrough stops here\n"
    }

    /// On a terminal, after a step that failed when it should not have.
    static func failedInteractively(number: Int, style: TerminalStyle) -> String {
        style.dim("step \(number) stopped at an error: type statements to look into it, Enter runs it again, :skip goes on")
            + "\n"
    }

    /// On a terminal, after Ctrl-C stopped a step.
    static func interrupted(number: Int, style: TerminalStyle) -> String {
        style.dim("step \(number) was interrupted: Enter runs it again, :skip goes on") + "\n"
    }

    /// After `:skip`.
    static func skipped(number: Int, of count: Int, style: TerminalStyle) -> String {
        style.dim("skipped step \(number) of \(count); later steps may need what it makes") + "\n"
    }

    /// After the last step.
    static func ending(_ walkthrough: Walkthrough, interactive: Bool, style: TerminalStyle) -> String {
        let done = "\n" + style.bold("That was the last step of \(walkthrough.name).")
        guard interactive else { return done + "\n" }
        return done + " " + "The session goes on with its variables: keep typing, :back shows the last step again, "
            + "Ctrl-D or :quit leaves.\n"
    }
}
