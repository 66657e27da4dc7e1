import Foundation
import XCTest
@testable import Federation

/// Pod YAML files (tutorial 2) and the pods made from them.
final class PodConfigFileTests: FederationTestCase {
    private let yaml = """
        pod_name: census-income-yaml-demo
        datasource: CSVSource
        pod_details:
          display_name: Census income (YAML)
          description: >
            Census income data,
            started from YAML.
        data_config:
          ignore_cols: [hours]
          force_stypes:
            census-income-yaml-demo:
              categorical: [gender, TARGET]
          datasource_args:
            path: data/census.csv
            seed: 100
        other_pods:
          - census-income-demo

        """

    private func write(_ yaml: String) throws -> URL {
        let directory = try temporaryDirectory()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        try Data(Self.smallCSV.utf8).write(to: directory.appendingPathComponent("data/census.csv"))
        let url = directory.appendingPathComponent("pod.yaml")
        try Data(yaml.utf8).write(to: url)
        return url
    }

    func testTutorialFieldsBecomeAPodSpec() throws {
        let url = try write(yaml)
        let spec = try PodConfigFile.read(url, owner: "olivia")
        XCTAssertEqual(spec.name, "census-income-yaml-demo")
        XCTAssertEqual(spec.displayName, "Census income (YAML)")
        XCTAssertEqual(spec.description, "Census income data, started from YAML.")
        XCTAssertEqual(spec.dataPath.path, url.deletingLastPathComponent().appendingPathComponent("data/census.csv").path)
        XCTAssertEqual(spec.dataConfig, DataConfig(ignoreColumns: ["hours"],
                                                   forceStypes: ["census-income-yaml-demo": ForcedTypes(categorical: ["gender", "TARGET"])],
                                                   seed: 100))
        XCTAssertEqual(spec.approvedPods, ["census-income-demo"])
    }

    func testPodFromYAMLIsRegisteredWithItsApprovalsAndOwnerRole() async throws {
        let (hub, owner, _) = try makeHub()
        let description = try hub.createPod(fromYAML: try write(yaml), owner: owner)
        XCTAssertEqual(description.identifier.description, "olivia/census-income-yaml-demo")
        XCTAssertEqual(description.approvedPods.map(\.description), ["olivia/census-income-demo"])
        XCTAssertEqual(description.rowCount, 6)
        XCTAssertEqual(description.minimumGroupSize, 5)
        XCTAssertEqual(try hub.roles(of: "olivia", on: description.identifier), [.superModeller])
        let schema = try await Modeller(hub: hub, identity: owner).schema(of: "census-income-yaml-demo").schema
        XCTAssertEqual(schema.columnNames, ["age", "gender", "TARGET"])
        XCTAssertEqual(schema.ignoredColumns, ["hours"])
        XCTAssertEqual(schema.splits, SplitCounts(train: 4, validation: 0, test: 2))
    }

    /// Bitfount's newer format: `name`, `pod_details_config`, one CSV datasource in `datasources`.
    private let newerYAML = """
        name: census-income-yaml-demo
        pod_details_config:
          display_name: Census income (pod)
        datasources:
          - datasource: CSVSource
            name: census-income-yaml-demo
            datasource_details_config:
              display_name: Census income (YAML)
              description: Census income data, started from YAML.
            data_config:
              ignore_cols: [hours]
              force_stypes:
                census-income-yaml-demo:
                  categorical: [gender, TARGET]
              datasource_args:
                path: data/census.csv
                seed: 100
        approved_pods:
          - census-income-demo

        """

    func testBitfountsNewerFormatWithOneCSVDatasourceReadsAsTheTutorialFields() throws {
        let older = try PodConfigFile.read(try write(yaml), owner: "olivia")
        let url = try write(newerYAML)
        let newer = try PodConfigFile.read(url, owner: "olivia")
        XCTAssertEqual(newer.name, older.name)
        XCTAssertEqual(newer.displayName, older.displayName)
        XCTAssertEqual(newer.description, older.description)
        XCTAssertEqual(newer.dataPath.path, url.deletingLastPathComponent().appendingPathComponent("data/census.csv").path)
        XCTAssertEqual(newer.dataConfig, older.dataConfig)
        XCTAssertEqual(newer.approvedPods, older.approvedPods)

        // datasource_args beside data_config (not inside it), and only the top-level name.
        let beside = newerYAML
            .replacingOccurrences(of: "    name: census-income-yaml-demo\n", with: "")
            .replacingOccurrences(of: "      datasource_args:", with: "    datasource_args:")
            .replacingOccurrences(of: "        path: data/census.csv\n        seed: 100", with: "      path: data/census.csv\n      seed: 100")
        let besideSpec = try PodConfigFile.read(try write(beside), owner: "olivia")
        XCTAssertEqual(besideSpec.name, "census-income-yaml-demo")
        XCTAssertEqual(besideSpec.dataConfig, older.dataConfig)

        // And a pod is made from it, with the same schema as from the tutorial's fields.
        let (hub, owner, _) = try makeHub()
        let description = try hub.createPod(fromYAML: url, owner: owner)
        XCTAssertEqual(description.identifier.description, "olivia/census-income-yaml-demo")
        XCTAssertEqual(description.rowCount, 6)
        XCTAssertEqual(description.approvedPods.map(\.description), ["olivia/census-income-demo"])
    }

