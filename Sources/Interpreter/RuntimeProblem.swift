import Diagnostics
import Language

/// Every way running bf code goes wrong in the interpreter itself, each with its message and
/// what to do about it, as `SyntaxError` catalogues the parser's. (What pods, data and models
/// refuse comes from their layers as `ProblemError`s.) Thrown as `RuntimeError(problem, span:)`.
enum RuntimeProblem: Equatable {
    // Names.
    case unknownName(String, suggestion: String?)
    case usedBeforeAssignment(String, assignedOnLine: Int)
    case reservedOutputName(String)
    case noHelp(String, suggestion: String?)

    // Calls.
    case notCallable(type: String)
    case unknownParameter(function: String, label: String, suggestion: String?, parameters: [String])
    case givenByPositionAndName(function: String, label: String)
    case tooManyPositional(function: String, takes: Int, given: Int, signature: String)
    case missingArgument(function: String, parameter: String, signature: String)
    /// `uncalled` is the built-in given where its result was meant (`schema=combine_schemas`).
    case wrongArgumentType(function: String, parameter: String, expected: String, found: String, excerpt: String,
                           uncalled: String?)
    case builtinFailed(function: String, reason: String)

    // Operators.
    case integerOverflow(operator: String?)
    case badUnaryOperand(operator: String, type: String)
    case unsupportedOperands(operator: String, left: String, right: String)
    case divisionByZero
    case notComparable(operator: String, left: String, right: String)

    // Indexing, attributes and assignment.
    case indexOutOfRange(Int, count: Int)
    case indexNotInteger(container: String, index: String)
    case dictionaryKeyNotString(index: String)
    case missingKey(String, suggestion: String?, keys: [String])
    case computedKeyNotString(type: String)
    case notIndexable(type: String)
    case objectNotIndexable(type: String)
    case noAttribute(type: String, name: String)
    case noObjectAttribute(type: String, name: String, suggestion: String?, candidates: [String])
    case attributeAssignment(String)
    case assignmentIntoExpression
    case assignmentIndexType(container: String, index: String)
    case nestedTooDeep(limit: Int)

    // Rows of results (predictions, tables, training results, query results).
    case rowIndexNotInteger(rows: String, index: String)
    /// Row `Int` of `count` `counted`s (a prediction's "row"s, training results' "round"s).
    case rowOutOfRange(Int, count: Int, noun: String, counted: String, last: String)
    case queryResultIndex(index: String)
    case noQueryResultFromPod(String, pods: [String])

    // The session's state.
    case noPodsChosen(purpose: String)
    case modelNotTrained(canLoad: Bool)
    case modelFileDoesNotFit(path: String, difference: String)

    var problem: Problem { Problem(message, help: help) }

    var message: String {
        switch self {
        case let .unknownName(name, _): "unknown name '\(name)'"
        case let .usedBeforeAssignment(name, _): "'\(name)' is used before it is assigned"
        case let .reservedOutputName(name): "names like '\(name)' are reserved for the values of REPL cells"
        case let .noHelp(name, _): "no help on '\(name)'"
        case let .notCallable(type): "\(type) value is not callable"
        case let .unknownParameter(function, label, _, _): "'\(function)' has no parameter '\(label)'"
        case let .givenByPositionAndName(function, label): "argument '\(label)' of '\(function)' given by position and by name"
        case let .tooManyPositional(function, takes, given, _):
            "'\(function)' " + (takes == 0 ? "takes no positional arguments" : "takes \(takes) positional argument\(takes == 1 ? "" : "s")")
                + " but \(given) were given"
        case let .missingArgument(function, parameter, _): "'\(function)' is missing its required argument '\(parameter)'"
        case let .wrongArgumentType(function, parameter, expected, found, excerpt, _):
            "argument '\(parameter)' of '\(function)' must be \(expected), not \(found) (\(excerpt))"
        case let .builtinFailed(function, reason): "\(function) failed: \(reason)"
        case let .integerOverflow(op): "integer overflow" + (op.map { " in '\($0)'" } ?? "")
        case let .badUnaryOperand(op, type): "bad operand for unary '\(op)': \(type)"
        case let .unsupportedOperands(op, left, right): "unsupported operand types for '\(op)': \(left) and \(right)"
        case .divisionByZero: "division by zero"
        case let .notComparable(op, left, right): "'\(op)' cannot compare \(left) and \(right)"
        case let .indexOutOfRange(position, count): "index \(position) is out of range for \(count) element\(count == 1 ? "" : "s")"
        case let .indexNotInteger(container, index): "\(container) indices must be integers, not \(index)"
        case let .dictionaryKeyNotString(index): "dictionary keys are strings, not \(index)"
        case let .missingKey(key, _, _): "key '\(key)' is not in the dictionary"
        case let .computedKeyNotString(type): "dictionary keys must be strings, not \(type)"
        case let .notIndexable(type): "\(type) value cannot be indexed"
        case let .objectNotIndexable(type): "'\(type)' cannot be indexed"
        case let .noAttribute(type, name): "\(type) value has no attribute '\(name)'"
        case let .noObjectAttribute(type, name, _, _): "'\(type)' has no attribute '\(name)'"
        case let .attributeAssignment(name): "attributes cannot be assigned; '\(name)' is read-only"
        case .assignmentIntoExpression: "only a variable's list or dictionary can be assigned into"
        case let .assignmentIndexType(container, index):
            "cannot assign into \(container) with \(index == "int" ? "an" : "a") \(index) index"
        case let .nestedTooDeep(limit): "lists and dictionaries nested more than \(limit) levels deep"
        case let .rowIndexNotInteger(rows, index): "\(rows) are numbered from 0, not \(index)"
        case let .rowOutOfRange(position, count, noun, counted, _):
            "\(noun) \(position) is out of range: there " + (count == 1 ? "is 1 \(counted)" : "are \(count) \(counted)s")
        case let .queryResultIndex(index): "query results are numbered or named by pod, not \(index)"
        case let .noQueryResultFromPod(pod, pods): "no result from pod '\(pod)'; the results are from " + Self.quoted(pods)
        case let .noPodsChosen(purpose): "no pods to \(purpose)"
        case .modelNotTrained: "the model is not trained yet"
        case let .modelFileDoesNotFit(path, difference): "the model in '\(path)' does not fit this PyTorchTabularClassifier: \(difference)"
        }
    }

