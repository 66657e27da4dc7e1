import ArgumentParser
import Dispatch
import Federation
import Foundation
import Synchronization
import Transport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BF.PodCommand {
    /// `bf pod serve POD.yaml --listen HOST:PORT`: one pod as a gRPC server; or, with
    /// `--connect bf://RELAY`, a pod that never listens and takes its calls through a relay.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve one of your pods over the network (gRPC), for modellers on other machines.",
            discussion: """
            POD is a pod YAML file (the pod is created in this bf home on first use, then served \
            as registered, with its grants and approvals) or the name of a pod already here. \
            Modellers' keys and roles are this home's: import a key and grant a role with \
            'bf pod grant POD ROLE USER --key USER.key'. Logs one line per call; stops cleanly \
            on SIGTERM or Ctrl-C.

            With --connect the pod opens no port: it dials the relay ('bf relay') and attaches \
            with a hello signed by your key, and modellers reach it at bf://RELAY/POD. The pod \
            still checks and judges every call itself. The TLS options then say how to reach \
            the relay: --tls-ca the CA that signed its certificate, --tls-cert and --tls-key \
            this pod's certificate when the relay asks for one.
            """)

        @ArgumentParser.Argument(help: "The pod's YAML file, or the name of a pod of this bf home.") var pod: String
        @Option(help: ArgumentHelp("Where to listen (default 127.0.0.1:7401; port 0 picks a free one).", valueName: "host:port"))
        var listen: String?
        @Option(help: ArgumentHelp("Listen nowhere: dial this relay and take calls through it.", valueName: "bf://host:port"))
        var connect: String?
        @Option(help: ArgumentHelp("The server's certificate chain (PEM); turns TLS on.", valueName: "file")) var tlsCert: String?
        @Option(help: ArgumentHelp("The server's private key (PEM).", valueName: "file")) var tlsKey: String?
        @Option(help: ArgumentHelp("A CA (PEM): clients must present a certificate it signed.", valueName: "file")) var tlsCa: String?
        @Option(help: "The most calls a second one user may make.") var maxCallsPerSecond = PodServerLimits().callsPerSecond
        @OptionGroup var hubOptions: HubOptions

        static let defaultListen = "127.0.0.1:7401"

        func validate() throws {
            if listen != nil && connect != nil {
                throw ValidationError("give --listen or --connect, not both: a pod that dials a relay listens nowhere")
            }
            if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("give --tls-cert and --tls-key together") }
            if tlsCa != nil && tlsCert == nil && connect == nil {
                throw ValidationError("--tls-ca needs --tls-cert and --tls-key (the server's own)")
            }
            guard maxCallsPerSecond > 0 else { throw ValidationError("--max-calls-per-second must be above 0") }
        }

        func run() async throws {
            if let connect { return try await runThroughRelay(connect) }
            let listen = listen ?? Self.defaultListen
            let address = try reportingFailures { try PodAddress.listening(listen) }
            let (hub, identity) = try hubOptions.open()
            let identifier = try reportingFailures { try registeredPod(hub: hub, owner: identity) }
            let connection = try reportingFailures { try hub.localConnection(to: identifier, as: identity.name) }
            let description = try await connection.describe()
            let tls = tlsCert.map { _ in TLSFiles(certificateAuthority: tlsCa, certificate: tlsCert, key: tlsKey) }
            if tls == nil, !address.isLoopback {
                Console.error("""
                    warning: serving on \(listen) without TLS: calls are signed but not encrypted, so anyone on the \
                    network between a modeller and this pod can read the schemas, parameters and results they carry
                    help: turn TLS on with --tls-cert FILE --tls-key FILE, and add --tls-ca FILE to accept only clients \
                    with a certificate that CA signed (mutual TLS)

                    """)
            }
            let server = PodServer(pod: connection, hub: hub,
                                   options: .init(host: address.host, port: address.port, tls: tls,
                                                  limits: PodServerLimits(callsPerSecond: maxCallsPerSecond)),
                                   log: { Console.line($0) })
            try await runUntilStopped("serving \(identifier)", failure: "cannot serve \(identifier) on \(listen)") {
                try await server.run { port in
                    let shown = PodAddress(host: address.host, port: port, podName: identifier.name)
                    Console.line("serving \(identifier) (\(description.rowCount) rows) on \(shown)\(tls == nil ? "" : " with TLS")")
                }
            }
        }

        /// Serves the pod through the relay at `relayText`: attaches, and attaches again when
        /// the attachment drops, until SIGTERM or Ctrl-C.
        private func runThroughRelay(_ relayText: String) async throws {
            let relay = try reportingFailures { try PodAddress.relay(relayText) }
            let (hub, identity) = try hubOptions.open()
            let identifier = try reportingFailures { try registeredPod(hub: hub, owner: identity) }
            guard identifier.owner == identity.name else {
                Console.error("""
                    error: pod '\(identifier)' belongs to '\(identifier.owner)', so only '\(identifier.owner)' can attach it to a relay
                    help: run 'bf pod serve' as its owner (--user \(identifier.owner))

                    """)
                throw ExitCode(ScriptRunner.Status.usage)
            }
            let connection = try reportingFailures { try hub.localConnection(to: identifier, as: identity.name) }
            let description = try await connection.describe()
            let tls = (tlsCert ?? tlsCa).map { _ in TLSFiles(certificateAuthority: tlsCa, certificate: tlsCert, key: tlsKey) }
            if tls == nil, !relay.isLoopback {
                Console.error("""
                    warning: attaching to \(relay) without TLS: calls are signed but not encrypted, so anyone on the \
                    network between this pod and the relay can read the schemas, parameters and results they carry
                    help: turn TLS on with --tls-ca FILE (the CA that signed the relay's certificate)

                    """)
            }
            let server = RelayedPodServer(pod: connection, hub: hub, owner: identity,
                                          options: .init(relay: relay, tls: tls, limits: PodServerLimits(callsPerSecond: maxCallsPerSecond)),
                                          log: { Console.line($0) })
            let shown = PodAddress(host: relay.host, port: relay.port, podName: identifier.name)
            try await runUntilStopped("serving \(identifier)", failure: "cannot serve \(identifier) through the relay at \(relay)") {
                try await server.run { again in
                    if again {
                        Console.line("\(Date.now.formatted(.iso8601)) attached again to the relay at \(relay)")
                    } else {
                        Console.line("serving \(identifier) (\(description.rowCount) rows) through the relay at \(shown)\(tls == nil ? "" : " with TLS")")
                    }
                }
            }
        }


        /// The pod to serve: the YAML file's pod (created when this home has none of that
        /// name), or a pod of this home by name.
        private func registeredPod(hub: Hub, owner: LocalIdentity) throws -> PodIdentifier {
            guard pod.hasSuffix(".yaml") || pod.hasSuffix(".yml") else { return try hub.resolvePod(pod) }
            let spec = try PodConfigFile.read(URL(fileURLWithPath: pod), owner: owner.name)
            let identifier = try spec.identifier()
            if try hub.podDescriptions().contains(where: { $0.identifier == identifier }) { return identifier }
            let created = try hub.createPod(spec, notes: { note in Console.error("note: \(note)\n") },
                                            downloads: Console.report)
            Console.line("created pod '\(created.identifier)': \(created.rowCount) rows")
            return identifier
        }
    }
}

