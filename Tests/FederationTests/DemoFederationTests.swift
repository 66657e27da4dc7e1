import BFTestSupport
import Foundation
import XCTest
@testable import Federation

/// The demo federation: its data, its pods, and the stories it is built to tell.
final class DemoFederationTests: FederationTestCase {
    private struct Fixture {
        let hub: Hub
        let owner: LocalIdentity
        let demo: DemoFederation
    }

    /// One demo home for the whole class: making it takes seconds in a debug build.
    nonisolated(unsafe) private static var shared: Fixture?
    private static let lock = NSLock()

    private func fixture() throws -> Fixture {
        try Self.lock.withLock {
            if let shared = Self.shared { return shared }
            let home = try DemoHome.make("demo-tests")
            let fixture = Fixture(hub: home.hub, owner: home.owner, demo: home.demo)
            Self.shared = fixture
            return fixture
        }
    }

    override class func tearDown() {
        if let home = shared?.hub.home { try? FileManager.default.removeItem(at: home) }
        shared = nil
        super.tearDown()
    }

    private func files(in directory: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            result[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return result
    }

    func testCreatedTwiceGivesIdenticalData() async throws {
        let fixture = try fixture()
        let filesBefore = try files(in: fixture.demo.directory)
        let modeller = Modeller(hub: fixture.hub, identity: fixture.owner)
        let schemasBefore = try await modeller.schemas(of: DemoFederation.podNames)
        let again = try DemoFederation.create(hub: fixture.hub, owner: fixture.owner)
        XCTAssertEqual(again.pods, fixture.demo.pods)
        XCTAssertEqual(try files(in: again.directory), filesBefore)
        XCTAssertEqual(filesBefore.keys.sorted(), [".complete", "census-income-demo.csv", "census-income-other.csv",
                                                   "census-income-unapproved.csv", "census-income-yaml-demo.csv",
                                                   "census-income-yaml-demo.yaml"])
        let schemasAfter = try await modeller.schemas(of: DemoFederation.podNames)
        XCTAssertEqual(schemasAfter, schemasBefore)
        XCTAssertEqual(try fixture.hub.grants(on: again.pods[0].identifier).map { "\($0.user) \($0.role.rawValue)" },
                       ["alice general_modeller", "olivia super_modeller"])
    }

    func testPodsRowsAndApprovals() throws {
        let pods = try fixture().demo.pods
        XCTAssertEqual(pods.map(\.identifier.description), DemoFederation.podNames.map { "olivia/\($0)" })
        XCTAssertEqual(pods.map(\.rowCount), [22_611, 22_611, 5_000, 5_000])
        XCTAssertEqual(pods.map { $0.approvedPods.map(\.name) }, [
            ["census-income-yaml-demo"], ["census-income-demo"], ["census-income-demo", "census-income-yaml-demo"], [],
        ])
    }

    func testCategorySetsAreTheCensusOnes() async throws {
        let fixture = try fixture()
        let schema = try await Modeller(hub: fixture.hub, identity: fixture.owner).combineSchemas(
            ["census-income-demo", "census-income-yaml-demo"], dataStructure: try DataStructure(target: "TARGET"))
        let counts = Dictionary(uniqueKeysWithValues: schema.columns.compactMap { column in
            column.categories.map { (column.name, $0.count) }
        })
        XCTAssertEqual(counts, ["workclass": 8, "education": 16, "marital-status": 7, "occupation": 14,
                                "relationship": 6, "race": 5, "gender": 2, "native-country": 41, "TARGET": 2])
        XCTAssertEqual(schema.column(named: "gender")?.categoryValues, ["Female", "Male"])
        XCTAssertEqual(schema.column(named: "TARGET")?.categoryValues, ["0", "1"])
        let countries = try XCTUnwrap(schema.column(named: "native-country")?.categories)
        let unitedStates = try XCTUnwrap(countries.first { $0.value == "United-States" }).count
        XCTAssertEqual(Double(unitedStates) / Double(schema.rowCount), 0.91, accuracy: 0.02)
        XCTAssertEqual(schema.rowCount, 45_222)
        XCTAssertNil(schema.column(named: "fnlwgt"))
        XCTAssertEqual(schema.column(named: "age")?.semanticType, .continuous)

        let dataset = try await fixture.hub.actor(for: fixture.demo.pods[0].identifier).dataset()
        guard case let .categorical(education, encoder)? = dataset.column(named: "education")?.storage,
              case let .continuous(rank)? = dataset.column(named: "educational-num")?.storage else {
            return XCTFail("unexpected column types")
        }
        let ranks = CensusVocabulary.educationLevels
        for row in 0..<dataset.rowCount {
            XCTAssertEqual(Int(rank[row]), (ranks.firstIndex(of: encoder.values[Int(education[row])]) ?? -1) + 1)
        }
    }

    func testOtherPodDisagreesOnGenderAndUnapprovedPodRefusesSecureAggregation() async throws {
        let fixture = try fixture()
        let modeller = Modeller(hub: fixture.hub, identity: fixture.owner)
        let failure = await asyncError {
            try await modeller.combineSchemas(["census-income-demo", "census-income-other"],
                                              dataStructure: try DataStructure(target: "TARGET"))
        }
        XCTAssertEqual((failure as? SchemaVerificationError)?.description, """
            pods disagree on categorical column 'gender'
              census-income-demo   has Female, Male
              census-income-other  has Female, Male, Unspecified
              only in census-income-other: Unspecified
            help: drop the column with datastructure(ignore_cols=["gender"]) or align the values at the pods
            """)

        let report = try await modeller.checkAccess(["census-income-demo", "census-income-unapproved"], task: .train,
                                                    secureAggregation: true)
        XCTAssertEqual(report.refusals.map(\.rejection), [
            .podsNotApproved([try PodIdentifier(parsing: "olivia/census-income-unapproved")]),
            .podsNotApproved([try PodIdentifier(parsing: "olivia/census-income-demo")]),
        ])
        let accepted = try await modeller.checkAccess(["census-income-demo", "census-income-yaml-demo"], task: .train,
                                                      secureAggregation: true)
        XCTAssertTrue(accepted.allAccepted)
    }

    func testAliceMayTrainOnOnePodOnly() async throws {
        let fixture = try fixture()
        let alice = try fixture.hub.identity(named: DemoFederation.secondUser)
        let report = try await Modeller(hub: fixture.hub, identity: alice)
            .checkAccess(["census-income-demo", "census-income-yaml-demo"], task: .train)
        XCTAssertEqual(report.accepted.map(\.name), ["census-income-demo"])
        XCTAssertEqual(report.refusals.map(\.rejection), [.noPermissions(modeller: "alice", owner: "olivia")])
        let listings = try await Modeller(hub: fixture.hub, identity: alice).pods()
        XCTAssertEqual(listings.map(\.pod.identifier.description), ["olivia/census-income-demo", "olivia/census-income-other",
                                                                    "olivia/census-income-unapproved", "olivia/census-income-yaml-demo"])
        XCTAssertEqual(listings.map(\.pod.rowCount), [22611, 5000, 5000, 22611])
        XCTAssertEqual(listings.map(\.roles), [[.generalModeller], [], [], []])
        XCTAssertEqual(listings.map { $0.pod.approvedPods.map(\.name) }, [
            ["census-income-yaml-demo"], ["census-income-demo", "census-income-yaml-demo"], [], ["census-income-demo"],
        ])
        let whoami = try Modeller(hub: fixture.hub, identity: alice).whoami()
        XCTAssertEqual(whoami.roles.map(\.pod.name), ["census-income-demo"])
        XCTAssertEqual(whoami.fingerprint, alice.fingerprint)
    }

    /// A logistic regression trained on one pod's train split must land in
    /// the published range on its test split, above the majority class.
    func testLogisticRegressionReachesRealisticAccuracy() async throws {
        let fixture = try fixture()
        let dataset = try await fixture.hub.actor(for: fixture.demo.pods[0].identifier).dataset()
        // Sparse rows: one-hot categoricals contribute one index each.
        var indices: [[Int]] = Array(repeating: [], count: dataset.rowCount)
        var values: [[Double]] = Array(repeating: [], count: dataset.rowCount)
        var labels = [Double](repeating: 0, count: dataset.rowCount)
        var width = 0
        for column in dataset.columns {
            switch column.storage {
            case let .continuous(numbers):
                let logged = column.name.hasPrefix("capital") ? numbers.map { log1p($0) } : numbers
                let mean = logged.reduce(0, +) / Double(logged.count)
                let deviation = (logged.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(logged.count)).squareRoot()
                for row in 0..<dataset.rowCount {
                    indices[row].append(width)
                    values[row].append((logged[row] - mean) / deviation)
                }
                width += 1
            case let .categorical(codes, encoder) where column.name == "TARGET":
                for row in 0..<dataset.rowCount { labels[row] = encoder.values[Int(codes[row])] == "1" ? 1 : 0 }
            case let .categorical(codes, encoder):
                for row in 0..<dataset.rowCount where codes[row] > 0 {
                    indices[row].append(width + Int(codes[row]) - 1)
                    values[row].append(1)
                }
                width += encoder.count - 1
            case .text:
                break
            }
        }
        for row in 0..<dataset.rowCount {
            indices[row].append(width)
            values[row].append(1)
        }
        width += 1

        func score(_ weights: [Double], _ row: Int) -> Double {
            var z = 0.0
            let rowIndices = indices[row], rowValues = values[row]
            for k in 0..<rowIndices.count { z += weights[rowIndices[k]] * rowValues[k] }
            return z
        }
        // Stochastic gradient descent over the (shuffled) train split.
        var weights = [Double](repeating: 0, count: width)
        for epoch in 0..<5 {
            let rate = 0.05 / Double(epoch + 1)
            for row in dataset.split.train {
                let error = 1 / (1 + exp(-score(weights, row))) - labels[row]
                let rowIndices = indices[row], rowValues = values[row]
                for k in 0..<rowIndices.count { weights[rowIndices[k]] -= rate * error * rowValues[k] }
            }
        }
        let test = dataset.split.test
        let correct = test.filter { row in (score(weights, row) > 0 ? 1.0 : 0.0) == labels[row] }.count
        let accuracy = Double(correct) / Double(test.count)
        let positive = labels.reduce(0, +) / Double(labels.count)
        XCTAssertEqual(positive, 0.24, accuracy: 0.02)
        XCTAssertGreaterThan(accuracy, 0.80)
        XCTAssertLessThan(accuracy, 0.87)
        XCTAssertGreaterThan(accuracy, max(positive, 1 - positive) + 0.04)
    }

    func testADemoThatAKilledSessionLeftHalfBuiltIsBuiltAgain() async throws {
        let home = try temporaryDirectory().appendingPathComponent("home")
        let hub = try Hub(home: home)
        let owner = try hub.identity(named: "olivia")
        XCTAssertEqual(try DemoFederation.state(of: hub), .absent)
        let demo = try DemoFederation.create(hub: hub, owner: owner)
        XCTAssertEqual(try DemoFederation.state(of: hub), .complete)

        // What a kill after the first two pods leaves: no marker, two pods missing, no alice.
        try FileManager.default.removeItem(at: DemoFederation.markerFile(in: home))
        try hub.removePod(demo.pods[2].identifier, by: owner)
        try hub.removePod(demo.pods[3].identifier, by: owner)
        try hub.revoke(.generalModeller, from: DemoFederation.secondUser, on: demo.pods[0].identifier, by: owner)
        XCTAssertEqual(try DemoFederation.state(of: hub), .incomplete)

        // Another user's session finds it: the demo is rebuilt for its owner.
        var notices: [String] = []
        let someoneElse = try hub.identity(named: "bob")
        XCTAssertTrue(try DemoFederation.completeIfNeeded(hub: hub, identity: someoneElse) { notices.append($0) })
        XCTAssertEqual(notices, ["note: the demo federation in \(home.path) is incomplete (a session stopped while creating it); creating it again"])
        XCTAssertEqual(try DemoFederation.state(of: hub), .complete)
        XCTAssertEqual(try hub.podDescriptions().map(\.identifier.description).sorted(),
                       DemoFederation.podNames.map { "olivia/\($0)" }.sorted())
        XCTAssertEqual(try hub.roles(of: DemoFederation.secondUser, on: demo.pods[0].identifier), [.generalModeller])
        let report = try await Modeller(hub: hub, identity: owner)
            .checkAccess(["census-income-demo", "census-income-yaml-demo"], task: .train, secureAggregation: true)
        XCTAssertTrue(report.allAccepted)
        XCTAssertFalse(try DemoFederation.completeIfNeeded(hub: hub, identity: owner) { notices.append($0) })
        XCTAssertEqual(notices.count, 1, "a complete demo is left alone")

        // A demo made before the marker existed is whole when its last step is there.
        try FileManager.default.removeItem(at: DemoFederation.markerFile(in: home))
        XCTAssertEqual(try DemoFederation.state(of: hub), .complete)
        // A home with its own pods and no demo folder is not a demo.
        try FileManager.default.removeItem(at: DemoFederation.directory(in: home))
        XCTAssertEqual(try DemoFederation.state(of: hub), .complete)
    }
}
