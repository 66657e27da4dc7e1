import BFTestSupport
import Federation
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pods that never listen: `bf pod serve POD --connect RELAY` child processes attached to a
/// `bf relay` child process, reached by the modeller at `bf://RELAY/POD` through her
/// federation file, running the same scripts as pods that listen.
final class RelayNetworkTests: XCTestCase {
    static let tutorialPods = PodServerTests.tutorialPods

    func testTutorialFiveThroughARelayEqualsTheEmbeddedRunPlainAndSecure() throws {
        let network = try PodNetwork(granted: Self.tutorialPods)
        let relay = try network.relay()
        for pod in Self.tutorialPods {
            let server = try network.serve(pod, through: relay)
            XCTAssertEqual(server.address, "\(relay.address)/\(pod)")
            XCTAssertEqual(try Self.listeningSockets(of: server.process.processIdentifier), 0,
                           "a pod attached to a relay must listen nowhere")
        }
        try network.writeFederationFile()

        let plainScript = try PodNetwork.tutorialFive(replacing: [("    aggregator=SecureAggregator(),\n", "")])
        for (label, script) in [("secure", try PodNetwork.tutorialFive()), ("plain", plainScript)] {
            let relayed = try network.runScript(script)
            XCTAssertEqual(relayed.status, 0, "\(label):\n\(relayed.standardOutput)\n\(relayed.standardError)")
            XCTAssertTrue(relayed.standardOutput.contains("carol/census-income-demo accepted"), relayed.standardOutput)
            XCTAssertTrue(relayed.standardOutput.contains("round 2: AUC"), relayed.standardOutput)
            XCTAssertTrue(relayed.standardOutput.contains("saved the model to part_5_model.pt"), relayed.standardOutput)

            // The pods' owner runs the same script on the embedded pods: the same numbers.
            let embedded = try network.bf.run(["--user", PodNetwork.custodian, "run", "-"], standardInput: script,
                                              environment: ["BF_HOME": network.custodianHome.path], in: network.scratch, timeout: 300)
            XCTAssertEqual(embedded.status, 0, embedded.standardError)
            XCTAssertFalse(PodServerTests.metricLines(relayed.standardOutput).isEmpty)
            XCTAssertEqual(PodServerTests.metricLines(relayed.standardOutput), PodServerTests.metricLines(embedded.standardOutput), label)
        }
        // The pods judged the calls; the relay passed them on.
        let log = network.servers["census-income-demo"]!.log
        XCTAssertTrue(log.contains("dana OpenTask ok"), log)
        XCTAssertTrue(log.contains("dana KeyShare ok"), log)
        XCTAssertTrue(log.contains("dana Train ok (round 2)"), log)
        XCTAssertTrue(relay.log.contains("dana → carol/census-income-demo Train ok"), relay.log)
        XCTAssertTrue(relay.log.contains("carol/census-income-yaml-demo attached from"), relay.log)
    }

