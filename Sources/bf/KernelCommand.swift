import ArgumentParser
import Interpreter
import Kernel
import Transport

/// `bf kernel -f CONNECTION_FILE`: bf as a Jupyter kernel, as `bf jupyter install`'s
/// kernelspec starts it.
struct KernelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Serve a notebook as a Jupyter kernel (started by Jupyter; see 'bf jupyter install').")

    @Option(name: [.customShort("f"), .customLong("connection-file")],
            help: ArgumentHelp("The connection file Jupyter wrote for this kernel.", valueName: "file"))
    var connectionFile: String

    @OptionGroup var identity: UserOption

    func run() async throws {
        var options = Session.Options(useColor: false, userName: identity.user)
        options.version = BF.version
        options.dialer = GRPCPodDialer()
        do {
            let kernel = try Kernel(connection: try ConnectionFile.read(connectionFile), options: options, version: BF.version)
            await kernel.run()
        } catch {
            Console.error("error: \(error)\n")
            throw ExitCode(ScriptRunner.Status.usage)
        }
    }
}
