import BFTestSupport
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A federation across processes on one machine: pods served by `bf pod serve` child
/// processes on 127.0.0.1 from a custodian's bf home, and a modeller with a home of her own
/// who reaches them only through her federation file, as she would pods on other machines.
///
/// The custodian (`carol`) holds the demo federation's data; the modeller (`dana`) exports
/// her key, which carol imports with the role she grants. Servers are stopped (SIGTERM, then
/// SIGKILL) and the scratch folder removed when the network is released.
final class PodNetwork {
    static let custodian = "carol"
    static let modeller = "dana"

    let bf: BFBinary
    let scratch: URL
    let custodianHome: URL
    let modellerHome: URL
    private(set) var servers: [String: ServingProcess] = [:]
    private(set) var relays: [ServingProcess] = []

    /// The repository's tutorial scripts.
    static let tutorials = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/tutorials")

    /// A custodian home with the demo pods (`extraPods` more, from the demo's data, each
    /// approving every other), and a modeller granted `super_modeller` on `granted`.
    init(granted: [String], extraPods: [String] = []) throws {
        bf = try BFBinary.locate()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bf-network-\(UUID().uuidString)")
        custodianHome = scratch.appendingPathComponent("carol-home")
        modellerHome = scratch.appendingPathComponent("dana-home")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try custodian(["demo"])
        if !extraPods.isEmpty {
            let all = ["census-income-demo"] + extraPods
            for name in extraPods {
                let file = scratch.appendingPathComponent("\(name).yaml")
                try """
                pod_name: \(name)
                datasource: CSVSource
                data_config:
                  ignore_cols: [fnlwgt]
                  force_stypes:
                    \(name):
                      categorical: [TARGET, workclass, marital-status, occupation, relationship, race, native-country, gender, education]
                  datasource_args:
                    path: \(custodianHome.appendingPathComponent("demo/census-income-demo.csv").path)
                    seed: \(100 + all.firstIndex(of: name)!)
                other_pods: [\(all.filter { $0 != name }.joined(separator: ", "))]
                """.write(to: file, atomically: true, encoding: .utf8)
                try custodian(["pod", "create", file.path])
            }
            for other in extraPods { try custodian(["pod", "approve", "census-income-demo", other]) }
        }
        let key = scratch.appendingPathComponent("dana.key")
        try modeller(["user", "export", "--out", key.path])
        for pod in granted {
            try custodian(["pod", "grant", pod, "super_modeller", Self.modeller, "--key", key.path])
        }
    }

    deinit {
        for server in servers.values { server.stop() }
        for relay in relays { relay.stop() }
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Runs `bf` as the custodian, failing the test when it fails.
    @discardableResult
    func custodian(_ arguments: [String]) throws -> BFRun {
        try checked(arguments, user: Self.custodian, home: custodianHome)
    }

    /// Runs `bf` as the modeller, failing the test when it fails.
    @discardableResult
    func modeller(_ arguments: [String]) throws -> BFRun {
        try checked(arguments, user: Self.modeller, home: modellerHome)
    }

    @discardableResult
    private func checked(_ arguments: [String], user: String, home: URL) throws -> BFRun {
        let run = try bf.run(["--user", user] + arguments, environment: ["BF_HOME": home.path], timeout: 120)
        guard run.status == 0 else {
            throw BFBinaryError(description: "bf \(arguments.joined(separator: " ")) failed (\(run.status)):\n\(run.standardOutput)\n\(run.standardError)")
        }
        return run
    }

    /// Starts `bf pod serve POD` on 127.0.0.1 (a free port unless `port` is given) and waits
    /// until it listens.
    @discardableResult
    func serve(_ pod: String, port: Int = 0, arguments: [String] = []) throws -> ServingProcess {
        let server = try ServingProcess.pod(pod, bf: bf, user: PodNetwork.custodian, home: custodianHome, port: port, arguments: arguments,
                                          log: scratch.appendingPathComponent("serve-\(pod)-\(UUID().uuidString).log"))
        servers[pod] = server
        return server
    }

    /// Starts `bf pod serve POD --connect RELAY` (the pod listens nowhere) and waits until
    /// the relay accepted it.
    @discardableResult
    func serve(_ pod: String, through relay: ServingProcess, arguments: [String] = []) throws -> ServingProcess {
        let server = try ServingProcess.pod(pod, bf: bf, user: PodNetwork.custodian, home: custodianHome, connect: relay.address, arguments: arguments,
                                          log: scratch.appendingPathComponent("serve-\(pod)-\(UUID().uuidString).log"))
        servers[pod] = server
        return server
    }

    /// Starts `bf relay` on 127.0.0.1 (a free port unless `port` is given) in `home` (the
    /// modeller's unless given), after importing the custodian's key there when `trusting`.
    func relay(port: Int = 0, home: URL? = nil, trusting: Bool = true, arguments: [String] = []) throws -> ServingProcess {
        let home = home ?? modellerHome
        if trusting {
            let key = scratch.appendingPathComponent("carol.key")
            try custodian(["user", "export", "--out", key.path])
            try checked(["user", "import", key.path], user: Self.modeller, home: home)
        }
        let relay = try ServingProcess.relay(bf: bf, user: PodNetwork.modeller, home: home, port: port, arguments: arguments,
                                             log: scratch.appendingPathComponent("relay-\(UUID().uuidString).log"))
        relays.append(relay)
        return relay
    }

    /// Writes the modeller's federation file for the servers running now.
    func writeFederationFile(deadlineSeconds: Int = 30, progressDeadlineSeconds: Int = 60, tls: String = "") throws {
        var text = "pods:\n"
        for (pod, server) in servers.sorted(by: { $0.key < $1.key }) { text += "  \(pod): \(server.address)\n" }
        text += "deadline_seconds: \(deadlineSeconds)\nprogress_deadline_seconds: \(progressDeadlineSeconds)\n" + tls
        try FileManager.default.createDirectory(at: modellerHome, withIntermediateDirectories: true)
        try text.write(to: modellerHome.appendingPathComponent("federation.yaml"), atomically: true, encoding: .utf8)
    }

    /// Runs `script` as the modeller in the scratch folder.
    func runScript(_ script: String, timeout: TimeInterval = 300) throws -> BFRun {
        try bf.run(["--user", Self.modeller, "run", "-"], standardInput: script, environment: ["BF_HOME": modellerHome.path],
                   in: scratch, timeout: timeout)
    }

    /// Tutorial 5's script, with `replacing` applied.
    static func tutorialFive(replacing: [(String, String)] = []) throws -> String {
        var text = try String(contentsOf: tutorials.appendingPathComponent("05_training_a_model_on_two_pods.bf"), encoding: .utf8)
        for (old, new) in replacing {
            XCTAssertTrue(text.contains(old), "tutorial 5 no longer contains \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }
}
