// Networked figures of the federated benchmark (issue 7): pods served by `bf pod serve`
// child processes on 127.0.0.1, the modeller in this process reaching them over gRPC.
//
//   bf-bench-networked overhead --bf PATH [--rounds 200] [--repetitions 5]
//       rounds/s of a tiny model on the two tutorial pods, plain and secure, networked and
//       embedded in the same run
//   bf-bench-networked relay --bf PATH [--rounds 200] [--repetitions 5]
//       rounds/s of the same tiny model, plain and secure, with the pods dialled directly
//       and with the pods attached to a `bf relay` process (issue 14), alternating
//   bf-bench-networked tutorial --bf PATH --script FILE [--repetitions 3]
//       tutorial 5 with `bf run`, embedded (the pods' owner, in process) and networked (a
//       modeller whose federation file points at the two servers), alternating
//
// Prints one JSON object per measurement.
import BenchmarkSupport
import Federation
import Foundation
import Learning
import Transport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Options {
    var command = ""
    var bf = ""
    var script = ""
    var rounds = 200
    var repetitions = 5

    init(_ arguments: [String]) throws {
        guard let first = arguments.first else { throw BenchError("usage: bf-bench-networked overhead|relay|tutorial --bf PATH …") }
        command = first
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--bf": bf = value
            case "--script": script = value
            case "--rounds": rounds = Int(value) ?? 0
            case "--repetitions": repetitions = Int(value) ?? 0
            default: throw BenchError("unknown flag \(flag)")
            }
        }
        guard !bf.isEmpty, rounds > 0, repetitions > 0 else { throw BenchError("give --bf PATH and positive counts") }
    }
}

/// The demo pods in the owner's home, served by `bf pod serve` processes, and a modeller with
/// a home of her own whose federation file lists the servers.
final class ServedFederation {
    static let pods = ["census-income-demo", "census-income-yaml-demo"]
    /// The modeller who reaches the pods through the relay.
    static let relayedModeller = "rita"
    let ownerHome: URL
    let modellerHome: URL
    let ownerHub: Hub
    let modellerHub: Hub
    let owner: LocalIdentity
    let modeller: LocalIdentity
    /// A second modeller home whose federation file names the same pods attached to a relay
    /// (`bf relay` run from that home), when asked for.
    private(set) var relayedHub: Hub?
    private var servers: [Process] = []

    init(bf: String, relayed: Bool = false) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bf-bench-networked-\(UUID().uuidString)")
        ownerHome = scratch.appendingPathComponent("owner")
        modellerHome = scratch.appendingPathComponent("modeller")
        ownerHub = try Hub(home: ownerHome)
        owner = try ownerHub.identity(named: "olivia")
        _ = try DemoFederation.create(hub: ownerHub, owner: owner)
        modellerHub = try Hub(home: modellerHome, dialer: GRPCPodDialer())
        modeller = try modellerHub.identity(named: "dana")
        try ownerHub.importUser(UserKeyFile(modeller))
        var entries = "pods:\n"
        for pod in Self.pods {
            try ownerHub.grant(.superModeller, to: modeller.name, on: try ownerHub.resolvePod(pod), by: owner)
            let address = try start(bf: bf, ["--user", owner.name, "pod", "serve", pod, "--listen", "127.0.0.1:0",
                                             "--max-calls-per-second", "100000"], home: ownerHome, log: "serve-\(pod)")
            entries += "  \(pod): \(address)\n"
        }
        try entries.write(to: modellerHome.appendingPathComponent(FederationFile.fileName), atomically: true, encoding: .utf8)
        guard relayed else { return }

