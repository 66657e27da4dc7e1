import CLibEdit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Line editing on the terminal, on top of libedit: emacs key bindings, a history kept in a
/// file, Tab completion through a Swift closure, and Ctrl-C that drops the line.
///
/// Design note. libedit reads keys through a function the editor supplies (`EL_GETCFN`). That
/// function waits with `poll` on standard input and on the wake-up pipe of `TerminalSignals`,
/// so a signal reaches the editor whichever thread the kernel delivered it to. On Ctrl-C the
/// SIGINT handler raises the interrupt flag; the reader answers with the ^C key, which is bound
/// to `bf-interrupt`: it moves to the end of the input, shows `^C`, and ends the line, so the
/// display stays tidy; `readLine` then discards that line, resets libedit and reports
/// `.interrupted`. On a window resize the reader tells libedit the new size and redraws.
/// libedit's own signal handling is off (`EL_SIGNAL` 0). The terminal is in raw mode only while
/// a line is read (switched just before the prompt is drawn, restored by `el_gets` before it
/// returns), so a running cell sees an ordinary terminal; `close` restores the original modes.
/// Tab with only blanks before the cursor on its line indents by four spaces instead.
///
/// Not thread-safe: one caller reads at a time, which the REPL's loop guarantees.
public final class LineEditor: LineInput {
    /// Called on Tab with the whole input so far and the cursor's UTF-8 offset in it.
    public var completer: ((_ line: String, _ cursor: Int) -> Completion)?

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyFile: String?
    private let signals = TerminalSignals.shared
    private let inputDescriptor = STDIN_FILENO
    fileprivate var promptText: UnsafeMutablePointer<CChar>?
    private var assembler = UTF8Assembler()
    private var pending: [Unicode.Scalar] = []
    private var lineWasInterrupted = false
    private var isClosed = false

    /// Bytes taken from the terminal per `read`; a paste arrives in one go, and the scalars not
    /// yet handed to libedit wait in `pending`, across lines.
    private static let readChunk = 256

    /// The editor on standard input and output, with a history of at most `historySize`
    /// entries loaded from (and saved to) `historyFile`, or kept in memory when it is nil.
    ///
    /// A missing or unreadable history file starts an empty history. Installs the process's
    /// SIGINT, SIGWINCH and SIGCONT handlers (see `TerminalSignals`).
    public init(historyFile: String?, historySize: Int = 1000) throws(LineEditorError) {
        Self.useUTF8Characters()
        guard let editLine = el_init("bf", bf_stdin(), bf_stdout(), bf_stderr()) else {
            throw .cannotStart
        }
        guard let history = history_init() else {
            el_end(editLine)
            throw .cannotStart
        }
        self.editLine = editLine
        self.history = history
        self.historyFile = historyFile
        promptText = strdup("")
        signals.install()

        bf_history_setsize(history, Int32(clamping: historySize))
        bf_history_setunique(history, 1)
        if let historyFile {
            _ = bf_history_load(history, historyFile)
        }

        bf_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        bf_el_set_editor(editLine, "emacs")
        bf_el_set_signal(editLine, 0)
        bf_el_set_prompt(editLine, promptOfEditor, Self.invisibleMarker)
        bf_el_set_getcfn(editLine, readCharacterForEditor)
        bf_el_set_history(editLine, history)
        bf_el_addfn(editLine, "bf-complete", "complete the word before the cursor", completeForEditor)
        bf_el_addfn(editLine, "bf-interrupt", "drop the line being edited", interruptForEditor)
        bf_el_bind(editLine, "^I", "bf-complete")
        bf_el_bind(editLine, "^C", "bf-interrupt")
        bf_el_bind(editLine, "^R", "em-inc-search-prev")
        // The user's ~/.editrc (lines for all programs, or starting with "bf:") comes last so it wins.
        _ = el_source(editLine, nil)
    }

    deinit {
        if !isClosed {
            el_end(editLine)
        }
        history_end(history)
        free(promptText)
    }

