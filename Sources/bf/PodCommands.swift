import ArgumentParser
import Federation
import Foundation
import Interpreter
import Transport

/// Where the hub is and who acts: `--home` / `BF_HOME`, `--user` / `BF_USER`.
struct HubOptions: ParsableArguments {
    @Option(help: "The bf home (default: $BF_HOME, else ~/.bf).")
    var home: String?

    @OptionGroup var identity: UserOption

    var homeURL: URL {
        home.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? Hub.home()
    }

    var userName: String? {
        identity.user ?? Hub.user()
    }

    /// Opens the hub and the acting identity, or exits 74 with the reason.
    func open() throws -> (Hub, LocalIdentity) {
        try reportingFailures {
            let hub = try Hub(home: homeURL, dialer: GRPCPodDialer())
            return (hub, try hub.identity(named: userName))
        }
    }
}

/// Runs `body`; a federation error is printed as bf prints errors and ends the command with
/// exit status 74 when the store or a file could not be used, else 65 (the request was wrong).
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as FederationError {
        Console.error(error)
        throw ExitCode(error.isInputOutput ? ScriptRunner.Status.io : ScriptRunner.Status.syntax)
    }
}

/// A pod owner's action: opens the hub, resolves the pod, acts, and prints what changed.
func ownerAction(_ options: HubOptions, pod: String, _ act: (Hub, PodIdentifier, LocalIdentity) throws -> String) throws {
    let (hub, identity) = try options.open()
    try reportingFailures { print(try act(hub, try hub.resolvePod(pod), identity)) }
}

