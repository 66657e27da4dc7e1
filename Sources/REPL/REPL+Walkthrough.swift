extension REPL {
    /// Enter on an empty line: runs the step shown and moves on when it did what it should (ran,
    /// or failed on purpose); a step that only shows something just moves on. Without a
    /// walkthrough, or after its last step, an empty line does nothing.
    func runStep() async {
        guard var tour = walkthrough, let step = tour.current else { return }
        let number = tour.position + 1
        if let cell = step.cell {
            remember(cell)
            switch (await run(cell: cell), step.failsOnPurpose) {
            case (.accepted, false):
                break
            case (.rejected, true):
                write(WalkthroughText.expectedFailure(style: style))
            case (.accepted, true):
                write(WalkthroughText.unexpectedSuccess(number: number, of: tour.steps.count, style: style))
            case (.rejected, false):
                write(WalkthroughText.failedInteractively(number: number, style: style))
                return
            case (.interrupted, _):
                write(WalkthroughText.interrupted(number: number, style: style))
                return
            }
        }
        tour.advance()
        walkthrough = tour
        showStep()
    }

    /// `:skip`: moves to the next step without running the one shown.
    func skipStep() {
        guard var tour = walkthrough else { return showNoWalkthrough(.skip) }
        guard !tour.isFinished else {
            return showError("every step of \(tour.name) is done; there is no step to skip",
                             help: "type ':back' to see the last step again")
        }
        write(WalkthroughText.skipped(number: tour.position + 1, of: tour.steps.count, style: style))
        tour.advance()
        walkthrough = tour
        showStep()
    }

    /// `:back`: shows the step before the one shown again; Enter then runs it.
    func showStepBefore() {
        guard var tour = walkthrough else { return showNoWalkthrough(.back) }
        guard tour.goBack() else {
            return showError("this is the first step of \(tour.name); there is none before it",
                             help: "press Enter to run it, or ':skip' to go to the next one")
        }
        walkthrough = tour
        showStep()
    }

    /// Shows the step at the walkthrough's position, or the ending after the last one.
    func showStep() {
        guard let tour = walkthrough else { return }
        guard let step = tour.current else {
            return write(WalkthroughText.ending(tour, interactive: true, style: style))
        }
        write(WalkthroughText.step(step, number: tour.position + 1, of: tour.steps.count,
                                   interactive: true, style: style))
    }

    private func showNoWalkthrough(_ command: MetaCommandName) {
        showError("':\(command.rawValue)' moves through a tutorial, and none is running",
                  help: "start one from the shell with 'bf tutorial N' ('bf tutorial' lists them)")
    }
}
