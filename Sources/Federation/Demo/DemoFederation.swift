import Files
import Learning
import Foundation

/// The demo federation of the tutorials, created in a bf home.
///
/// Under `<home>/demo` it writes synthetic census-income data (45,222 rows,
/// the size of the real set) split into two disjoint halves, and registers:
/// - `census-income-demo`, made from code as in tutorial 1 (`fnlwgt`
///   ignored, nine columns forced categorical, seed 100, approving
///   `census-income-yaml-demo`);
/// - `census-income-yaml-demo`, made from a generated YAML file as in
///   tutorial 2 (`other_pods: [census-income-demo]`);
/// - `census-income-other`, whose `gender` also holds `Unspecified`, so that
///   combining it with the others shows a categorical mismatch;
/// - `census-income-unapproved`, which approves no other pod, so secure
///   aggregation with it is refused;
/// and a second local user, `alice`, with `general_modeller` on
/// `census-income-demo` only. All pods belong to the given owner.
///
/// Creating it again rewrites the same files and replaces the pods, so the
/// result is the same every time.
///
/// Creation takes several store transactions, so it writes a marker file,
/// `<home>/demo/.complete`, after the last of them (and removes it first). A home
/// whose demo folder exists without the marker holds a demo that a killed process
/// left half-built; `completeIfNeeded` builds it again.
public struct DemoFederation: Sendable {
    /// Rows of the two main pods together.
    public static let rowCount = 45_222
    /// Rows of each of the two extra pods.
    public static let extraPodRowCount = 5_000
    /// The seed of the generated data.
    public static let seed: UInt64 = 1994
    /// The second local user.
    public static let secondUser = "alice"
    /// The pod names, in creation order.
    public static let podNames = ["census-income-demo", "census-income-yaml-demo", "census-income-other",
                                  "census-income-unapproved"]

    /// The directory holding the demo's CSV and YAML files.
    public let directory: URL
    /// The pods created, in `podNames` order.
    public let pods: [PodDescription]

    /// What a home holds of the demo federation.
    public enum State: Sendable, Equatable {
        /// The home has no pods and no remote pods: a first session creates the demo.
        case absent
        /// A creation began and did not finish (its marker is missing).
        case incomplete
        /// The demo is complete, or the home is someone's own federation without it.
        case complete
    }

    /// The demo's folder in `home`.
    public static func directory(in home: URL) -> URL { home.appendingPathComponent("demo") }

    /// The file written after the demo's last step.
    public static func markerFile(in home: URL) -> URL { directory(in: home).appendingPathComponent(".complete") }

    /// What `hub`'s home holds of the demo. A demo made before the marker existed counts as
    /// complete when its last step (alice's role) is there.
    public static func state(of hub: Hub) throws -> State {
        if FileKind(path: markerFile(in: hub.home).path) == .regular { return .complete }
        let pods = try hub.podDescriptions()
        guard FileKind(path: directory(in: hub.home).path) == .folder else {
            let remote = try hub.federationFile().pods
            return pods.isEmpty && remote.isEmpty ? .absent : .complete
        }
        let names = Set(pods.map(\.identifier.name))
        guard podNames.allSatisfy(names.contains),
              let main = pods.first(where: { $0.identifier.name == podNames[0] }) else { return .incomplete }
        if main.owner != secondUser, !(try hub.roles(of: secondUser, on: main.identifier)).contains(.generalModeller) {
            return .incomplete
        }
        return .complete
    }

    /// Creates the demo in an empty home, or builds again one that a killed process left
    /// half-built (owned by the owner of its pods, else by `identity`); says which through
    /// `notice`. Returns whether it did anything.
    @discardableResult
    public static func completeIfNeeded(hub: Hub, identity: LocalIdentity, notice: (String) -> Void) throws -> Bool {
        // Held while the state is read and the demo built, so that a second session opening
        // the same new home waits and then finds the demo complete.
        try FileLock.whileHolding(lockFile(in: hub.home).path) {
            switch try state(of: hub) {
            case .complete:
                return false
            case .absent:
                notice("note: \(hub.home.path) has no pods yet; creating the demo federation (bf demo recreates it)")
                _ = try build(hub: hub, owner: identity)
            case .incomplete:
                notice("note: the demo federation in \(hub.home.path) is incomplete (a session stopped while creating it); creating it again")
                let owner = try hub.podDescriptions().first { podNames.contains($0.identifier.name) }?.owner
                _ = try build(hub: hub, owner: try owner.map { try hub.identity(named: $0) } ?? identity)
            }
            return true
        }
    }

    /// The lock file that orders the processes building the demo in `home`.
    static func lockFile(in home: URL) -> URL { home.appendingPathComponent("demo.lock") }

    /// Creates (or re-creates) the demo federation in `hub`, owned by `owner`.
    public static func create(hub: Hub, owner: LocalIdentity) throws -> DemoFederation {
        try FileLock.whileHolding(lockFile(in: hub.home).path) { try build(hub: hub, owner: owner) }
    }

