import BFTestSupport
import Federation
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pods as real servers: `bf pod serve` child processes on 127.0.0.1, reached by a modeller
/// through her federation file, running the same scripts as embedded pods.
final class PodServerTests: XCTestCase {
    /// A short task: a small model, one epoch, on `pods` (secure aggregation unless `plain`).
    static func shortTask(_ pods: [String], epochs: Int = 1, plain: Bool = false, extra: String = "") -> String {
        let list = "[" + pods.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        let table = "{" + pods.map { "\"\($0)\": \"\($0)\"" }.joined(separator: ", ") + "}"
        return """
        check_access(\(list), task="train"\(plain ? "" : ", aggregator=\"secure\""))
        datastructure = DataStructure(target="TARGET", table=\(table))
        schema = combine_pod_schemas(\(list))
        model = PyTorchTabularClassifier(datastructure=datastructure, schema=schema, epochs=\(epochs), batch_size=64,
                                         hidden_layers=[16])
        results = model.fit(pod_identifiers=\(list)\(plain ? "" : ", aggregator=SecureAggregator()")\(extra))
        print("trained", len(results), "rounds")
        """
    }

    func testTutorialFiveOverTheNetworkEqualsTheEmbeddedRunPlainAndSecure() throws {
        let network = try PodNetwork(granted: ["census-income-demo", "census-income-yaml-demo"])
        try network.serve("census-income-demo")
        try network.serve("census-income-yaml-demo")
        try network.writeFederationFile()

        let plainScript = try PodNetwork.tutorialFive(replacing: [("    aggregator=SecureAggregator(),\n", "")])
        for (label, script) in [("secure", try PodNetwork.tutorialFive()), ("plain", plainScript)] {
            let remote = try network.runScript(script)
            XCTAssertEqual(remote.status, 0, "\(label):\n\(remote.standardOutput)\n\(remote.standardError)")
            XCTAssertTrue(remote.standardOutput.contains("carol/census-income-demo accepted"), remote.standardOutput)
            XCTAssertTrue(remote.standardOutput.contains("round 2: AUC"), remote.standardOutput)
            XCTAssertTrue(remote.standardOutput.contains("saved the model to part_5_model.pt"), remote.standardOutput)

            // The same script run by the pods' owner on the embedded pods trains the same model
            // (checked once: each run of the full tutorial model takes half a minute in debug).
            guard label == "secure" else { continue }
            let embedded = try network.bf.run(["--user", PodNetwork.custodian, "run", "-"], standardInput: script,
                                              environment: ["BF_HOME": network.custodianHome.path], in: network.scratch, timeout: 300)
            XCTAssertEqual(embedded.status, 0, embedded.standardError)
            XCTAssertEqual(Self.metricLines(remote.standardOutput), Self.metricLines(embedded.standardOutput), label)
            XCTAssertFalse(Self.metricLines(remote.standardOutput).isEmpty)
        }
        let log = network.servers["census-income-demo"]!.log
        XCTAssertTrue(log.contains("dana OpenTask ok"), log)
        XCTAssertTrue(log.contains("dana KeyShare ok"), log)
        XCTAssertTrue(log.contains("dana Train ok (round 2)"), log)
    }

    func testFivePodServersTrainWithSecureAggregation() throws {
        let extra = ["census-income-p2", "census-income-p3", "census-income-p4", "census-income-p5"]
        let pods = ["census-income-demo"] + extra
        let network = try PodNetwork(granted: pods, extraPods: extra)
        for pod in pods { try network.serve(pod) }
        try network.writeFederationFile()
        let run = try network.runScript(Self.shortTask(pods))
        XCTAssertEqual(run.status, 0, run.standardOutput + run.standardError)
        for pod in pods { XCTAssertTrue(run.standardOutput.contains("carol/\(pod) accepted"), run.standardOutput) }
        XCTAssertTrue(run.standardOutput.contains("trained 1 rounds"), run.standardOutput)
    }

