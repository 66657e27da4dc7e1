/// Stand-ins for the Python set-up lines of Bitfount's tutorial notebooks, so that their
/// cells paste and run as they are: `nest_asyncio.apply()`, `logging.getLogger(__name__)`,
/// `setup_loggers([...])`. Each does nothing that bf needs and says so once per session;
/// none is an unknown name.
enum NotebookStandIns {
    static let table = BuiltinTable(functions: [setupLoggers],
                                    types: [NestAsyncioModule.type, LoggingModule.type, LoggerObject.type])

    /// Every name of the stand-ins, which completion leaves out.
    static let names: Set<String> = Set(variables.keys).union(table.functionNames)

    /// The names a session starts with, beside the built-ins.
    static var variables: [String: Value] {
        ["nest_asyncio": .object(NestAsyncioModule()), "logging": .object(LoggingModule()), "__name__": .string("__main__")]
    }

    static let setupLoggers = Builtin(
        "setup_loggers",
        parameters: [Parameter("loggers", .any, default: Value.list([]), "loggers from logging.getLogger")],
        summary: "accepted for Bitfount's notebooks: bf shows a task's progress and errors itself",
        details: "Bitfount's notebooks call setup_loggers([logging.getLogger(\"bitfount\")]) to see a task's progress. "
            + "bf always shows it, so this returns its argument and does nothing else."
    ) { arguments in
        arguments.context.noteOnce("setup_loggers", "note: setup_loggers does nothing in bf: bf shows a task's progress and errors itself")
        return arguments["loggers"]
    }

    static let applyMethod = Builtin(
        "apply",
        summary: "accepted for Bitfount's notebooks: bf needs no nested event loop"
    ) { arguments in
        arguments.context.noteOnce("nest_asyncio", "note: nest_asyncio.apply() does nothing in bf: bf runs tasks without Jupyter's event loop")
        return .none
    }

    static let getLoggerMethod = Builtin(
        "getLogger",
        parameters: [Parameter("name", .any, default: Value.none, "the logger's name")],
        summary: "a logger whose messages bf prints as notes",
        returns: LoggerObject.type
    ) { arguments in
        if case .string(let name) = arguments["name"] { return .object(LoggerObject(name: name)) }
        return .object(LoggerObject(name: "root"))
    }

    static let basicConfigMethod = Builtin(
        "basicConfig",
        parameters: [Parameter("level", .any, kind: .keyword, default: Value.none, "ignored"),
                     Parameter("format", .any, kind: .keyword, default: Value.none, "ignored")],
        summary: "accepted for Python code: bf's notes need no configuration"
    ) { _ in .none }

    static let setLevelMethod = Builtin(
        "setLevel",
        parameters: [Parameter("level", .any, "ignored")],
        summary: "accepted for Python code: bf prints every message"
    ) { _ in .none }

    static let logMethods: [Builtin] = ["debug", "info", "warning", "error", "critical"].map { level in
        Builtin(level, parameters: [Parameter("message", .any, "the message")], summary: "print a \(level) message as a note") { arguments in
            let message = arguments["message"].printed(in: arguments.context.displayContext)
            arguments.context.notice("\(level): \(message)")
            return .none
        }
    }
}

/// `nest_asyncio`, whose `apply()` Bitfount's notebooks call because Jupyter has an event loop.
final class NestAsyncioModule: RuntimeObject {
    static let type = ObjectType(name: "nest_asyncio", summary: "a stand-in for the Python module; apply() does nothing in bf",
                                 methods: [NotebookStandIns.applyMethod])
    var objectType: ObjectType { Self.type }
    func display(in context: DisplayContext) -> String { "<module 'nest_asyncio' (a stand-in: bf needs no event loop patch)>" }
}

/// `logging`, for `logging.getLogger(...)`, `logging.warning(...)` and `logging.INFO` in pasted Python.
final class LoggingModule: RuntimeObject {
    static let levels: [String: Int] = ["DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50]
    static let type = ObjectType(name: "logging", summary: "a stand-in for the Python module: loggers print as notes",
                                 methods: [NotebookStandIns.getLoggerMethod, NotebookStandIns.basicConfigMethod] + NotebookStandIns.logMethods,
                                 attributes: levels.sorted { $0.key < $1.key }.map { level, number in
                                     .of(LoggingModule.self, level) { _ in .int(number) }
                                 })
    var objectType: ObjectType { Self.type }
    func display(in context: DisplayContext) -> String { "<module 'logging' (a stand-in)>" }
}

/// A logger from `logging.getLogger(name)`: its messages are printed as notes.
final class LoggerObject: RuntimeObject {
    static let type = ObjectType(name: "Logger", summary: "a logger; its messages are printed as notes",
                                 methods: [NotebookStandIns.setLevelMethod] + NotebookStandIns.logMethods,
                                 attributes: [.of(LoggerObject.self, "name") { .string($0.name) }])
    let name: String
    var objectType: ObjectType { Self.type }

    init(name: String) { self.name = name }

    func display(in context: DisplayContext) -> String { "<Logger \(name)>" }
}