    /// `create` without taking the lock, for a caller that holds it.
    private static func build(hub: Hub, owner: LocalIdentity) throws -> DemoFederation {
        let directory = directory(in: hub.home)
        let marker = markerFile(in: hub.home)
        do {
            try PrivateFiles.createFolder(directory)
        } catch {
            throw HubError.cannotWrite(path: directory.path, reason: FileError.reason(of: error, path: directory.path, action: .write))
        }
        if unlink(marker.path) != 0 && errno != ENOENT {
            throw HubError.cannotWrite(path: marker.path, reason: FileError.reason(errno: errno, action: .write))
        }
        var generator = CensusGenerator(seed: seed)
        let rows = generator.rows(rowCount)
        let half = rowCount / 2
        let files = podNames.map { directory.appendingPathComponent("\($0).csv") }
        try writeCensusCSV(Array(rows[..<half]), to: files[0])
        try writeCensusCSV(Array(rows[half...]), to: files[1])

        var otherGenerator = CensusGenerator(seed: seed + 1)
        var genderNoise = SeededGenerator(seed: seed + 2)
        let genderColumn = CensusVocabulary.columns.firstIndex(of: "gender") ?? 9
        let otherRows = otherGenerator.rows(extraPodRowCount).map { row -> [String] in
            var row = row
            if genderNoise.nextDouble() < 0.05 { row[genderColumn] = "Unspecified" }
            return row
        }
        try writeCensusCSV(otherRows, to: files[2])
        var unapprovedGenerator = CensusGenerator(seed: seed + 3)
        try writeCensusCSV(unapprovedGenerator.rows(extraPodRowCount), to: files[3])

        let yamlFile = directory.appendingPathComponent("census-income-yaml-demo.yaml")
        try write(Data(podYAML(name: podNames[1], csvFile: files[1].lastPathComponent, otherPods: [podNames[0]]).utf8),
                  to: yamlFile)

        var pods: [PodDescription] = []
        pods.append(try hub.createPod(tutorialSpec(name: podNames[0], owner: owner.name, file: files[0],
                                                   displayName: "Census income demo",
                                                   approved: [podNames[1]]), replacing: true))
        pods.append(try hub.createPod(fromYAML: yamlFile, owner: owner, replacing: true))
        pods.append(try hub.createPod(tutorialSpec(name: podNames[2], owner: owner.name, file: files[2],
                                                   displayName: "Census income, other gender coding",
                                                   approved: [podNames[0], podNames[1]]), replacing: true))
        pods.append(try hub.createPod(tutorialSpec(name: podNames[3], owner: owner.name, file: files[3],
                                                   displayName: "Census income, no approvals",
                                                   approved: []), replacing: true))

        let alice = try hub.identity(named: secondUser)
        if alice.name != owner.name {
            try hub.grant(.generalModeller, to: alice.name, on: pods[0].identifier, by: owner)
        }
        try write(Data("the demo federation is complete\n".utf8), to: marker)
        return DemoFederation(directory: directory, pods: pods)
    }

    /// Writes `count` synthetic census rows drawn with `seed` to `url` (for
    /// benchmarks and experiments).
    public static func writeCensusCSV(rowCount count: Int, seed: UInt64, to url: URL) throws {
        var generator = CensusGenerator(seed: seed)
        try writeCensusCSV(generator.rows(count), to: url)
    }

    /// Tutorial 1's data configuration for a pod named `name`.
    static func tutorialSpec(name: String, owner: String, file: URL, displayName: String, approved: [String]) -> PodSpec {
        PodSpec(name: name, owner: owner, displayName: displayName,
                description: "Synthetic census income data (the Adult data set's columns and categories)",
                dataPath: file,
                dataConfig: DataConfig(ignoreColumns: ["fnlwgt"],
                                       forceStypes: [name: ForcedTypes(categorical: CensusVocabulary.categoricalColumns)],
                                       seed: 100),
                approvedPods: approved)
    }

    /// Tutorial 2's pod YAML.
    static func podYAML(name: String, csvFile: String, otherPods: [String]) -> String {
        let categorical = CensusVocabulary.categoricalColumns.map { "        - \($0)" }.joined(separator: "\n")
        return """
            pod_name: \(name)
            datasource: CSVSource
            pod_details:
              display_name: Census income demo (YAML)
              description: >
                Synthetic census income data (the Adult data set's columns and categories),
                started from a YAML configuration.
            data_config:
              ignore_cols: [fnlwgt]
              force_stypes:
                \(name):
                  categorical:
            \(categorical)
              datasource_args:
                path: \(csvFile)
                seed: 100
            other_pods:
            \(otherPods.map { "  - \($0)" }.joined(separator: "\n"))

            """
    }

    /// Writes rows under the census header, after making sure every
    /// category occurs in them: pods must share their categorical value sets.
    private static func writeCensusCSV(_ rows: [[String]], to url: URL) throws {
        var rows = rows
        CensusGenerator.coverEveryCategory(&rows)
        try write(Data(CSVFormat.document(header: CensusVocabulary.columns, rows: rows).utf8), to: url)
    }

    private static func write(_ data: Data, to url: URL) throws {
        do throws(FileError) {
            try AtomicFile.write(data, to: url.path, permissions: 0o600)
        } catch {
            throw HubError.cannotWrite(path: url.path, reason: error.reason)
        }
    }
}