    func testSecureTrainingGoesOnWhenAPodServerIsKilled() throws {
        let extra = ["census-income-p2", "census-income-p3", "census-income-p4", "census-income-p5"]
        let pods = ["census-income-demo"] + extra
        let network = try PodNetwork(granted: pods, extraPods: extra)
        var servers: [ServingProcess] = []
        for pod in pods { servers.append(try network.serve(pod)) }
        try network.writeFederationFile(deadlineSeconds: 10, progressDeadlineSeconds: 10)
        let list = "[" + pods.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        let table = "{" + pods.map { "\"\($0)\": \"\($0)\"" }.joined(separator: ", ") + "}"
        let modeller = try BackgroundRun(network, script: """
            datastructure = DataStructure(target="TARGET", table=\(table))
            schema = combine_pod_schemas(\(list))
            model = PyTorchTabularClassifier(datastructure=datastructure, schema=schema, steps=1200, batch_size=64, hidden_layers=[16])
            results = model.fit(pod_identifiers=\(list), aggregator=SecureAggregator(threshold=3), require_all_pods=False,
                                steps_between_parameter_updates=300, auto_eval=False)
            print("trained", len(results), "rounds;", len(results[-1]["pods"]), "pods in the last")
            """)
        let victim = servers[4]
        try waitFor("the first round", timeout: 180) { victim.log.contains("Train ok (round 1)") }
        victim.signal(SIGKILL)
        let result = try modeller.wait(timeout: 300)
        XCTAssertEqual(result.status, 0, result.standardOutput + result.standardError)
        XCTAssertTrue(result.standardOutput.contains("secure aggregation that goes on when pods drop"), result.standardOutput)
        XCTAssertTrue(result.standardError.contains("warning: carol/census-income-p5 dropped out in round "), result.standardError)
        XCTAssertTrue(result.standardOutput.contains("trained 4 rounds; 4 pods in the last"), result.standardOutput)
        // The survivors unmasked the sum: each answered an unmasking request after the drop.
        XCTAssertTrue(servers[0].log.contains("SecureAggregationStep ok"), servers[0].log)
    }

    func testRefusalsAreExplainedAndTheServerKeepsServing() throws {
        let network = try PodNetwork(granted: ["census-income-demo"])
        let server = try network.serve("census-income-demo")
        try network.serve("census-income-unapproved")
        try network.writeFederationFile()

        // A user the pod's home does not know.
        let stranger = try network.bf.run(["--user", "eve", "-c", "print(get_pod_schema(\"census-income-demo\"))"],
                                          environment: ["BF_HOME": network.modellerHome.path])
        XCTAssertNotEqual(stranger.status, 0)
        XCTAssertTrue(stranger.standardError.contains("does not know user 'eve'"), stranger.standardError)
        XCTAssertTrue(server.log.contains("eve Describe refused"), server.log)

        // An address that names another pod than the one served there.
        let misdirected = server.address.replacingOccurrences(of: "/census-income-demo", with: "/census-income-yaml-demo")
        let wrongPod = try network.bf.run(["--user", PodNetwork.modeller, "-c", "print(get_pod_schema(\"\(misdirected)\"))"],
                                          environment: ["BF_HOME": network.modellerHome.path])
        XCTAssertNotEqual(wrongPod.status, 0)
        XCTAssertTrue(wrongPod.standardError.contains("is for pod 'census-income-yaml-demo', but this server serves 'carol/census-income-demo'"),
                      wrongPod.standardError)

        // The pod's own refusals read as they do in process: no role, and no approval for secure aggregation.
        let access = try network.runScript("""
            check_access(["census-income-demo", "census-income-unapproved"], task="train", aggregator="secure")
            """)
        XCTAssertEqual(access.status, 0, access.standardError)
        XCTAssertTrue(access.standardOutput.contains("refused: this pod has not approved 'carol/census-income-unapproved'"), access.standardOutput)
        XCTAssertTrue(access.standardOutput.contains("refused: 'dana' has no permissions on this pod"), access.standardOutput)

        // A second server cannot take the port, and says so.
        let clash = try network.bf.run(["--user", PodNetwork.custodian, "pod", "serve", "census-income-demo", "--listen",
                                        "127.0.0.1:\(server.port)"], environment: ["BF_HOME": network.custodianHome.path], timeout: 60)
        XCTAssertEqual(clash.status, 74, clash.standardError)
        XCTAssertTrue(clash.standardError.contains("error: cannot listen on 127.0.0.1:\(server.port)"), clash.standardError)

        // Still serving.
        let schema = try network.runScript("print(len(get_pod_schema(\"census-income-demo\").columns) > 5)")
        XCTAssertEqual(schema.status, 0, schema.standardError)
        XCTAssertTrue(server.process.isRunning)

        // SIGTERM stops it cleanly.
        server.signal(SIGTERM)
        XCTAssertEqual(server.waitForExit(seconds: 20), 0, server.log)
        XCTAssertTrue(server.log.contains("stopped serving carol/census-income-demo"), server.log)
    }