extension BF {
    /// `bf pod …`: create pods from YAML, list them, manage roles and approvals.
    struct PodCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pod", abstract: "Create pods and manage who may use them.",
            subcommands: [Create.self, List.self, Grant.self, Revoke.self, Approve.self, Unapprove.self, RowPredictions.self, Privacy.self,
                          Remove.self, Roles.self, Serve.self])

        struct Roles: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "roles", abstract: "Show which role allows which task (as a Markdown table).")

            func run() throws {
                print(RolePermissions.markdown)
            }
        }

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a pod from a YAML file (tutorial 2's fields).")
            @ArgumentParser.Argument(help: "The pod's YAML file.") var file: String
            @Flag(help: "Replace a pod of the same name.") var replace = false
            @OptionGroup var hubOptions: HubOptions

            func run() async throws {
                let (hub, identity) = try hubOptions.open()
                let pod = try reportingFailures {
                    try hub.createPod(fromYAML: URL(fileURLWithPath: file), owner: identity, replacing: replace,
                                      notes: { note in Console.error("note: \(note)\n") },
                                      downloads: Console.report)
                }
                print("pod '\(pod.identifier)' is ready: \(pod.rowCount) row\(pod.rowCount == 1 ? "" : "s")")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List the pods with your role on each.")
            @OptionGroup var hubOptions: HubOptions

            func run() async throws {
                let (hub, identity) = try hubOptions.open()
                let listings = try await Modeller(hub: hub, identity: identity).pods()
                print(PodListing.table(listings).rendered())
            }
        }

        struct Grant: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "grant", abstract: "Give a user a role on your pod.")
            @ArgumentParser.Argument(help: "Your pod.") var pod: String
            @ArgumentParser.Argument(help: "super_modeller, general_modeller, dp_modeller or schema_viewer.") var role: String
            @ArgumentParser.Argument(help: "The user (of this bf home, or whose key --key gives).") var user: String
            @Option(help: ArgumentHelp("The user's key file from 'bf user export', for a user of another machine.", valueName: "file"))
            var key: String?
            @OptionGroup var hubOptions: HubOptions

            func run() async throws {
                try ownerAction(hubOptions, pod: pod) { hub, pod, owner in
                    let role = try Role(parsing: role)
                    if let key {
                        let imported = try UserKeyFile.read(URL(fileURLWithPath: key))
                        guard imported.user == user else { throw UserKeyMismatch(file: key, user: user, found: imported.user) }
                        try hub.importUser(imported)
                    }
                    try hub.grant(role, to: user, on: pod, by: owner)
                    return "\(user) is now \(role.rawValue) on \(pod)"
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Take a role on your pod away from a user.")
            @ArgumentParser.Argument(help: "Your pod.") var pod: String
            @ArgumentParser.Argument(help: "The role.") var role: String
            @ArgumentParser.Argument(help: "The local user.") var user: String
            @OptionGroup var hubOptions: HubOptions

            func run() async throws {
                try ownerAction(hubOptions, pod: pod) { hub, pod, owner in
                    let role = try Role(parsing: role)
                    try hub.revoke(role, from: user, on: pod, by: owner)
                    return "\(user) is no longer \(role.rawValue) on \(pod)"
                }
            }
        }

        struct Approve: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "approve", abstract: "Let your pod take part in secure aggregation with another pod.")
            @ArgumentParser.Argument(help: "Your pod.") var pod: String
            @ArgumentParser.Argument(help: "The pod it accepts as a partner (owner/name for a pod of another machine).") var other: String
            @OptionGroup var hubOptions: HubOptions

            func run() async throws {
                try ownerAction(hubOptions, pod: pod) { hub, pod, owner in
                    // A partner on another machine is named owner/name; its owner's key comes
                    // in with 'bf user import'.
                    let other = other.contains("/") ? try PodIdentifier(parsing: other) : try hub.resolvePod(other)
                    try hub.approve(other, on: pod, by: owner)
                    return "\(pod) now approves \(other)"
                }
            }
        }

        struct Unapprove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "unapprove", abstract: "Withdraw your pod's approval of another pod.")
            @ArgumentParser.Argument(help: "Your pod.") var pod: String
            @ArgumentParser.Argument(help: "The pod it no longer accepts.") var other: String
            @OptionGroup var hubOptions: HubOptions

            func run() async throws {
                try ownerAction(hubOptions, pod: pod) { hub, pod, owner in
                    let other = try hub.resolvePod(other)
                    try hub.unapprove(other, on: pod, by: owner)
                    return "\(pod) no longer approves \(other)"
                }
            }
        }

        struct RowPredictions: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "row-predictions",
                abstract: "Let model.predict() take each test row's scores from your pod (on), or class counts only (off, the default).")
            @ArgumentParser.Argument(help: "Your pod.") var pod: String
            @ArgumentParser.Argument(help: "on or off.") var setting: String
            @OptionGroup var hubOptions: HubOptions

            func validate() throws {
                guard ["on", "off"].contains(setting) else { throw ValidationError("expected 'on' or 'off', not '\(setting)'") }
            }

            func run() async throws {
                try ownerAction(hubOptions, pod: pod) { hub, pod, owner in
                    try hub.setRowPredictions(setting == "on", on: pod, by: owner)
                    return setting == "on" ? "\(pod) now lets each test row's prediction scores leave it"
                        : "\(pod) now sends class counts only"
                }
            }
        }

        struct Privacy: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "privacy",
                abstract: "Limit differentially private training on your pod (the YAML's differential_privacy section).",
                discussion: """
                    Without options, shows the pod's limits and the ε its tasks have spent. With options, \
                    sets the limits: a limit left out is no limit, and --off removes them all. What tasks \
                    have spent stays spent.
                    """)
            @ArgumentParser.Argument(help: "Your pod.") var pod: String
            @ArgumentParser.Option(help: "The most ε one task may ask for.") var epsilon: Double?
            @ArgumentParser.Option(help: "The largest δ a task may use (default 1e-06).") var delta: Double?
            @ArgumentParser.Option(help: "The most ε one modeller's tasks may spend in all.") var maxEpsilonPerModeller: Double?
            @ArgumentParser.Option(help: "The most ε all modellers' tasks may spend in all.") var maxEpsilonTotal: Double?
            @ArgumentParser.Flag(help: "Remove the limits.") var off = false
            @OptionGroup var hubOptions: HubOptions

            private var limits: [(name: String, value: Double?)] {
                [("--epsilon", epsilon), ("--max-epsilon-per-modeller", maxEpsilonPerModeller), ("--max-epsilon-total", maxEpsilonTotal)]
            }

            func validate() throws {
                for (name, value) in limits {
                    if let value, !(value.isFinite && value > 0) { throw ValidationError("\(name) must be a number above 0, not \(value)") }
                }
                if let delta, !(delta > 0 && delta < 1) { throw ValidationError("--delta must be above 0 and below 1, not \(delta)") }
                if off, let given = limits.first(where: { $0.value != nil })?.name ?? (delta == nil ? nil : "--delta") {
                    throw ValidationError("--off removes every limit, so it cannot go with \(given)")
                }
            }

            func run() async throws {
                let setting = off || delta != nil || limits.contains { $0.value != nil }
                try ownerAction(hubOptions, pod: pod) { hub, pod, owner in
                    guard setting else {
                        let (policy, spent) = try hub.privacyLimits(of: pod, by: owner)
                        let limits = policy.map { "limits differentially private training: \($0.summary)" } ?? "has no privacy limits"
                        return "\(pod) \(limits); its tasks have spent ε \(PrivacySpentReport.format(spent)) in all"
                    }
                    let policy = off ? nil : PodPrivacyPolicy(maxEpsilonPerTask: epsilon, maxEpsilonPerModeller: maxEpsilonPerModeller,
                                                              maxEpsilonTotal: maxEpsilonTotal, delta: delta ?? PrivacyRequest.defaultDelta)
                    try hub.setPrivacyPolicy(policy, on: pod, by: owner)
                    return policy.map { "\(pod) now limits differentially private training: \($0.summary)" }
                        ?? "\(pod) has no privacy limits now"
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove your pod from the hub (its data file stays).")
            @ArgumentParser.Argument(help: "Your pod.") var pod: String
            @OptionGroup var hubOptions: HubOptions

            func run() async throws {
                try ownerAction(hubOptions, pod: pod) { hub, pod, owner in
                    try hub.removePod(pod, by: owner)
                    return "removed \(pod)"
                }
            }
        }
    }

    /// `bf demo`: (re)create the demo federation of the tutorials.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Create the demo federation: the census pods of the tutorials, and the user 'alice'.")
        @OptionGroup var hubOptions: HubOptions

        func run() async throws {
            let (hub, identity) = try hubOptions.open()
            let demo = try reportingFailures { try DemoFederation.create(hub: hub, owner: identity) }
            print("demo federation in \(hub.home.path) (data in \(demo.directory.path)):")
            print(PodListing.table(try await Modeller(hub: hub, identity: identity).pods()).rendered())
        }
    }
}

extension Console {
    /// Shows what the owner should know about a pod's downloaded data on standard error.
    static func report(_ note: DataDownloadNote) {
        error("\(note.isWarning ? "warning" : "note"): \(note)\n")
    }
}