/// Runs `serve` until it ends or SIGTERM or Ctrl-C stops it, saying "stopped `what`". A stop
/// cancels it, which lets calls in flight finish; one that never yields (a long SQL query at a
/// pod, a relay's attachment streams) would hold the process forever, so after a grace of
/// 0.9 s the process exits anyway. A failure is shown as its diagnostics, or as "error:
/// `failure`: reason", and exits 74.
func runUntilStopped(_ what: String, failure: String, _ serve: @escaping @Sendable () async throws -> Void) async throws {
    let serving = Task { try await serve() }
    let stopped = OnceFlag()
    let stops = StopSignals {
        serving.cancel()
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(900)) {
            guard stopped.set() else { return }
            Console.line("stopped \(what) (calls still running were cut off)")
            // _exit, not exit: the threads still running must not race the process's
            // teardown; the store is a WAL database, safe at any moment.
            _exit(0)
        }
    }
    defer { withExtendedLifetime(stops) {} }
    do {
        try await serving.value
        if stopped.set() { Console.line("stopped \(what)") }
    } catch let error as any FederationError {
        Console.error(error)
        throw ExitCode(ScriptRunner.Status.io)
    } catch {
        Console.error("error: \(failure): \(error)\n")
        throw ExitCode(ScriptRunner.Status.io)
    }
}

/// A flag that is set once: `set()` is true only for the first caller.
final class OnceFlag: Sendable {
    private let done = Mutex(false)

    func set() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }
}

/// SIGTERM and SIGINT, delivered to a handler on a dispatch queue while the object lives.
final class StopSignals {
    private let sources: [any DispatchSourceSignal]

    init(_ handler: @escaping @Sendable () -> Void) {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    deinit {
        sources.forEach { $0.cancel() }
    }
}
