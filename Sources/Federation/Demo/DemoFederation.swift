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

    /// Creates (or re-creates) the demo federation in `hub`, owned by `owner`.
    public static func create(hub: Hub, owner: LocalIdentity) throws -> DemoFederation {
        let directory = hub.home.appendingPathComponent("demo")
        do {
            try PrivateFiles.createFolder(directory)
        } catch {
            throw HubError.cannotWrite(path: directory.path, reason: error.localizedDescription)
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
        do {
            try data.write(to: url, options: .atomic)
            PrivateFiles.restrict(url.path)
        } catch {
            throw HubError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }
}
