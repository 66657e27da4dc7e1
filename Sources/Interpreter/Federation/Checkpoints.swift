import Federation
import Foundation
import Learning

/// Where a training's progress is kept between rounds: one file per training under
/// `<home>/checkpoints`, named by what makes a training the same one — the model (its
/// specification, seed included), the pods and the protocol's options. A run with
/// `resume=True` continues from the file written by an identical run that stopped.
///
/// The global parameters go in as safetensors (raw floats, quick to write every round); the
/// rest of the state (rounds done, their metrics, the server optimizer) as JSON metadata. A
/// file is written beside its final name and renamed over it, so a kill at any moment leaves
/// either the previous checkpoint or the new one.
struct Checkpoints {
    let directory: URL

    init(home: URL) {
        directory = home.appendingPathComponent("checkpoints", isDirectory: true)
    }

    private static let stateKey = "bf.training-state"

    /// The file of a training of `specification` on `pods` with `options`.
    func file(specification: ModelSpecification, pods: [String], options: FederatedAveragingOptions) -> URL {
        var identity = specification.canonicalJSON
        identity.append(contentsOf: Array(pods.sorted().joined(separator: "\n").utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        identity.append((try? encoder.encode(options)) ?? Data())
        return directory.appendingPathComponent(String(Checkpoints.fnv1a(identity), radix: 16) + ".checkpoint")
    }

    func save(_ state: TrainingState, to file: URL) throws {
        var rest = state
        rest.parameters = try ParameterSet([])
        let metadata = [Checkpoints.stateKey: String(decoding: try JSONEncoder().encode(rest), as: UTF8.self)]
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = file.appendingPathExtension("writing")
        do {
            try Safetensors.write(state.parameters, metadata: metadata, to: temporary.path)
        } catch {
            throw RuntimeError("cannot write the checkpoint '\(file.path)': \(error)")
        }
        guard rename(temporary.path, file.path) == 0 else {
            throw RuntimeError("cannot write the checkpoint '\(file.path)': \(String(cString: strerror(errno)))")
        }
    }

    /// The state in `file`, or nil if there is none.
    func load(_ file: URL) throws -> TrainingState? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        do {
            let stored = try Safetensors.read(from: file.path)
            guard let json = stored.metadata[Checkpoints.stateKey] else {
                throw RuntimeError("the checkpoint '\(file.path)' has no training state")
            }
            var state = try JSONDecoder().decode(TrainingState.self, from: Data(json.utf8))
            state.parameters = stored.parameters
            return state
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw RuntimeError("cannot read the checkpoint '\(file.path)': \(error)",
                               help: "delete it to start the training from the beginning")
        }
    }

    func remove(_ file: URL) {
        try? FileManager.default.removeItem(at: file)
    }

    /// 64-bit FNV-1a: a stable name for the same training across runs.
    static func fnv1a(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
