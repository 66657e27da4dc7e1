import Foundation
import XCTest
@testable import REPL

/// The guided walkthrough: Enter runs the step shown, `:skip` and `:back` move, anything else
/// runs in the same session between steps; without a terminal every step runs in order.
final class WalkthroughTests: XCTestCase {
    private var output: CapturedOutput!
    private var engine: RecordingEngine!

    override func setUp() {
        output = CapturedOutput()
        engine = RecordingEngine(output: output)
    }

    /// Three steps; the engine rejects cells containing "bad", so the second fails as it should.
    private let walkthrough = Walkthrough(name: "Tutorial 9", title: "a sample", introduction: "About it.", steps: [
        WalkthroughStep(title: "One", explanation: "Makes a.", code: "a = 1", cell: "a = 1", failsOnPurpose: false),
        WalkthroughStep(title: "Two", explanation: "Fails.", code: "bad(a)", cell: "bad(a)", failsOnPurpose: true),
        WalkthroughStep(title: "Three", explanation: "Uses a.", code: "f(a)", cell: "f(a)", failsOnPurpose: false),
    ])

    private func run(_ lines: String...) async -> (ScriptedInput, Int32) {
        let input = ScriptedInput(lines.map { .line($0) })
        let repl = REPL(engine: engine, input: input, output: output, style: .plain, version: "1.2.3",
                        interrupt: InterruptFlag(), environment: [:], walkthrough: walkthrough)
        return (input, await repl.run())
    }

    func testEnterRunsEachStepAndTheSessionGoesOnAfterTheLast() async {
        let (input, status) = await run("", "", "", "a")
        XCTAssertEqual(status, 0)
        XCTAssertEqual(engine.ran.map(\.cell), ["a = 1", "bad(a)", "f(a)", "a"])
        XCTAssertEqual(engine.ran.map(\.number), [1, 2, 3, 4])
        XCTAssertEqual(input.prompts, ["In [1]: ", "In [2]: ", "In [3]: ", "In [4]: ", "In [5]: "])
        XCTAssertEqual(input.historyEntries, ["a = 1", "bad(a)", "f(a)", "a"], "steps go to the history, to recall and edit")
        let text = output.text
        XCTAssertTrue(text.hasPrefix("bf 1.2.3 — type :help for help, Ctrl-D to exit\n\nTutorial 9: a sample\nAbout it.\n"), text)
        XCTAssertTrue(text.contains("""

            Step 1 of 3 · One
            Makes a.

                a = 1

            Enter: run it · :skip · :back · :quit · or type a statement

            """), text)
        XCTAssertTrue(text.contains("Out[2]: bad(a)\n(this step fails on purpose: that error is what it shows)\n\nStep 3 of 3 · Three\n"),
                      text)
        XCTAssertTrue(text.contains("Step 2 of 3 · Two (fails on purpose)\n"), text)
        XCTAssertTrue(text.contains("Out[3]: f(a)\n\nThat was the last step of Tutorial 9. The session goes on"), text)
    }

    func testStatementsBetweenStepsRunInTheSameSessionAndMetaCommandsWork() async {
        _ = await run("", "print(a)", "g(", "1)", ":whoami", "")
        XCTAssertEqual(engine.ran.map(\.cell), ["a = 1", "print(a)", "g(\n1)", "bad(a)"])
        XCTAssertTrue(output.text.contains("ann (modeller)\n"), output.text)
    }

    func testSkipMovesOnWithoutRunningAndBackShowsTheStepBeforeAgain() async {
        _ = await run(":skip", ":back", ":back", "", ":skip", ":back", "")
        XCTAssertEqual(engine.ran.map(\.cell), ["a = 1", "bad(a)"])
        let text = output.text
        XCTAssertTrue(text.contains("skipped step 1 of 3; later steps may need what it makes\n\nStep 2 of 3 · Two"), text)
        XCTAssertTrue(text.contains("""
            error: this is the first step of Tutorial 9; there is none before it
            help: press Enter to run it, or ':skip' to go to the next one
            """), text)
        XCTAssertEqual(text.components(separatedBy: "Step 1 of 3 · One\n").count, 3, "shown at the start and after ':back'")
        XCTAssertTrue(text.contains("skipped step 2 of 3"), text)
        XCTAssertEqual(text.components(separatedBy: "Step 2 of 3 · Two").count, 4, text)
    }

    func testAStepThatFailsUnexpectedlyStaysUntilItRunsOrIsSkipped() async {
        let broken = Walkthrough(name: "Tutorial 9", title: "broken", introduction: "", steps: [
            WalkthroughStep(title: "One", explanation: "Should run.", code: "bad", cell: "bad", failsOnPurpose: false),
            WalkthroughStep(title: "Two", explanation: "Should fail.", code: "ok", cell: "ok", failsOnPurpose: true),
        ])
        let input = ScriptedInput([.line(""), .line(""), .line(":skip"), .line("")])
        _ = await REPL(engine: engine, input: input, output: output, style: .plain, version: "1", interrupt: InterruptFlag(),
                       environment: [:], walkthrough: broken).run()
        XCTAssertEqual(engine.ran.map(\.cell), ["bad", "bad", "ok"])
        XCTAssertTrue(output.text.contains("step 1 stopped at an error: type statements to look into it, Enter runs it again, :skip goes on\n"),
                      output.text)
        XCTAssertTrue(output.text.contains("""
            warning: step 2 of 2 was meant to fail, but it ran without error; its explanation no longer matches what bf does
            """), output.text)
        XCTAssertTrue(output.text.contains("That was the last step of Tutorial 9."))
    }