        // A second modeller, in a home of her own that runs the relay and trusts the owner's key.
        let relayHome = scratch.appendingPathComponent("relay")
        let relayHub = try Hub(home: relayHome, dialer: GRPCPodDialer())
        let relayModeller = try relayHub.identity(named: Self.relayedModeller)
        try relayHub.importUser(UserKeyFile(owner))
        try ownerHub.importUser(UserKeyFile(relayModeller))
        for pod in Self.pods {
            try ownerHub.grant(.superModeller, to: relayModeller.name, on: try ownerHub.resolvePod(pod), by: owner)
        }
        let relay = try start(bf: bf, ["--user", relayModeller.name, "relay", "--listen", "127.0.0.1:0"], home: relayHome, log: "relay")
            .trimmingCharacters(in: CharacterSet(charactersIn: ":"))
        var relayedEntries = "pods:\n"
        for pod in Self.pods {
            let address = try start(bf: bf, ["--user", owner.name, "pod", "serve", pod, "--connect", relay,
                                             "--max-calls-per-second", "100000"], home: ownerHome, log: "attach-\(pod)")
            relayedEntries += "  \(pod): \(address)\n"
        }
        try relayedEntries.write(to: relayHome.appendingPathComponent(FederationFile.fileName), atomically: true, encoding: .utf8)
        relayedHub = relayHub
    }

    deinit {
        stop()
    }

    /// Stops the servers (and the relay) and removes the homes. Called at the end of the run
    /// too: a global is never deinitialised, and the child processes would outlive the bench.
    func stop() {
        for server in servers where server.isRunning {
            server.terminate()
            server.waitUntilExit()
        }
        servers = []
        try? FileManager.default.removeItem(at: ownerHome.deletingLastPathComponent())
    }

    /// Starts `bf ARGUMENTS` (a pod server or a relay) in `home` and returns the first
    /// address it prints, once it prints one.
    private func start(bf: String, _ arguments: [String], home: URL, log name: String) throws -> String {
        let log = home.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bf)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["BF_HOME": home.path]) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = FileHandle.nullDevice
        try process.run()
        servers.append(process)
        for _ in 0..<1200 {
            let text = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
            if let address = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first(where: { $0.hasPrefix("bf://") }) {
                return String(address)
            }
            usleep(50_000)
        }
        throw BenchError("bf \(arguments.joined(separator: " ")) did not start")
    }
}

/// Rounds/s of the tiny model, networked and embedded, plain and secure.
func overhead(_ options: Options, _ federation: ServedFederation) async throws {
    let networked = Modeller(hub: federation.modellerHub, identity: federation.modeller)
    let embedded = Modeller(hub: federation.ownerHub, identity: federation.owner)
    let specification = try await tinySpecification(networked, steps: options.rounds)
    for secure in [false, true] {
        let trainingOptions = FederatedAveragingOptions(stepsBetweenParameterUpdates: 1, secureAggregation: secure, autoEval: false)
        // A first run of each side loads and encodes the pods' rows.
        _ = try await timedRounds(networked, specification, trainingOptions)
        _ = try await timedRounds(embedded, specification, trainingOptions)
        for repetition in 1...options.repetitions {
            let overNetwork = try await timedRounds(networked, specification, trainingOptions)
            try report("networked", secure, repetition, overNetwork)
            let inProcess = try await timedRounds(embedded, specification, trainingOptions)
            try report("embedded", secure, repetition, inProcess)
        }
    }
}

/// Rounds/s of the tiny model with the pods dialled directly and through a relay, plain and
/// secure.
func relayOverhead(_ options: Options, _ federation: ServedFederation) async throws {
    guard let relayedHub = federation.relayedHub else { throw BenchError("the federation has no relay") }
    let direct = Modeller(hub: federation.modellerHub, identity: federation.modeller)
    let relayed = Modeller(hub: relayedHub, identity: try relayedHub.identity(named: ServedFederation.relayedModeller))
    let specification = try await tinySpecification(direct, steps: options.rounds)
    for secure in [false, true] {
        let trainingOptions = FederatedAveragingOptions(stepsBetweenParameterUpdates: 1, secureAggregation: secure, autoEval: false)
        _ = try await timedRounds(direct, specification, trainingOptions)
        _ = try await timedRounds(relayed, specification, trainingOptions)
        for repetition in 1...options.repetitions {
            try report("networked", secure, repetition, try await timedRounds(direct, specification, trainingOptions), command: "relay")
            try report("relayed", secure, repetition, try await timedRounds(relayed, specification, trainingOptions), command: "relay")
        }
    }
}