    /// Restores the terminal's modes from before the editor started (libedit's `el_end`); later
    /// reads report `.endOfInput`. The history stays readable.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        el_end(editLine)
    }

    /// The entries of the history, oldest first.
    public var historyEntries: [String] {
        var entries: [String] = []
        var entry = bf_history_oldest(history)
        while let text = entry {
            entries.append(String(cString: text))
            entry = bf_history_newer(history)
        }
        return entries
    }

    /// Shows `prompt` and blocks until the user ends a line, presses Ctrl-C, or Ctrl-D on an
    /// empty line. ANSI escape sequences in `prompt` are allowed; they take no width.
    public func readLine(prompt: String) -> LineEditorEvent {
        guard !isClosed else { return .endOfInput }
        setPrompt(Self.markingInvisibleSequences(in: prompt))
        // A Ctrl-C pressed before the prompt appeared belonged to whatever ran before it.
        signals.drainWakeups()
        signals.interrupt.clear()
        lineWasInterrupted = false

        // libedit prints the prompt before it switches the terminal to raw mode; a key typed in
        // between would meet the terminal's own line editing (a Ctrl-D there is lost). Switching
        // first means the prompt only shows once keys reach the editor.
        bf_el_prepare_terminal(editLine, 1)
        var count: Int32 = 0
        let text = el_gets(editLine, &count)
        if lineWasInterrupted {
            el_reset(editLine)
            return .interrupted
        }
        guard let text, count > 0 else {
            return .endOfInput
        }
        var bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self),
                                              count: strlen(text)))
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
        }
        return .line(String(decoding: bytes, as: UTF8.self))
    }

    /// `readLine` on the editor's own thread, so the wait for keys holds no thread of the
    /// cooperative pool; the completer runs there too, inside this same call.
    public func nextLine(prompt: String) async -> LineEditorEvent {
        await withTaskExecutorPreference(LineReadingExecutor.shared) {
            self.readLine(prompt: prompt)
        }
    }

    /// Appends `entry` to the history and rewrites the history file (through a temporary file
    /// and a rename, so an interrupted write never leaves a truncated history).
    public func addToHistory(_ entry: String) throws(LineEditorError) {
        guard !entry.isEmpty else { return }
        bf_history_enter(history, entry)
        guard let historyFile else { return }
        let directory = (historyFile as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        let temporary = "\(historyFile).\(getpid()).tmp"
        guard bf_history_save(history, temporary) >= 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .historyNotSaved(path: historyFile, reason: reason)
        }
        guard rename(temporary, historyFile) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .historyNotSaved(path: historyFile, reason: reason)
        }
    }

    /// The character that brackets invisible sequences in a prompt for libedit (`EL_PROMPT_ESC`).
    static let invisibleMarker: CChar = 1

    /// `prompt` with its ANSI escape sequences bracketed by `invisibleMarker`, so libedit
    /// prints them but does not count them in the prompt's width.
    ///
    /// libedit draws an invisible run together with the visible character after it, so
    /// sequences that follow each other share one bracketed run, and a prompt must end with a
    /// visible character (a sequence at the very end is lost).
    static func markingInvisibleSequences(in prompt: String) -> String {
        let marker = Character(Unicode.Scalar(UInt8(invisibleMarker)))
        var result = ""
        var inSequence = false
        var sawBracket = false
        for character in prompt {
            if !inSequence, character == "\u{1B}" {
                inSequence = true
                sawBracket = false
                if result.last == marker {
                    result.removeLast()
                } else {
                    result.append(marker)
                }
                result.append(character)
                continue
            }
            guard inSequence else {
                result.append(character)
                continue
            }
            result.append(character)
            if !sawBracket, character == "[" {
                sawBracket = true
            } else if let value = character.asciiValue, (0x40...0x7E).contains(value) {
                inSequence = false
                result.append(marker)
            }
        }
        if inSequence {
            result.append(marker)
        }
        return result
    }

    private func setPrompt(_ prompt: String) {
        guard let copy = strdup(prompt) else { return }
        free(promptText)
        promptText = copy
    }

    // Called by libedit whenever it needs a key; answers one scalar (1), end of input (0) or an
    // error (-1).
    fileprivate func readCharacter(into character: UnsafeMutablePointer<wchar_t>) -> Int32 {
        while true {
            if signals.interrupt.consume() {
                character.pointee = 3
                return 1
            }
            if !pending.isEmpty {
                character.pointee = wchar_t(bitPattern: pending.removeFirst().value)
                return 1
            }
            if signals.consumeResize() {
                el_resize(editLine)
                bf_el_refresh(editLine)
            }
            if signals.consumeContinue() {
                bf_el_refresh(editLine)
            }
            var descriptors = [
                pollfd(fd: inputDescriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: signals.wakeReadEnd, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                return -1
            }
            if descriptors[1].revents != 0 {
                signals.drainWakeups()
            }
            guard descriptors[0].revents != 0 else { continue }
            var bytes = [UInt8](repeating: 0, count: Self.readChunk)
            let count = read(inputDescriptor, &bytes, bytes.count)
            if count == 0 {
                return 0
            }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return -1
            }
            for byte in bytes[..<count] {
                pending.append(contentsOf: assembler.feed(byte))
            }
        }
    }

    // Ctrl-C (bf-interrupt): go to the end of the input, show ^C, and end the line; readLine
    // then discards it. Keys typed ahead of the Ctrl-C go with it.
    fileprivate func dropLine() -> UInt8 {
        lineWasInterrupted = true
        if let line = el_wline(editLine)?.pointee, let cursor = line.cursor, let end = line.lastchar {
            el_cursor(editLine, Int32(clamping: end - cursor))
        }
        el_insertstr(editLine, "^C")
        pending = ["\n"]
        return UInt8(CC_REFRESH)
    }

    // Tab (bf-complete): indents when only blanks precede the cursor on its line, otherwise
    // asks the completer and applies its answer.
    fileprivate func complete() -> UInt8 {
        guard let line = el_line(editLine)?.pointee, let start = line.buffer, let cursor = line.cursor,
              let end = line.lastchar
        else { return UInt8(CC_ERROR) }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(start).assumingMemoryBound(to: UInt8.self),
                                        count: end - start)
        let cursorOffset = cursor - start
        let lineStart = bytes[..<cursorOffset].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        if bytes[lineStart..<cursorOffset].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
            el_insertstr(editLine, "    ")
            return UInt8(CC_REFRESH)
        }
        guard let completer else { return UInt8(CC_REFRESH_BEEP) }
        let text = String(decoding: bytes, as: UTF8.self)
        switch CompletionEdit.plan(line: text, cursor: cursorOffset, completion: completer(text, cursorOffset)) {
        case .ring:
            return UInt8(CC_REFRESH_BEEP)
        case let .replace(deleting, inserting, listing):
            if deleting > 0 {
                el_deletestr(editLine, Int32(clamping: deleting))
            }
            if !inserting.isEmpty {
                el_insertstr(editLine, inserting)
            }
            guard !listing.isEmpty else { return UInt8(CC_REFRESH) }
            let columns = Int(bf_terminal_columns(STDOUT_FILENO))
            let lines = CompletionListing.lines(for: listing, width: columns > 0 ? columns : 80)
            fputs("\n" + lines.joined(separator: "\n") + "\n", bf_stdout())
            fflush(bf_stdout())
            return UInt8(CC_REDISPLAY)
        }
    }

    // libedit converts wide characters with the C library's locale; without a UTF-8 LC_CTYPE
    // every non-ASCII character would be shown and read as garbage.
    private static func useUTF8Characters() {
        if setlocale(LC_CTYPE, "") != nil, let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) == "UTF-8" {
            return
        }
        _ = setlocale(LC_CTYPE, "C.UTF-8")
    }
}

private func editor(of editLine: OpaquePointer?) -> LineEditor? {
    guard let editLine, let data = bf_el_get_clientdata(editLine) else { return nil }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
}

private func promptOfEditor(_ editLine: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    editor(of: editLine)?.promptText
}

private func readCharacterForEditor(_ editLine: OpaquePointer?, _ character: UnsafeMutablePointer<wchar_t>?) -> Int32 {
    guard let editor = editor(of: editLine), let character else { return -1 }
    return editor.readCharacter(into: character)
}

private func completeForEditor(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    editor(of: editLine)?.complete() ?? UInt8(CC_ERROR)
}

private func interruptForEditor(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    editor(of: editLine)?.dropLine() ?? UInt8(CC_ERROR)
}