    func testSeveralDatasourcesAreRefusedSayingHowToSplitThem() throws {
        let second = """
              - datasource: CSVSource
                name: census-income-second
                data_config:
                  datasource_args:
                    path: data/census.csv

            """
        let url = try write(newerYAML.replacingOccurrences(of: "approved_pods:", with: second + "approved_pods:"))
        let failure = error { try PodConfigFile.read(url, owner: "olivia") } as? PodConfigError
        XCTAssertEqual(failure, .severalDatasources(path: url.path, line: 18, column: 5, count: 2))
        XCTAssertEqual(failure?.message, "\(url.path):18:5: 'datasources' lists 2 datasources, and a bf pod serves one table")
        XCTAssertEqual(failure?.help, "split the file: one pod YAML per datasource, each with the datasource's 'name', "
                           + "and 'bf pod create' each; approve the others under 'approved_pods' to train across them")
    }

    func testWhatDoesNotMapOntoABfPodIsRefusedNamingTheField() throws {
        let kind = try write(newerYAML.replacingOccurrences(of: "datasource: CSVSource", with: "datasource: DICOMSource"))
        XCTAssertEqual(error { try PodConfigFile.read(kind, owner: "olivia") } as? PodConfigError,
                       .unsupportedDatasource(path: kind.path, line: 5, column: 17, name: "DICOMSource"))

        let names = try write(newerYAML.replacingOccurrences(of: "    name: census-income-yaml-demo", with: "    name: census-table"))
        let differ = error { try PodConfigFile.read(names, owner: "olivia") } as? PodConfigError
        XCTAssertEqual(differ?.message, "\(names.path):6:11: 'datasources[0].name' cannot be used with 'name'")
        XCTAssertEqual(differ?.help, "a bf pod serves its one table under the pod's name: give both the same name "
                           + "(now 'census-income-yaml-demo' and 'census-table')")

        let both = try write("pod_name: census-income-yaml-demo\n" + newerYAML)
        XCTAssertEqual(error { try PodConfigFile.read(both, owner: "olivia") } as? PodConfigError,
                       .conflictingFields(path: both.path, line: 2, column: 1, field: "name", other: "pod_name", help: "keep one of them"))

        let mixed = try write(newerYAML + "data_config:\n  ignore_cols: [age]\n")
        let mixedFailure = error { try PodConfigFile.read(mixed, owner: "olivia") } as? PodConfigError
        XCTAssertEqual(mixedFailure?.message, "\(mixed.path):20:1: 'data_config' cannot be used with 'datasources'")
        XCTAssertEqual(mixedFailure?.help, "move 'data_config' into the one entry of 'datasources', or leave out 'datasources'")
    }

    func testAnHTTPSPathStaysAURLAndOtherSchemesAreRefused() throws {
        let https = try write(yaml.replacingOccurrences(of: "path: data/census.csv",
                                                        with: "path: https://example.org/tutorials/census_income.csv"))
        XCTAssertEqual(try PodConfigFile.read(https, owner: "olivia").dataPath,
                       URL(string: "https://example.org/tutorials/census_income.csv"))
        let s3 = try write(newerYAML.replacingOccurrences(of: "path: data/census.csv", with: "path: s3://bucket/census.csv"))
        let failure = error { try PodConfigFile.read(s3, owner: "olivia") } as? PodConfigError
        XCTAssertEqual(failure?.message, "\(s3.path):16:15: 'datasources[0].data_config.datasource_args.path' is the URL "
                           + "'s3://bucket/census.csv', and bf downloads only http:// and https:// URLs")
    }

    func testUnknownFieldNamesTheLineAndSuggests() throws {
        let url = try write(yaml.replacingOccurrences(of: "  ignore_cols:", with: "  ignore_colums:"))
        let failure = error { try PodConfigFile.read(url, owner: "olivia") } as? PodConfigError
        XCTAssertEqual(failure, .unknownField(path: url.path, line: 9, column: 3, field: "ignore_colums", suggestion: "ignore_cols"))
        XCTAssertEqual(failure?.description, "\(url.path):9:3: unknown field 'ignore_colums'\nhelp: did you mean 'ignore_cols'?")
        let top = try write(yaml.replacingOccurrences(of: "other_pods:", with: "other_pod:"))
        XCTAssertEqual((error { try PodConfigFile.read(top, owner: "olivia") } as? PodConfigError)?.help, "did you mean 'other_pods'?")
    }

