import ArgumentParser
import Dispatch
import Federation
import Foundation
import Transport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BF {
    /// `bf relay --listen HOST:PORT`: a rendezvous for pods that never listen.
    struct RelayCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "relay",
            abstract: "Run a relay: pods behind firewalls dial it ('bf pod serve POD --connect'), and modellers reach them through it.",
            discussion: """
            Pods attach with 'bf pod serve POD.yaml --connect bf://HOST:PORT', signing their \
            hello with their owner's key; the relay admits a pod only when this bf home knows \
            that key (import it with 'bf user import OWNER.key'). Modellers then name the pod \
            bf://HOST:PORT/POD in scripts and federation.yaml, as a pod that listens. The relay \
            passes calls on without judging them: each pod checks the modeller's signature and \
            decides. A pod that attaches again replaces its earlier attachment. Logs one line \
            per attachment and per call; stops on SIGTERM or Ctrl-C.
            """)

        @Option(help: ArgumentHelp("Where to listen (port 0 picks a free one).", valueName: "host:port")) var listen = "127.0.0.1:7400"
        @Option(help: ArgumentHelp("The relay's certificate chain (PEM); turns TLS on.", valueName: "file")) var tlsCert: String?
        @Option(help: ArgumentHelp("The relay's private key (PEM).", valueName: "file")) var tlsKey: String?
        @Option(help: ArgumentHelp("A CA (PEM): pods and modellers must present a certificate it signed.", valueName: "file")) var tlsCa: String?
        @OptionGroup var hubOptions: HubOptions

        func validate() throws {
            if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("give --tls-cert and --tls-key together") }
            if tlsCa != nil && tlsCert == nil { throw ValidationError("--tls-ca needs --tls-cert and --tls-key (the relay's own)") }
        }

        func run() async throws {
            let address = try reportingFailures { try PodAddress.listening(listen) }
            let hub = try reportingFailures { try Hub(home: hubOptions.homeURL, dialer: GRPCPodDialer()) }
            let tls = tlsCert.map { _ in TLSFiles(certificateAuthority: tlsCa, certificate: tlsCert, key: tlsKey) }
            if tls == nil, !address.isLoopback {
                Console.error("""
                    warning: relaying on \(listen) without TLS: calls are signed but not encrypted, so anyone on the \
                    network between a modeller, this relay and a pod can read the schemas, parameters and results they carry
                    help: turn TLS on with --tls-cert FILE --tls-key FILE, and add --tls-ca FILE to accept only pods and \
                    modellers with a certificate that CA signed (mutual TLS)

                    """)
            }
            let relay = RelayServer(hub: hub, options: .init(host: address.host, port: address.port, tls: tls),
                                    log: { Console.line($0) })
            try await runUntilStopped("the relay", failure: "cannot run the relay on \(listen)") {
                try await relay.run { name in
                    Console.line("relay on \(name)\(tls == nil ? "" : " with TLS"): pods attach with 'bf pod serve POD --connect \(name)'; "
                                 + "modellers reach them at \(name)/POD")
                }
            }
        }
    }
}