    func testAServedPodEnforcesItsPrivacyBudgetAndRemembersItAcrossARestart() throws {
        let network = try PodNetwork(granted: ["census-income-demo"])
        try network.custodian(["pod", "privacy", "census-income-demo", "--epsilon", "3", "--max-epsilon-per-modeller", "4",
                               "--delta", "1e-5"])
        let server = try network.serve("census-income-demo")
        try network.writeFederationFile()
        let privateTask = Self.shortTask(["census-income-demo"], plain: true, extra: ", privacy=DPModellerConfig(epsilon=3)")
        let first = try network.runScript(privateTask)
        XCTAssertEqual(first.status, 0, first.standardOutput + first.standardError)
        XCTAssertTrue(first.standardOutput.contains("privacy budget"), first.standardOutput)
        XCTAssertTrue(first.standardOutput.contains("privacy spent: census-income-demo ε 3 (δ 1e-05)"), first.standardOutput)

        server.signal(SIGTERM)
        XCTAssertEqual(server.waitForExit(seconds: 20), 0, server.log)
        try network.serve("census-income-demo", port: server.port)
        let access = try network.runScript("check_access([\"census-income-demo\"], task=\"train\")")
        XCTAssertTrue(access.standardOutput.contains("ε up to 3 a task, 1 of 4 left to you; δ up to 1e-05; you have spent ε 3"),
                      access.standardOutput)
        let second = try network.runScript(privateTask)
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(second.standardError.contains("the task asks for ε 3, but your privacy budget on this pod has ε 1 left"),
                      second.standardError)
    }

