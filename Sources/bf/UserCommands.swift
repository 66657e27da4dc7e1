import ArgumentParser
import Diagnostics
import Federation
import Files
import Foundation

extension BF {
    /// `bf user …`: carry users' public keys between machines.
    struct UserCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user", abstract: "Export and import users' public keys (for pods on other machines).",
            subcommands: [Export.self, Import.self])

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "export",
                abstract: "Print your public key as a key file, for pod owners to grant you a role ('bf pod grant … --key FILE').")
            @Option(help: ArgumentHelp("Write the key file here instead of printing it.", valueName: "file")) var out: String?
            @OptionGroup var hubOptions: HubOptions

            func run() async throws {
                let (_, identity) = try hubOptions.open()
                let text = UserKeyFile(identity).text
                guard let out else { return print(text, terminator: "") }
                do throws(FileError) {
                    try AtomicFile.write(text, to: out)
                } catch {
                    Console.error("error: \(error.description)\nhelp: choose a path in a folder you can write to\n")
                    throw ExitCode(ScriptRunner.Status.io)
                }
                print("wrote the key of '\(identity.name)' (\(identity.fingerprint)) to \(out)")
            }
        }

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "import",
                abstract: "Register another machine's user from their key file (e.g. the owner of a partner pod).")
            @ArgumentParser.Argument(help: "The key file ('bf user export').") var file: String
            @OptionGroup var hubOptions: HubOptions

            func run() async throws {
                let (hub, _) = try hubOptions.open()
                let key = try reportingFailures {
                    let key = try UserKeyFile.read(URL(fileURLWithPath: file))
                    try hub.importUser(key)
                    return key
                }
                print("imported '\(key.user)' (\(LocalIdentity.fingerprint(of: key.publicKey)))")
            }
        }
    }
}

/// A key file that belongs to another user than the one named on the command line.
struct UserKeyMismatch: FederationError {
    let file: String
    let user: String
    let found: String

    var problems: [Problem] {
        [Problem("the key file '\(file)' is the key of '\(found)', not of '\(user)'",
                 help: "grant the role to '\(found)', or use the key file of '\(user)'")]
    }
}