    func testRefusalsThroughTheRelayAreThePodsOwnAndMissingOrUnknownPodsAreNamed() throws {
        let network = try PodNetwork(granted: ["census-income-demo"])
        let relay = try network.relay()
        let server = try network.serve("census-income-demo", through: relay)
        try network.serve("census-income-unapproved", through: relay)
        try network.writeFederationFile()

        // A user the pod's home does not know: the pod refuses, as when it listens.
        let stranger = try network.bf.run(["--user", "eve", "-c", "print(get_pod_schema(\"census-income-demo\"))"],
                                          environment: ["BF_HOME": network.modellerHome.path])
        XCTAssertNotEqual(stranger.status, 0)
        XCTAssertTrue(stranger.standardError.contains("does not know user 'eve'"), stranger.standardError)
        XCTAssertTrue(server.log.contains("eve Describe refused"), server.log)

        // The pod's own refusals: no role, and no approval for secure aggregation.
        let access = try network.runScript("""
            check_access(["census-income-demo", "census-income-unapproved"], task="train", aggregator="secure")
            """)
        XCTAssertEqual(access.status, 0, access.standardError)
        XCTAssertTrue(access.standardOutput.contains("refused: this pod has not approved 'carol/census-income-unapproved'"), access.standardOutput)
        XCTAssertTrue(access.standardOutput.contains("refused: 'dana' has no permissions on this pod"), access.standardOutput)

        // A pod that is not attached: named, with the relay and what to do.
        let missing = try network.bf.run(["--user", PodNetwork.modeller, "-c", "print(get_pod_schema(\"\(relay.address)/census-income-yaml-demo\"))"],
                                         environment: ["BF_HOME": network.modellerHome.path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.standardError.contains("pod 'census-income-yaml-demo' is not connected to the relay at \(relay.address)"),
                      missing.standardError)
        XCTAssertTrue(missing.standardError.contains("help: its owner starts it with 'bf pod serve POD.yaml --connect \(relay.address)'"),
                      missing.standardError)

        // A relay that does not know the pod's owner refuses the pod, which says so and stops.
        let strangerHome = network.scratch.appendingPathComponent("stranger-home")
        let strangers = try network.relay(home: strangerHome, trusting: false)
        let refused = try network.bf.run(["--user", PodNetwork.custodian, "pod", "serve", "census-income-yaml-demo", "--connect", strangers.address],
                                         environment: ["BF_HOME": network.custodianHome.path], timeout: 60)
        XCTAssertEqual(refused.status, 74, refused.standardOutput + refused.standardError)
        XCTAssertTrue(refused.standardError.contains("error: the relay at \(strangers.address) refused pod 'carol/census-income-yaml-demo': "
                                                     + "the relay does not know 'carol', the owner of 'carol/census-income-yaml-demo'"),
                      refused.standardError)
        XCTAssertTrue(strangers.log.contains("refused carol/census-income-yaml-demo"), strangers.log)

        // Nothing listens at the address: a clear error, at once.
        strangers.stop()
        let unreachable = try network.bf.run(["--user", PodNetwork.custodian, "pod", "serve", "census-income-yaml-demo", "--connect", strangers.address],
                                             environment: ["BF_HOME": network.custodianHome.path], timeout: 60)
        XCTAssertEqual(unreachable.status, 74, unreachable.standardOutput + unreachable.standardError)
        XCTAssertTrue(unreachable.standardError.contains("error: cannot reach the relay at \(strangers.address): "), unreachable.standardError)
        XCTAssertTrue(unreachable.standardError.contains("help: check that 'bf relay' runs there"), unreachable.standardError)

        // The first relay still serves its pods.
        let schema = try network.runScript("print(len(get_pod_schema(\"census-income-demo\").columns) > 5)")
        XCTAssertEqual(schema.status, 0, schema.standardError)
        XCTAssertTrue(schema.standardOutput.contains("True"), schema.standardOutput)
    }

    func testAKilledPodIsNamedACancelledRoundStopsAtThePodAndPodsReattachAfterTheRelayRestarts() throws {
        let pods = Self.tutorialPods
        let network = try PodNetwork(granted: pods)
        let relay = try network.relay()
        try network.serve(pods[0], through: relay)
        let victim = try network.serve(pods[1], through: relay)
        try network.writeFederationFile(deadlineSeconds: 10, progressDeadlineSeconds: 30)

        // The pod process killed mid-task: the modeller's error names it, without hanging.
        let modeller = try BackgroundRun(network, script: PodServerTests.shortTask(pods, epochs: 30, plain: true))
        try waitFor("the first round", timeout: 120) { victim.log.contains("Train ok (round 1)") }
        victim.signal(SIGKILL)
        let started = Date()
        let result = try modeller.wait(timeout: 60)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("census-income-yaml-demo"), result.standardError)
        XCTAssertTrue(result.standardError.contains("failed in round"), result.standardError)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, result.standardError)
        try waitFor("the relay to notice", timeout: 10) { relay.log.contains("carol/census-income-yaml-demo detached") }