    func testAPodNamedByAddressOrAliasIsTheSamePodInTheTableMapTheChecksAndTheResults() throws {
        let network = try PodNetwork(granted: Self.tutorialPods)
        let a = try network.serve("census-income-demo").address
        let b = try network.serve("census-income-yaml-demo").address
        try "pods:\n  hospital-b: \(b)\n".write(to: network.modellerHome.appendingPathComponent("federation.yaml"),
                                                  atomically: true, encoding: .utf8)
        let names = "a = \"\(a)\"\nb = \"hospital-b\"\npods = [a, b]\n"
        let run = try network.runScript(names + """
            check_access(pods, task="train", aggregator="secure")
            ds = DataStructure(target="TARGET", table={a: "census-income-demo", b: "census-income-yaml-demo"})
            schema = combine_pod_schemas(pods, datastructure=ds)
            print("combined", schema.pods)
            model = PyTorchTabularClassifier(datastructure=ds, schema=schema, epochs=1, batch_size=64, hidden_layers=[16])
            results = model.fit(pod_identifiers=pods, aggregator=SecureAggregator())
            print("trained", len(results), "rounds")
            counts = SqlQuery("SELECT COUNT(*) AS n FROM df").execute(pods)
            print(counts[a].rows == counts["census-income-demo"].rows, counts[b].rows == counts["carol/census-income-yaml-demo"].rows)
            """)
        XCTAssertEqual(run.status, 0, run.standardOutput + run.standardError)
        XCTAssertTrue(run.standardOutput.contains("combined ['carol/census-income-demo', 'carol/census-income-yaml-demo']"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("trained 1 rounds"), run.standardOutput)
        XCTAssertTrue(run.standardOutput.contains("True True"), run.standardOutput)

        // A key naming the wrong table, and a key naming no pod, are reported.
        let wrongTable = try network.runScript(names + """
            combine_pod_schemas(pods)
            DataStructure(target="TARGET", table={a: "census-income-yaml-demo", b: "census-income-yaml-demo"})
            """)
        XCTAssertEqual(wrongTable.status, 70, wrongTable.standardError)
        XCTAssertTrue(wrongTable.standardError.contains("error: pod 'census-income-demo' has no table 'census-income-yaml-demo'"),
                      wrongTable.standardError)
        let noPod = try network.runScript(names + """
            combine_pod_schemas(pods, datastructure=DataStructure(target="TARGET", table={a: "census-income-demo", "hospital-c": "x"}))
            """)
        XCTAssertEqual(noPod.status, 70, noPod.standardError)
        XCTAssertTrue(noPod.standardError.contains("error: the data structure's table map names 'hospital-c', which is not a pod: "),
                      noPod.standardError)
    }

    func testServingBeyondThisMachineWithoutTLSWarns() throws {
        let network = try PodNetwork(granted: [])
        let loopback = try network.serve("census-income-demo")
        XCTAssertFalse(loopback.log.contains("warning"), loopback.log)
        let open = try network.serve("census-income-yaml-demo", arguments: ["--listen", "0.0.0.0:0"])
        XCTAssertTrue(open.log.contains("warning: serving on 0.0.0.0:0 without TLS: calls are signed but not encrypted"), open.log)
        XCTAssertTrue(open.log.contains("help: turn TLS on with --tls-cert FILE --tls-key FILE, and add --tls-ca FILE"), open.log)
    }

    func testSIGTERMStopsTheServerWithinASecondWhileALongQueryRuns() throws {
        // A query the pod allows that takes seconds: values grown by nested replace, below the
        // pod's time limit and its longest value.
        let network = try PodNetwork(granted: ["census-income-demo"])
        let server = try network.serve("census-income-demo")
        try network.writeFederationFile(deadlineSeconds: 300)
        let modeller = try BackgroundRun(network, script: """
            print(SqlQuery("SELECT SUM(length(replace(replace(replace(replace(replace(occupation, 'a', 'aaaaaaaaaa'), 'a', 'aaaaaaaaaa'), 'a', 'aaaaaaaaaa'), 'a', 'aaaaaaaaaa'), 'a', 'aaaaaaaaaa'))) FROM df").execute(pod_identifiers=["census-income-demo"]))
            """)
        defer { modeller.kill() }
        let pod = try PodIdentifier(parsing: "carol/census-income-demo")
        let custodian = try Hub(home: network.custodianHome)
        try waitFor("the pod to accept the query", timeout: 60) {
            (try? custodian.auditLog(for: pod).contains { $0.taskKind == .sql && $0.accepted }) == true
        }
        usleep(300_000)
        XCTAssertFalse(server.log.contains("dana Query"), "the query must still run when the server is told to stop:\n\(server.log)")

        let signalled = Date()
        server.signal(SIGTERM)
        let status = server.waitForExit(seconds: 10)
        let elapsed = Date().timeIntervalSince(signalled)
        XCTAssertEqual(status, 0, server.log)
        XCTAssertLessThan(elapsed, 2, server.log)
        XCTAssertTrue(server.log.contains("stopped serving carol/census-income-demo"), server.log)
    }

    /// The tutorial's two pods served, and a long plain task past its first round; the
    /// second pod's server is the one returned.
    private func longTaskPastItsFirstRound(progressDeadlineSeconds: Int)
        throws -> (network: PodNetwork, server: ServingProcess, modeller: BackgroundRun) {
        let network = try PodNetwork(granted: Self.tutorialPods)
        try network.serve(Self.tutorialPods[0])
        let server = try network.serve(Self.tutorialPods[1])
        try network.writeFederationFile(deadlineSeconds: 10, progressDeadlineSeconds: progressDeadlineSeconds)
        let modeller = try BackgroundRun(network, script: Self.shortTask(Self.tutorialPods, epochs: 30, plain: true))
        try waitFor("the first round", timeout: 120) { server.log.contains("Train ok (round 1)") }
        return (network, server, modeller)
    }

    static let tutorialPods = ["census-income-demo", "census-income-yaml-demo"]

    func testAKilledPodIsNamedAndARestartedPodServesTheNextTask() throws {
        let pods = Self.tutorialPods
        let (network, victim, modeller) = try longTaskPastItsFirstRound(progressDeadlineSeconds: 30)
        victim.signal(SIGKILL)
        let result = try modeller.wait(timeout: 60)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("census-income-yaml-demo"), result.standardError)
        XCTAssertTrue(result.standardError.contains("failed in round"), result.standardError)

        let restarted = try network.serve(pods[1], port: victim.port)
        XCTAssertEqual(restarted.port, victim.port)
        let next = try network.runScript(Self.shortTask(pods, plain: true))
        XCTAssertEqual(next.status, 0, next.standardOutput + next.standardError)
        XCTAssertTrue(next.standardOutput.contains("trained 1 rounds"), next.standardOutput)
    }

