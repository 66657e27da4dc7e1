import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program running on a pseudo-terminal, driven the way a person at a keyboard drives it.
///
/// The child gets a new session whose controlling terminal is the pseudo-terminal, so the line
/// discipline behaves as on a real terminal: Ctrl-C ("\u{3}") sends SIGINT to the foreground
/// process group, Ctrl-D ("\u{4}") ends input at the start of a line, "\r" is Enter. Everything
/// the child writes is kept; `screenText` is that output with escape sequences, carriage
/// returns, backspaces and bells removed, which is what `expect` searches. Every wait is
/// bounded: `expect` and `waitForExit` give up at their timeout, and an unfinished child is
/// killed when the terminal is released, so no test can hang.
final class PseudoTerminal {
    /// Why the terminal could not do what a test asked; the text says what was on screen.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The child's process id.
    let processID: pid_t
    private let controller: Int32
    private var output: [UInt8] = []
    private var screen: [UInt8] = []
    private var stripper = EscapeSequenceStripper()
    private var matchedUpTo = 0
    private var outputEnded = false
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments` and exactly `environment` on a new terminal of
    /// `columns` × `rows`.
    init(executable: String, arguments: [String] = [], environment: [String: String],
         columns: UInt16 = 80, rows: UInt16 = 24) throws {
        let pseudoTerminals = try PseudoTerminalFunctions()
        let controller = pseudoTerminals.open(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard controller >= 0 else { throw Failure(description: "posix_openpt failed: \(Self.lastError())") }
        var name = [CChar](repeating: 0, count: 128)
        guard pseudoTerminals.grant(controller) == 0, pseudoTerminals.unlock(controller) == 0,
              pseudoTerminals.name(controller, &name, name.count) == 0
        else {
            let reason = Self.lastError()
            close(controller)
            throw Failure(description: "cannot set up the pseudo-terminal: \(reason)")
        }
        let terminalPath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(controller, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid and without O_NOCTTY, the terminal becomes the controlling one.
        posix_spawn_file_actions_addopen(&actions, 0, terminalPath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        // POSIX_SPAWN_SETSID (glibc 2.26+) is only declared under _GNU_SOURCE, which Swift's
        // Glibc module does not define.
        let spawnSetSession: Int32 = 0x80
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | spawnSetSession))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var processID: pid_t = 0
        let status = posix_spawn(&processID, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(controller)
            throw Failure(description: "cannot start '\(executable)': \(String(cString: strerror(status)))")
        }
        self.processID = processID
        self.controller = controller
    }

    deinit {
        if exitStatus == nil {
            kill(processID, SIGKILL)
            var status: Int32 = 0
            waitpid(processID, &status, 0)
        }
        close(controller)
    }

    /// Everything the child wrote, escape sequences included.
    var transcript: String {
        String(decoding: output, as: UTF8.self)
    }

    /// Everything the child wrote, without escape sequences, carriage returns, backspaces or bells.
    var screenText: String {
        String(decoding: screen, as: UTF8.self)
    }

    /// How many times the child rang the bell.
    var bellCount: Int {
        stripper.bells
    }

    /// Types `text` ("\r" is Enter, "\t" Tab, "\u{3}" Ctrl-C, "\u{4}" Ctrl-D, "\u{1b}[A" Up).
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var written = 0
        let deadline = Date().addingTimeInterval(5)
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(controller, $0.baseAddress, $0.count) }
            if count > 0 {
                written += count
            } else if count < 0, errno != EAGAIN, errno != EINTR {
                throw Failure(description: "cannot type into the terminal: \(Self.lastError())")
            } else if Date() > deadline {
                throw Failure(description: "the terminal stopped accepting input; it showed:\n\(screenText)")
            } else {
                readAvailable(waitingAtMost: 0.01)
            }
        }
    }

    /// Changes the terminal's size; the kernel sends SIGWINCH to the foreground process group.
    func resize(columns: UInt16, rows: UInt16) throws {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard ioctl(controller, UInt(TIOCSWINSZ), &size) == 0 else {
            throw Failure(description: "cannot resize the terminal: \(Self.lastError())")
        }
    }

    /// Waits until `text` appears on screen after the previous match and returns the screen
    /// text from there up to the end of `text`.
    @discardableResult
    func expect(_ text: String, timeout: TimeInterval = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        let wanted = Array(text.utf8)
        while true {
            if let end = Self.end(of: wanted, in: screen, from: matchedUpTo) {
                let seen = String(decoding: screen[matchedUpTo..<end], as: UTF8.self)
                matchedUpTo = end
                return seen
            }
            let remaining = deadline.timeIntervalSinceNow
            if outputEnded || remaining <= 0 {
                let why = outputEnded ? "the program closed the terminal" : "timed out after \(timeout)s"
                throw Failure(description: """
                    \(why) waiting for \(text.debugDescription); since the last match the screen showed:
                    \(String(decoding: screen[matchedUpTo...], as: UTF8.self))
                    """)
            }
            readAvailable(waitingAtMost: min(remaining, 0.1))
        }
    }

    /// Waits until one of `texts` appears on screen after the previous match (the one that
    /// ends first wins) and returns it.
    @discardableResult
    func expect(anyOf texts: [String], timeout: TimeInterval = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let found = texts.compactMap { text in Self.end(of: Array(text.utf8), in: screen, from: matchedUpTo).map { (text, $0) } }
                .min { $0.1 < $1.1 }
            if let (text, end) = found {
                matchedUpTo = end
                return text
            }
            let remaining = deadline.timeIntervalSinceNow
            if outputEnded || remaining <= 0 {
                let why = outputEnded ? "the program closed the terminal" : "timed out after \(timeout)s"
                throw Failure(description: """
                    \(why) waiting for one of \(texts.map(\.debugDescription).joined(separator: ", ")); since the last match the screen showed:
                    \(String(decoding: screen[matchedUpTo...], as: UTF8.self))
                    """)
            }
            readAvailable(waitingAtMost: min(remaining, 0.1))
        }
    }

    /// Waits for the REPL's next prompt, `In [n]: ` or `   ...: `.
    func expectPrompt(timeout: TimeInterval = 10) throws {
        try expect(anyOf: ["In [", "   ...: "], timeout: timeout)
    }

    /// Waits for the child to end and returns its exit status (128 + n when signal n killed
    /// it). A child still running at the timeout is killed, and the wait fails.
    @discardableResult
    func waitForExit(timeout: TimeInterval = 10) throws -> Int32 {
        if let exitStatus {
            return exitStatus
        }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let result = waitpid(processID, &status, WNOHANG)
            if result == processID {
                break
            }
            if result < 0, errno != EINTR {
                throw Failure(description: "cannot wait for process \(processID): \(Self.lastError())")
            }
            if deadline.timeIntervalSinceNow <= 0 {
                kill(processID, SIGKILL)
                waitpid(processID, &status, 0)
                exitStatus = Self.decode(status)
                throw Failure(description: "process \(processID) was still running after \(timeout)s and was killed; the screen showed:\n\(screenText)")
            }
            // Keep draining: a child blocked on a full terminal buffer would never exit.
            readAvailable(waitingAtMost: 0.02)
        }
        readAvailable(waitingAtMost: 0)
        let decoded = Self.decode(status)
        exitStatus = decoded
        return decoded
    }

    private func readAvailable(waitingAtMost seconds: TimeInterval) {
        guard !outputEnded else {
            if seconds > 0 { usleep(useconds_t(seconds * 1_000_000)) }
            return
        }
        var descriptor = pollfd(fd: controller, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(seconds * 1000)) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(controller, &buffer, buffer.count)
        if count > 0 {
            output.append(contentsOf: buffer[..<count])
            screen.append(contentsOf: stripper.strip(buffer[..<count]))
        } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
            // Linux answers EIO once every holder of the terminal side has closed it.
            outputEnded = true
        }
    }

    private static func end(of wanted: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !wanted.isEmpty else { return start }
        guard haystack.count - start >= wanted.count else { return nil }
        for offset in start...(haystack.count - wanted.count) where haystack[offset] == wanted[0] {
            if haystack[offset..<(offset + wanted.count)].elementsEqual(wanted) {
                return offset + wanted.count
            }
        }
        return nil
    }

    // WIFEXITED/WEXITSTATUS are C macros Swift does not import.
    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

/// posix_openpt, grantpt, unlockpt and ptsname_r, looked up in the C library at run time:
/// Swift's Glibc module leaves out the X/Open and GNU declarations they live under.
private struct PseudoTerminalFunctions {
    typealias Open = @convention(c) (Int32) -> Int32
    typealias Operate = @convention(c) (Int32) -> Int32
    typealias Name = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32

    let open: Open
    let grant: Operate
    let unlock: Operate
    let name: Name

    init() throws {
        let library = dlopen(nil, RTLD_NOW)
        func lookUp<Function>(_ symbol: String, as type: Function.Type) throws -> Function {
            guard let address = dlsym(library, symbol) else {
                throw PseudoTerminal.Failure(description: "the C library has no '\(symbol)'")
            }
            return unsafeBitCast(address, to: type)
        }
        open = try lookUp("posix_openpt", as: Open.self)
        grant = try lookUp("grantpt", as: Operate.self)
        unlock = try lookUp("unlockpt", as: Operate.self)
        name = try lookUp("ptsname_r", as: Name.self)
    }
}

/// Removes terminal control from a byte stream that arrives in pieces: CSI, OSC and other
/// escape sequences, carriage returns, backspaces and bells (which it counts).
struct EscapeSequenceStripper {
    /// Where in a control sequence the previous byte left the stripper.
    private enum State {
        case text, escape, escapeIntermediate, controlSequence, operatingSystemCommand, operatingSystemCommandEscape
    }

    private var state = State.text
    /// Bells seen so far.
    private(set) var bells = 0

    /// The printable part of `bytes`, given everything stripped before.
    mutating func strip<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var kept: [UInt8] = []
        for byte in bytes {
            switch state {
            case .text:
                switch byte {
                case 0x1B: state = .escape
                case 0x07: bells += 1
                case 0x0A, 0x09: kept.append(byte)
                case 0x00..<0x20, 0x7F: break
                default: kept.append(byte)
                }
            case .escape:
                switch byte {
                case UInt8(ascii: "["): state = .controlSequence
                case UInt8(ascii: "]"): state = .operatingSystemCommand
                case 0x20...0x2F: state = .escapeIntermediate
                default: state = .text
                }
            case .escapeIntermediate:
                if !(0x20...0x2F).contains(byte) { state = .text }
            case .controlSequence:
                if (0x40...0x7E).contains(byte) { state = .text }
            case .operatingSystemCommand:
                if byte == 0x07 { state = .text } else if byte == 0x1B { state = .operatingSystemCommandEscape }
            case .operatingSystemCommandEscape:
                state = .text
            }
        }
        return kept
    }
}