    func testWrongTypeNamesFieldAndWhatWasFound() throws {
        let url = try write(yaml.replacingOccurrences(of: "  - census-income-demo", with: "  census-income-demo: yes"))
        XCTAssertEqual(error { try PodConfigFile.read(url, owner: "olivia") } as? PodConfigError,
                       .wrongType(path: url.path, line: 17, column: 3, field: "other_pods", expected: "a list", found: "a mapping"))
        let seed = try write(yaml.replacingOccurrences(of: "seed: 100", with: "seed: hundred"))
        let failure = error { try PodConfigFile.read(seed, owner: "olivia") } as? PodConfigError
        XCTAssertEqual(failure?.message, "\(seed.path):15:11: 'data_config.datasource_args.seed' must be a whole number, not text ('hundred')")
    }

    func testAMinimumGroupSizeBelowOneIsRefusedNamingTheLine() throws {
        for size in [0, -3] {
            let url = try write(yaml + "minimum_group_size: \(size)\n")
            let failure = error { try PodConfigFile.read(url, owner: "olivia") } as? PodConfigError
            XCTAssertEqual(failure, .outOfRange(path: url.path, line: 18, column: 21, field: "minimum_group_size",
                                                allowed: "a whole number of at least 1", found: size))
            XCTAssertEqual(failure?.message, "\(url.path):18:21: 'minimum_group_size' must be a whole number of at least 1, not \(size)")
        }
        XCTAssertEqual(try PodConfigFile.read(try write(yaml + "minimum_group_size: 1\n"), owner: "olivia").minimumGroupSize, 1)

        // A pod made in code is held to the same bound when it is created.
        let (hub, owner, _) = try makeHub()
        var spec = try PodConfigFile.read(try write(yaml), owner: owner.name)
        spec.minimumGroupSize = 0
        let refused = error { try hub.createPod(spec) } as? HubError
        XCTAssertEqual(refused, .minimumGroupSizeTooSmall(pod: "census-income-yaml-demo", size: 0))
        XCTAssertEqual(refused?.message, "the minimum group size of pod 'census-income-yaml-demo' must be at least 1, not 0")
        XCTAssertTrue(try hub.podDescriptions().isEmpty)
    }

    func testAPodApprovingTwoHundredThousandPodsIsCreatedInLinearTime() throws {
        let (hub, owner, _) = try makeHub()
        let count = 200_000
        // Every name twice, and the pod itself: each approval is kept once, the pod's own not at all.
        var others = (0..<count).map { "partner-\($0)" }
        others += others.prefix(1_000) + ["census-income-yaml-demo"]
        var spec = try PodConfigFile.read(try write(yaml), owner: owner.name)
        spec.approvedPods = others
        let started = Date()
        let description = try hub.createPod(spec)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(description.approvedPods.count, count)
        XCTAssertEqual(Set(description.approvedPods.map(\.name)), Set(others.dropLast()))
        XCTAssertFalse(description.approvedPods.contains(description.identifier))
        // Quadratic, this took minutes; linear, about a second in a debug build.
        XCTAssertLessThan(elapsed, 30, "creating a pod with \(count) approvals took \(elapsed) s")
    }

    func testMissingFilesAndFields() throws {
        let absent = try temporaryDirectory().appendingPathComponent("pod.yaml")
        XCTAssertEqual(error { try PodConfigFile.read(absent, owner: "olivia") } as? PodConfigError,
                       .cannotRead(path: absent.path, reason: "no such file"))
        let noName = try write(yaml.replacingOccurrences(of: "pod_name: census-income-yaml-demo\n", with: ""))
        XCTAssertEqual(error { try PodConfigFile.read(noName, owner: "olivia") } as? PodConfigError,
                       .missingField(path: noName.path, field: "pod_name"))
        let badSource = try write(yaml.replacingOccurrences(of: "CSVSource", with: "DatabaseSource"))
        XCTAssertEqual(error { try PodConfigFile.read(badSource, owner: "olivia") } as? PodConfigError,
                       .unsupportedDatasource(path: badSource.path, line: 2, column: 13, name: "DatabaseSource"))
        let syntax = try write("pod_name: [unclosed\n")
        guard case .syntax? = error({ try PodConfigFile.read(syntax, owner: "olivia") }) as? PodConfigError else {
            return XCTFail("expected a syntax error")
        }
        // The data file is checked when the pod is created.
        let (hub, owner, _) = try makeHub()
        let missingData = try write(yaml.replacingOccurrences(of: "data/census.csv", with: "data/absent.csv"))
        XCTAssertEqual(error { try hub.createPod(fromYAML: missingData, owner: owner) } as? DataSourceError,
                       .cannotOpen(path: missingData.deletingLastPathComponent().appendingPathComponent("data/absent.csv").path,
                                   reason: "no such file"))
    }
}