    var help: String? {
        switch self {
        case let .unknownName(_, suggestion): suggestion.map { "did you mean '\($0)'?" } ?? "help() lists the built-ins"
        case let .usedBeforeAssignment(_, line): "it is assigned on line \(line); move that line up"
        case .reservedOutputName: "choose another name"
        case let .noHelp(_, suggestion): suggestion.map { "did you mean '\($0)'?" } ?? "help() lists every built-in"
        case .notCallable: "only built-ins and methods are called; leave out the parentheses to use the value"
        case let .unknownParameter(function, _, suggestion, parameters):
            suggestion.map { "did you mean '\($0)'?" }
                ?? (parameters.isEmpty ? "'\(function)' takes no arguments" : "its parameters are " + Self.quoted(parameters))
        case .givenByPositionAndName: "give it once, by position or by name"
        case let .tooManyPositional(_, _, _, signature), let .missingArgument(_, _, signature): "signature: \(signature)"
        case let .wrongArgumentType(_, parameter, expected, _, _, uncalled):
            // Inside parentheses a statement word is a name, not a call: `schema=combine_schemas`.
            uncalled.map { "call it: \($0)(…)" } ?? "give '\(parameter)' \(expected)"
        case .builtinFailed: "bf has no explanation for this error yet: please report it with the script that shows it"
        case .integerOverflow: "use floats, e.g. 1e20"
        case .badUnaryOperand: "'-' and '+' apply to numbers"
        case .unsupportedOperands: "arithmetic applies to numbers, and '+' also joins two strings or two lists"
        case .divisionByZero: "check the divisor before dividing"
        case .notComparable: "compare numbers with numbers and strings with strings"
        case .indexOutOfRange: "indices start at 0, and -1 is the last element"
        case .indexNotInteger: "index with a whole number, e.g. [0]"
        case .dictionaryKeyNotString: "look a key up by its string, e.g. [\"AUC\"]"
        case let .missingKey(_, suggestion, keys):
            suggestion.map { "did you mean '\($0)'?" }
                ?? (keys.isEmpty ? "the dictionary is empty"
                    : "its keys are " + Self.quoted(Array(keys.prefix(8))) + (keys.count > 8 ? ", …" : ""))
        case .computedKeyNotString: "a dictionary is keyed by strings: a string literal or a variable that holds one"
        case .notIndexable: "only lists, strings, dictionaries and tables of results are indexed"
        case .objectNotIndexable: "help() on it lists its attributes and methods"
        case .noAttribute: "only objects have attributes; help() lists the built-ins that make them"
        case let .noObjectAttribute(_, _, suggestion, candidates):
            suggestion.map { "did you mean '\($0)'?" }
                ?? (candidates.isEmpty ? nil : "its attributes and methods are " + Self.quoted(candidates))
        case .attributeAssignment: "build a new object with the values you want instead"
        case .assignmentIntoExpression: "assign the container to a name first"
        case .assignmentIndexType: "index a list with a whole number and a dictionary with a string"
        case .nestedTooDeep: "keep the data flatter; a value that holds itself grows one level at every step"
        case let .rowIndexNotInteger(rows, _): "number \(rows) from 0: [0] is the first"
        case let .rowOutOfRange(_, _, noun, _, last): "\(noun)s are numbered from 0; \(last)[-1] is the last"
        case .queryResultIndex: "give the pod's number from 0 or its name, e.g. [0] or [\"census-income-demo\"]"
        case .noQueryResultFromPod: "name one of the pods the query ran on"
        case .noPodsChosen: "name them, or choose them first: pods \"census-income-demo\", \"census-income-yaml-demo\""
        case let .modelNotTrained(canLoad):
            "train it first: model.fit(…)" + (canLoad ? ", train model, or load one: model.deserialize(path)" : " or train model")
        case let .modelFileDoesNotFit(path, _): "make the model from the file instead: model = load_model(\"\(path)\")"
        }
    }

    private static func quoted(_ names: [String]) -> String {
        names.map { "'\($0)'" }.joined(separator: ", ")
    }
}

extension RuntimeError {
    /// `problem` at `span` (filled in with the failing call's span when nil).
    init(_ problem: RuntimeProblem, span: Span? = nil) {
        self.init(problem.problem, span: span)
    }
}