    func testQuitLeavesTheWalkthroughAndBf() async {
        let (input, status) = await run("", ":quit", "")
        XCTAssertEqual(status, 0)
        XCTAssertEqual(engine.ran.map(\.cell), ["a = 1"])
        XCTAssertEqual(input.prompts.count, 2)
    }

    func testSkipAndBackNeedAWalkthrough() async {
        let input = ScriptedInput([.line(":skip"), .line(":back"), .line("")])
        _ = await REPL(engine: engine, input: input, output: output, style: .plain, version: "1", interrupt: InterruptFlag(),
                       environment: [:]).run()
        XCTAssertTrue(output.text.contains("""
            error: ':skip' moves through a tutorial, and none is running
            help: start one from the shell with 'bf tutorial N' ('bf tutorial' lists them)
            error: ':back' moves through a tutorial
            """), output.text)
        XCTAssertTrue(engine.ran.isEmpty)
    }

    func testAStepThatOnlyShowsGoesOnWithoutRunning() async {
        let shown = Walkthrough(name: "Tutorial 4", title: "a task file", introduction: "", steps: [
            WalkthroughStep(title: "The pods", explanation: "Which pods.", code: "pods: [a]", cell: nil, failsOnPurpose: false),
            WalkthroughStep(title: "Run", explanation: "Runs it.", code: "run()", cell: "run()", failsOnPurpose: false),
        ])
        let input = ScriptedInput([.line(""), .line("")])
        _ = await REPL(engine: engine, input: input, output: output, style: .plain, version: "1", interrupt: InterruptFlag(),
                       environment: [:], walkthrough: shown).run()
        XCTAssertEqual(engine.ran.map(\.cell), ["run()"])
        XCTAssertTrue(output.text.contains("    pods: [a]\n\nEnter: next step ·"), output.text)
    }

    func testStraightThroughRunsEveryStepInOrder() async {
        let outcome = await walkthrough.runStraightThrough(engine: engine, output: output, style: .plain)
        XCTAssertEqual(outcome, .completed)
        XCTAssertEqual(engine.ran.map(\.cell), ["a = 1", "bad(a)", "f(a)"])
        XCTAssertEqual(output.text, """

            Tutorial 9: a sample
            About it.

            Step 1 of 3 · One
            Makes a.

                a = 1

            Out[1]: a = 1

            Step 2 of 3 · Two (fails on purpose)
            Fails.

                bad(a)

            Out[2]: bad(a)
            (this step fails on purpose: that error is what it shows)

            Step 3 of 3 · Three
            Uses a.

                f(a)

            Out[3]: f(a)

            That was the last step of Tutorial 9.

            """)
    }

    func testStraightThroughStopsAtTheFirstStepThatDoesNotDoWhatItShould() async {
        let failing = Walkthrough(name: "Tutorial 9", title: "t", introduction: "", steps: [
            WalkthroughStep(title: "One", explanation: "E.", code: "a", cell: "a", failsOnPurpose: false),
            WalkthroughStep(title: "Two", explanation: "E.", code: "bad", cell: "bad", failsOnPurpose: false),
            WalkthroughStep(title: "Three", explanation: "E.", code: "c", cell: "c", failsOnPurpose: false),
        ])
        let outcome = await failing.runStraightThrough(engine: engine, output: output, style: .plain)
        XCTAssertEqual(outcome, .failed(step: 2))
        XCTAssertEqual(engine.ran.map(\.cell), ["a", "bad"])
        XCTAssertTrue(output.text.hasSuffix("error: step 2 of 3 ('Two') failed; the walkthrough stops here\n"), output.text)

        let succeeding = Walkthrough(name: "Tutorial 9", title: "t", introduction: "", steps: [
            WalkthroughStep(title: "One", explanation: "E.", code: "fine", cell: "fine", failsOnPurpose: true),
        ])
        let unexpected = await succeeding.runStraightThrough(engine: engine, output: output, style: .plain)
        XCTAssertEqual(unexpected, .failed(step: 1))

        let interrupted = Walkthrough(name: "Tutorial 9", title: "t", introduction: "", steps: [
            WalkthroughStep(title: "One", explanation: "E.", code: "stop", cell: "stop", failsOnPurpose: false),
        ])
        let stopped = await interrupted.runStraightThrough(engine: engine, output: output, style: .plain)
        XCTAssertEqual(stopped, .interrupted)
    }

    func testThePositionMovesWithinTheSteps() {
        var tour = walkthrough
        XCTAssertFalse(tour.goBack())
        XCTAssertEqual(tour.current?.title, "One")
        tour.advance()
        tour.advance()
        tour.advance()
        XCTAssertTrue(tour.isFinished)
        XCTAssertNil(tour.current)
        tour.advance()
        XCTAssertEqual(tour.position, 3)
        XCTAssertTrue(tour.goBack())
        XCTAssertEqual(tour.current?.title, "Three")
    }
}