    func testAStalledPodHitsTheDeadlineAndADeadModellerLeavesThePodsReady() throws {
        let pods = Self.tutorialPods
        let (network, stalled, modeller) = try longTaskPastItsFirstRound(progressDeadlineSeconds: 3)
        stalled.signal(SIGSTOP)
        let started = Date()
        let result = try modeller.wait(timeout: 60)
        stalled.signal(SIGCONT)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("sent no progress for 3 s"), result.standardError)
        XCTAssertTrue(result.standardError.contains("census-income-yaml-demo"), result.standardError)
        // Within the progress deadline (3 s, checked every 0.75 s) and the exit, well before
        // the progress deadline plus the call deadline (13 s).
        XCTAssertLessThan(Date().timeIntervalSince(started), 7)

        // A modeller killed mid-round: the pods cancel its round and take the next task.
        let doomed = try BackgroundRun(network, script: Self.shortTask(pods, epochs: 30, plain: true))
        let roundsBefore = stalled.log.components(separatedBy: "Train ok").count
        try waitFor("a round of the second task", timeout: 120) { stalled.log.components(separatedBy: "Train ok").count > roundsBefore }
        doomed.kill()
        try network.writeFederationFile(deadlineSeconds: 10, progressDeadlineSeconds: 60)
        let next = try network.runScript(Self.shortTask(pods, plain: true))
        XCTAssertEqual(next.status, 0, next.standardOutput + next.standardError)
    }

    func testTLSWithClientCertificatesAndAWrongCertificateRefused() throws {
        let network = try PodNetwork(granted: ["census-income-demo"])
        let certificates = try TestCertificates(in: network.scratch)
        try network.serve("census-income-demo", arguments: ["--tls-cert", certificates.server.certificate,
                                                            "--tls-key", certificates.server.key, "--tls-ca", certificates.authority])
        let script = "print(len(get_pod_schema(\"census-income-demo\").columns) > 5)"

        try network.writeFederationFile(tls: "tls:\n  ca: \(certificates.authority)\n  certificate: \(certificates.client.certificate)\n  key: \(certificates.client.key)\n")
        let trusted = try network.runScript(script)
        XCTAssertEqual(trusted.status, 0, trusted.standardError)
        XCTAssertTrue(trusted.standardOutput.contains("True"), trusted.standardOutput)
        XCTAssertTrue(network.servers["census-income-demo"]!.log.contains("with TLS"))

        // A client certificate the pod's CA did not sign: the pod refuses it, and the message names it.
        try network.writeFederationFile(tls: "tls:\n  ca: \(certificates.authority)\n  certificate: \(certificates.stranger.certificate)\n  key: \(certificates.stranger.key)\n")
        let wrong = try network.runScript(script)
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.standardError.contains("cannot reach pod bf://127.0.0.1:"), wrong.standardError)
        XCTAssertTrue(wrong.standardError.contains("the pod does not accept this client's certificate '\(certificates.stranger.certificate)'"),
                      wrong.standardError)

        // A CA that did not sign the pod's certificate: the pod is not trusted, and the message names the CA file.
        try network.writeFederationFile(tls: "tls:\n  ca: \(certificates.otherAuthority)\n  certificate: \(certificates.client.certificate)\n  key: \(certificates.client.key)\n")
        let untrusted = try network.runScript(script)
        XCTAssertNotEqual(untrusted.status, 0)
        XCTAssertTrue(untrusted.standardError.contains("the pod's certificate is not trusted: the CA in '\(certificates.otherAuthority)' did not sign it"),
                      untrusted.standardError)
        XCTAssertFalse(untrusted.standardError.contains("preface"), untrusted.standardError)

        try network.writeFederationFile()
        let plaintext = try network.runScript(script)
        XCTAssertNotEqual(plaintext.status, 0)
        XCTAssertTrue(plaintext.standardError.contains("cannot reach pod"), plaintext.standardError)
        XCTAssertTrue(plaintext.standardError.contains("add a tls section to federation.yaml"), plaintext.standardError)
    }

    // MARK: Helpers

    /// The lines that carry a run's numbers: per-round metrics and test metrics.
    static func metricLines(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("round ") || $0.hasPrefix("pooled") || $0.hasPrefix("carol/") && $0.contains("0.") }
    }

    private func waitFor(_ what: String, timeout: TimeInterval, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { throw BFBinaryError(description: "timed out waiting for \(what)") }
            usleep(100_000)
        }
    }
}