        // The pod attached again; a modeller killed mid-round: the relay cancels the round at the pod.
        // Rounds of several seconds (batches of 2), and the kill 1.5 s after a pod's first
        // round, so that it lands while a pod trains (a round that ends before the cancellation
        // reaches its pod is rightly an ordinary round): that pod cancels its round.
        let restarted = try network.serve(pods[1], through: relay)
        let longRounds = PodServerTests.shortTask(pods, epochs: 30, plain: true).replacingOccurrences(of: "batch_size=64", with: "batch_size=2")
        let doomed = try BackgroundRun(network, script: longRounds)
        try waitFor("a round through the relay", timeout: 180) { network.servers.values.contains { $0.log.contains("Train ok (round 1)") } }
        usleep(1_500_000)
        doomed.kill()
        try waitFor("a pod to cancel its round", timeout: 30, showing: network.servers.values.map(\.log).joined() + relay.log) {
            network.servers.values.contains { $0.log.contains("Train cancelled") }
        }

        // The relay restarts on its port: both pods dial again and attach, and the next task runs.
        relay.stop()
        let again = try network.relay(port: relay.port)
        try waitFor("both pods to attach again", timeout: 60) {
            network.servers.values.allSatisfy { $0.log.contains("attached again to the relay at \(again.address)") }
        }
        XCTAssertTrue(restarted.log.contains("lost the relay at \(relay.address)"), restarted.log)
        let next = try network.runScript(PodServerTests.shortTask(pods, plain: true))
        XCTAssertEqual(next.status, 0, next.standardOutput + next.standardError)
        XCTAssertTrue(next.standardOutput.contains("trained 1 rounds"), next.standardOutput)
    }

    func testTLSToTheRelayFromPodsAndModeller() throws {
        let network = try PodNetwork(granted: ["census-income-demo"])
        let certificates = try TestCertificates(in: network.scratch)
        let relay = try network.relay(arguments: ["--tls-cert", certificates.server.certificate, "--tls-key", certificates.server.key,
                                                  "--tls-ca", certificates.authority])
        XCTAssertTrue(relay.log.contains("with TLS"), relay.log)
        let server = try network.serve("census-income-demo", through: relay,
                                       arguments: ["--tls-ca", certificates.authority, "--tls-cert", certificates.client.certificate,
                                                   "--tls-key", certificates.client.key])
        XCTAssertTrue(server.log.contains("with TLS"), server.log)
        try network.writeFederationFile(tls: "tls:\n  ca: \(certificates.authority)\n  certificate: \(certificates.client.certificate)\n  key: \(certificates.client.key)\n")
        let trusted = try network.runScript("print(len(get_pod_schema(\"census-income-demo\").columns) > 5)")
        XCTAssertEqual(trusted.status, 0, trusted.standardError)
        XCTAssertTrue(trusted.standardOutput.contains("True"), trusted.standardOutput)

        // A pod that does not trust the relay's certificate says so and stops.
        let untrusting = try network.bf.run(["--user", PodNetwork.custodian, "pod", "serve", "census-income-yaml-demo", "--connect", relay.address,
                                             "--tls-ca", certificates.otherAuthority, "--tls-cert", certificates.client.certificate,
                                             "--tls-key", certificates.client.key],
                                            environment: ["BF_HOME": network.custodianHome.path], timeout: 60)
        XCTAssertEqual(untrusting.status, 74, untrusting.standardError)
        XCTAssertTrue(untrusting.standardError.contains("error: cannot reach the relay at \(relay.address): the relay's certificate is not trusted: "
                                                        + "the CA in '\(certificates.otherAuthority)' did not sign it"), untrusting.standardError)
    }

    // MARK: Helpers

    /// How many TCP sockets process `pid` listens on (from /proc).
    static func listeningSockets(of pid: Int32) throws -> Int {
        var listening = Set<String>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                // Field 3 is the state (0A: listen), field 9 the socket's inode.
                if fields.count > 9, fields[3] == "0A" { listening.insert(String(fields[9])) }
            }
        }
        let descriptors = "/proc/\(pid)/fd"
        var count = 0
        for entry in try FileManager.default.contentsOfDirectory(atPath: descriptors) {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(descriptors)/\(entry)"),
                  target.hasPrefix("socket:[") else { continue }
            if listening.contains(String(target.dropFirst(8).dropLast())) { count += 1 }
        }
        return count
    }

    private func waitFor(_ what: String, timeout: TimeInterval, showing log: @autoclosure () -> String = "",
                         _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { throw BFBinaryError(description: "timed out waiting for \(what)\n\(log())") }
            usleep(100_000)
        }
    }
}