/// The tiny model (hidden [4], batch 8, one step per round) of the two pods' combined schema.
func tinySpecification(_ modeller: Modeller, steps: Int) async throws -> ModelSpecification {
    let structure = try DataStructure(target: "TARGET")
    let schema = try await modeller.combineSchemas(ServedFederation.pods, dataStructure: structure)
    let hyperparameters = TrainingHyperparameters(steps: steps, batchSize: 8,
                                                  optimizer: OptimizerConfig(name: "SGD", params: ["lr": 0.001]), seed: 1)
    return try ModelSpecification(schema: schema, architecture: TabularArchitecture(hiddenLayers: [4], hiddenDropouts: [0]),
                                  hyperparameters: hyperparameters)
}

func report(_ side: String, _ secure: Bool, _ repetition: Int, _ timed: (rounds: Int, seconds: Double),
            command: String = "overhead") throws {
    print(try json(["command": command, "side": side, "secure": secure, "repetition": repetition,
                    "rounds": timed.rounds, "round_seconds": timed.seconds,
                    "rounds_per_second": Double(timed.rounds) / timed.seconds]))
}

/// When a training's first round started and its last round ended.
final class RoundClock {
    private let clock = ContinuousClock()
    private var first: ContinuousClock.Instant?
    private var last: ContinuousClock.Instant?

    func record(_ event: TrainingEvent) {
        switch event {
        case .roundStarted: if first == nil { first = clock.now }
        case .roundFinished: last = clock.now
        default: break
        }
    }

    var seconds: Double {
        guard let first, let last else { return 0 }
        return Double((last - first).components.seconds) + Double((last - first).components.attoseconds) / 1e18
    }
}

/// Runs one training of `specification` on the two pods and times its rounds (named
/// functions throughout: the Swift 6.3 optimiser crashed splitting the coroutine when this
/// was written inline).
func timedRounds(_ modeller: Modeller, _ specification: ModelSpecification,
                 _ options: FederatedAveragingOptions) async throws -> (rounds: Int, seconds: Double) {
    let training = try await modeller.training(on: ServedFederation.pods, specification: specification, options: options)
    let clock = RoundClock()
    let results = try await training.run().results { clock.record($0) }
    return (results.rounds.count, clock.seconds)
}

/// Tutorial 5 end to end with `bf run`, embedded and networked, alternating.
func tutorial(_ options: Options, _ federation: ServedFederation) throws {
    let script = try String(contentsOfFile: options.script, encoding: .utf8)
    let sides = [("embedded", federation.owner.name, federation.ownerHome), ("networked", federation.modeller.name, federation.modellerHome)]
    for repetition in 0...options.repetitions {
        for (side, user, home) in sides {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: options.bf)
            process.arguments = ["--user", user, "run", "-"]
            process.environment = ProcessInfo.processInfo.environment.merging(["BF_HOME": home.path]) { $1 }
            process.currentDirectoryURL = home
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let clock = ContinuousClock()
            let start = clock.now
            try process.run()
            input.fileHandleForWriting.write(Data(script.utf8))
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            let elapsed = seconds(clock.now - start)
            guard process.terminationStatus == 0 else { throw BenchError("bf run (\(side)) failed with \(process.terminationStatus)") }
            // Repetition 0 warms both sides (the pods load their data on first use).
            if repetition > 0 {
                print(try json(["command": "tutorial", "side": side, "repetition": repetition, "seconds": elapsed]))
            }
        }
    }
}

let options = try Options(Array(CommandLine.arguments.dropFirst()))
guard ["overhead", "relay", "tutorial"].contains(options.command) else {
    throw BenchError("unknown command \(options.command); use overhead, relay or tutorial")
}
let federation = try ServedFederation(bf: options.bf, relayed: options.command == "relay")
if options.command == "overhead" {
    try await overhead(options, federation)
} else if options.command == "relay" {
    try await relayOverhead(options, federation)
} else {
    try tutorial(options, federation)
}
federation.stop()
