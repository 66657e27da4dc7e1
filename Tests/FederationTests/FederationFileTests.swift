import Federation
import Foundation
import XCTest

/// `federation.yaml`: pod names to addresses, deadlines and TLS files, every mistake reported
/// with its line.
final class FederationFileTests: XCTestCase {
    let directory = URL(fileURLWithPath: "/srv/bf")

    func testReadsPodsDeadlinesAndTLS() throws {
        let file = try FederationFile.parse("""
            pods:
              census-income-demo: bf://10.0.0.5:7401/census-income-demo
              alice/other: 10.0.0.6:7402
            deadline_seconds: 12
            progress_deadline_seconds: 90
            tls:
              ca: certs/ca.pem
              certificate: /etc/dana.pem
              key: certs/dana.key
            """, path: "federation.yaml", directory: directory)
        XCTAssertEqual(file.pods.map(\.name), ["census-income-demo", "alice/other"])
        XCTAssertEqual(file.entry(named: "other")?.address, PodAddress(host: "10.0.0.6", port: 7402))
        XCTAssertEqual(file.entry(named: "census-income-demo")?.address.podName, "census-income-demo")
        XCTAssertNil(file.entry(named: "missing"))
        XCTAssertEqual(file.settings.callDeadline, .seconds(12))
        XCTAssertEqual(file.settings.progressDeadline, .seconds(90))
        XCTAssertEqual(file.settings.tls, TLSFiles(certificateAuthority: "/srv/bf/certs/ca.pem", certificate: "/etc/dana.pem",
                                                   key: "/srv/bf/certs/dana.key"))
        XCTAssertEqual(try FederationFile.parse("", path: "f.yaml", directory: directory), FederationFile())
    }

    func testMistakesNameTheLine() {
        func problem(_ text: String) -> String {
            do {
                _ = try FederationFile.parse(text, path: "federation.yaml", directory: directory)
                return "no error"
            } catch {
                return error.description
            }
        }
        XCTAssertEqual(problem("pods: {}\ndeadline_second: 3\n"),
                       "federation.yaml:2:1: unknown field 'deadline_second'\nhelp: did you mean 'deadline_seconds'?")
        XCTAssertTrue(problem("pods:\n  a: http://x:1/a\n").hasPrefix("federation.yaml:2:6: 'pods.a' must be an address bf://HOST:PORT/POD"),
                      problem("pods:\n  a: http://x:1/a\n"))
        XCTAssertEqual(problem("deadline_seconds: 0\n"),
                       "federation.yaml:1:19: 'deadline_seconds' must be a whole number of seconds above 0, not 0\n"
                       + "help: give 'deadline_seconds' a whole number of seconds above 0")
        XCTAssertEqual(problem("tls:\n  certificate: a.pem\n"),
                       "federation.yaml: the required field 'tls.key' is missing\nhelp: add tls.key to the file")
    }

    /// Found by the federation-yaml fuzz target (Fuzz/): YAML 1.1's base-60 numbers (`1:30`)
    /// overflowed inside Yams and crashed the reader; they are refused as not whole numbers.
    func testBaseSixtyNumbersDoNotCrash() {
        func problem(_ text: String) -> String {
            do {
                _ = try FederationFile.parse(text, path: "federation.yaml", directory: directory)
                return "no error"
            } catch {
                return error.description
            }
        }
        XCTAssertEqual(problem("622222222222222222:2"), "federation.yaml:1:1: 'the file' must be a mapping of fields, not text ('622222222222222222:2')\n"
                       + "help: write the file as fields, one 'name: value' per line")
        XCTAssertEqual(problem("deadline_seconds: 1:1:1:1:1:1:1:1:1:1:1:1\n"),
                       "federation.yaml:1:19: 'deadline_seconds' must be a whole number, not text ('1:1:1:1:1:1:1:1:1:1:1:1')\n"
                       + "help: give 'deadline_seconds' a whole number")
        let pod = "pod_name: p\ndata_config:\n  datasource_args:\n    path: x.csv\nminimum_group_size: 99999999999999:1\n"
        do {
            _ = try PodConfigFile.parse(pod, path: "pod.yaml", directory: directory, owner: "ada")
            XCTFail("a base-60 group size was accepted")
        } catch {
            XCTAssertTrue(error.description.contains("not text ('99999999999999:1')"), error.description)
        }
    }
}
