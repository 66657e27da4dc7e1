import Crypto
import Files
import Foundation
import Learning

/// A training's last checkpoint as the hub store records it.
public struct CheckpointRecord: Sendable, Equatable {
    /// The training's key: what makes two trainings the same one (the caller's choice, e.g. a
    /// hash of the model, pods and options).
    public let key: String
    /// Rounds complete when it was saved.
    public let completedRounds: Int
    /// The checkpoint file.
    public let file: URL
    /// The file's SHA-256, in lower-case hex.
    public let digest: String
    /// When it was saved.
    public let savedAt: Date
}

/// Checkpoints of federated trainings, kept under `<home>/checkpoints` and indexed in the
/// hub store.
///
/// Saving writes the state to a new file named by the training and round, flushes it to disk,
/// renames it into place, and only then records it (round, file, SHA-256, time) in one store
/// transaction, replacing the training's previous record; the previous round's file is
/// deleted after the commit. So a process killed at any moment leaves the store pointing at
/// a complete file: the new one once the transaction committed, else the previous one, which
/// still exists. Loading finds the file through the store and checks its digest before
/// decoding it.
///
/// A checkpoint file is safetensors: the global parameters as raw tensors (quick to write
/// every round), the rest of the `TrainingState` (rounds done, their metrics, the server
/// optimizer and its state) as JSON in the metadata under `bf.training-state`.
extension Hub {
    private static let stateKey = "bf.training-state"

    /// The directory of checkpoint files.
    public var checkpointDirectory: URL { home.appendingPathComponent("checkpoints", isDirectory: true) }

    /// Saves `state` as the checkpoint of training `key` and records it in the store.
    @discardableResult
    public func saveCheckpoint(_ state: TrainingState, key: String) throws -> CheckpointRecord {
        var rest = state
        rest.parameters = try ParameterSet([])
        let metadata = [Self.stateKey: String(decoding: try JSONEncoder().encode(rest), as: UTF8.self)]
        let bytes = Data(Safetensors.encode(state.parameters, metadata: metadata))
        let relative = "checkpoints/\(Self.checkpointStem(key))-round-\(state.completedRounds).checkpoint"
        let file = home.appendingPathComponent(relative)
        do {
            try PrivateFiles.createFolder(checkpointDirectory)
        } catch {
            throw HubError.cannotWrite(path: checkpointDirectory.path,
                                       reason: FileError.reason(of: error, path: checkpointDirectory.path, action: .write))
        }
        do throws(FileError) {
            try AtomicFile.write(bytes, to: file.path, permissions: 0o600)
        } catch {
            throw HubError.cannotWrite(path: file.path, reason: error.reason)
        }
        let row = CheckpointRow(key: key, round: state.completedRounds, path: relative,
                                digest: Self.hex(SHA256.hash(data: bytes)), savedAt: Date())
        let (stored, previous) = try store.recordCheckpoint(row)
        if let previous, previous.path != relative {
            // The store no longer points at it; a file left behind is harmless and is
            // removed with the training's checkpoint.
            try? FileManager.default.removeItem(at: home.appendingPathComponent(previous.path))
        }
        return record(stored)
    }

    /// The store's record of training `key`'s checkpoint, or nil if it has none.
    public func checkpoint(key: String) throws -> CheckpointRecord? {
        try store.checkpointRow(key).map(record)
    }

    /// The state saved as training `key`'s checkpoint and its record, or nil if the store has
    /// none. Throws `HubError.checkpointMissing` when the recorded file is gone and
    /// `checkpointCorrupt` when its digest differs from the recorded one or it cannot be decoded.
    public func loadCheckpoint(key: String) throws -> (state: TrainingState, record: CheckpointRecord)? {
        guard let row = try store.checkpointRow(key) else { return nil }
        let saved = record(row)
        guard let bytes = FileManager.default.contents(atPath: saved.file.path) else {
            throw HubError.checkpointMissing(key: key, path: saved.file.path)
        }
        func corrupt(_ reason: String) -> HubError {
            .checkpointCorrupt(key: key, path: saved.file.path, reason: reason)
        }
        guard Self.hex(SHA256.hash(data: bytes)) == row.digest else {
            throw corrupt("its SHA-256 is not the one recorded when it was saved")
        }
        let stored: SafetensorsFile
        do {
            stored = try Safetensors.decode([UInt8](bytes))
        } catch {
            throw corrupt(error.description)
        }
        guard let json = stored.metadata[Self.stateKey] else { throw corrupt("it holds no training state") }
        var state: TrainingState
        do {
            state = try JSONDecoder().decode(TrainingState.self, from: Data(json.utf8))
        } catch {
            throw corrupt("its training state cannot be read: \(error)")
        }
        state.parameters = stored.parameters
        guard state.completedRounds == row.round else {
            throw corrupt("it holds round \(state.completedRounds), the store recorded round \(row.round)")
        }
        return (state, saved)
    }

    /// Forgets training `key`'s checkpoint: its record, its file, and any file of the
    /// training a killed save left behind.
    public func removeCheckpoint(key: String) throws {
        _ = try store.deleteCheckpoint(key)
        let stem = Self.checkpointStem(key) + "-round-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointDirectory.path)) ?? []
        // `AtomicFile`'s temporary files are the target's name after a dot.
        for name in names where name.hasPrefix(stem) || name.hasPrefix("." + stem) {
            try? FileManager.default.removeItem(at: checkpointDirectory.appendingPathComponent(name))
        }
    }

    /// The public record of a store row, its path resolved under the home.
    private func record(_ row: CheckpointRow) -> CheckpointRecord {
        CheckpointRecord(key: row.key, completedRounds: row.round, file: home.appendingPathComponent(row.path),
                         digest: row.digest, savedAt: row.savedAt)
    }

    /// A file-name-safe stem for training `key`: the first 16 bytes of its SHA-256 in hex.
    private static func checkpointStem(_ key: String) -> String {
        String(hex(SHA256.hash(data: Data(key.utf8))).prefix(32))
    }

    /// A digest in lower-case hex.
    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