/// A modeller's `bf run` in the background, to be waited for or killed.
final class BackgroundRun {
    private let process = Process()
    private let output: URL
    private let error: URL

    init(_ network: PodNetwork, script: String) throws {
        let id = UUID().uuidString
        output = network.scratch.appendingPathComponent("run-\(id).out")
        error = network.scratch.appendingPathComponent("run-\(id).err")
        let input = network.scratch.appendingPathComponent("run-\(id).bf")
        try script.write(to: input, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: error.path, contents: nil)
        process.executableURL = network.bf.url
        process.arguments = ["--user", PodNetwork.modeller, "run", input.path]
        var environment = ProcessInfo.processInfo.environment
        environment["BF_HOME"] = network.modellerHome.path
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.currentDirectoryURL = network.scratch
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: error)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits for the run to end.
    func wait(timeout: TimeInterval) throws -> BFRun {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else {
                kill()
                throw BFBinaryError(description: "the modeller's run did not end within \(Int(timeout)) s:\n\(text(error))")
            }
            usleep(50_000)
        }
        return BFRun(standardOutput: text(output), standardError: text(error), status: process.terminationStatus, timedOut: false)
    }

    /// Kills the run with SIGKILL.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private func text(_ url: URL) -> String {
        String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
    }
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate it signed, and a client
/// certificate from another CA, made with the openssl command.
struct TestCertificates {
    struct Pair {
        let certificate: String
        let key: String
    }

    let authority: String
    /// Another CA, which signed none of the pod's certificates.
    let otherAuthority: String
    let server: Pair
    let client: Pair
    let stranger: Pair

    init(in directory: URL) throws {
        let folder = directory.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        func openssl(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw BFBinaryError(description: "openssl \(arguments.joined(separator: " ")) failed")
            }
        }
        func authority(_ name: String) throws {
            try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                         "-subj", "/CN=\(name)", "-keyout", path("\(name).key"), "-out", path("\(name).pem")])
        }
        func issue(_ name: String, by issuer: String, altName: String?) throws -> Pair {
            try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=\(name)",
                         "-keyout", path("\(name).key"), "-out", path("\(name).csr")])
            var extensions: [String] = []
            if let altName {
                try "subjectAltName=\(altName)\n".write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
                extensions = ["-extfile", path("\(name).ext")]
            }
            try openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(issuer).pem"), "-CAkey", path("\(issuer).key"),
                         "-CAcreateserial", "-days", "2", "-out", path("\(name).pem")] + extensions)
            return Pair(certificate: path("\(name).pem"), key: path("\(name).key"))
        }
        try authority("ca")
        try authority("other-ca")
        self.authority = path("ca.pem")
        otherAuthority = path("other-ca.pem")
        server = try issue("server", by: "ca", altName: "IP:127.0.0.1")
        client = try issue("client", by: "ca", altName: nil)
        stranger = try issue("stranger", by: "other-ca", altName: nil)
    }
}
