import Foundation
import XCTest
@testable import Federation

/// Pods judging task requests: every role × task kind × approval case, the
/// identity checks, and the audit log that records each answer.
final class AccessTests: FederationTestCase {
    /// What a pod must answer, written out by hand (not derived from
    /// `RolePermissions`) so the table itself is under test.
    private func expectedRoleAnswer(_ role: Role?, _ kind: TaskKind) -> TaskRejection? {
        switch (role, kind) {
        case (nil, _):
            return .noPermissions(modeller: "mia", owner: "olivia")
        case (.superModeller?, _):
            return nil
        case (.generalModeller?, .predict):
            return .insufficientPermissions(task: .predict, held: [.generalModeller], needed: .superModeller, owner: "olivia")
        case (.generalModeller?, _):
            return nil
        case (.dpModeller?, .schema):
            return nil
        case (.dpModeller?, _):
            return .differentialPrivacyRequired(task: kind, owner: "olivia")
        case (.schemaViewer?, .schema):
            return nil
        case (.schemaViewer?, .predict):
            return .insufficientPermissions(task: .predict, held: [.schemaViewer], needed: .superModeller, owner: "olivia")
        case (.schemaViewer?, _):
            return .insufficientPermissions(task: kind, held: [.schemaViewer], needed: .generalModeller, owner: "olivia")
        }
    }

    func testEveryRoleTaskKindAndApprovalCombination() async throws {
        let (hub, owner, modeller) = try makeHub()
        let alpha = try makePod(hub, "alpha", owner: owner)
        let beta = try makePod(hub, "beta", owner: owner)
        let connection = try hub.localConnection(to: alpha, as: owner.name)
        var requests = 0
        for role in [nil] + Role.allCases.map(Optional.some) {
            for existing in try hub.roles(of: "mia", on: alpha) {
                try hub.revoke(existing, from: "mia", on: alpha, by: owner)
            }
            if let role { try hub.grant(role, to: "mia", on: alpha, by: owner) }
            for kind in TaskKind.allCases {
                for approval in ["plain", "secure, approved", "secure, not approved"] {
                    if approval == "secure, approved" {
                        try hub.approve(beta, on: alpha, by: owner)
                    } else if try hub.describe(alpha).approvedPods.contains(beta) {
                        try hub.unapprove(beta, on: alpha, by: owner)
                    }
                    let secure = approval != "plain"
                    let request = try TaskRequest.signed(kind: kind, pods: [alpha, beta], secureAggregation: secure, by: modeller)
                    let response = try await connection.request(request)
                    requests += 1
                    var expected = expectedRoleAnswer(role, kind)
                    if expected == nil && approval == "secure, not approved" { expected = .podsNotApproved([beta]) }
                    let label = "\(role?.rawValue ?? "no role") × \(kind.rawValue) × \(approval)"
                    XCTAssertEqual(response.rejection, expected, label)
                    XCTAssertEqual(response.pod, alpha, label)
                    XCTAssertEqual(response.requestID, request.id, label)

                    let log = try hub.auditLog(for: alpha)
                    XCTAssertEqual(log.count, requests, label)
                    let entry = try XCTUnwrap(log.last)
                    XCTAssertEqual(entry.requestID, request.id, label)
                    XCTAssertEqual(entry.modeller, "mia", label)
                    XCTAssertEqual(entry.taskKind, kind, label)
                    XCTAssertEqual(entry.taskPods, [alpha, beta], label)
                    XCTAssertEqual(entry.secureAggregation, secure, label)
                    XCTAssertEqual(entry.accepted, expected == nil, label)
                    XCTAssertEqual(entry.reason, expected?.reason ?? "", label)
                }
            }
        }
        XCTAssertEqual(requests, 5 * 5 * 3)
    }

    func testRejectionReasonsReadAsSentences() {
        let beta = try? PodIdentifier(owner: "olivia", name: "beta")
        XCTAssertEqual(TaskRejection.noPermissions(modeller: "mia", owner: "olivia").reason, "'mia' has no permissions on this pod")
        XCTAssertEqual(TaskRejection.insufficientPermissions(task: .train, held: [.schemaViewer], needed: .generalModeller, owner: "olivia").reason,
                       "permissions insufficient: schema_viewer does not allow train tasks; general_modeller does")
        XCTAssertEqual(TaskRejection.insufficientPermissions(task: .train, held: [.schemaViewer], needed: .generalModeller, owner: "olivia").help,
                       "ask the owner 'olivia' for general_modeller")
        XCTAssertEqual(TaskRejection.differentialPrivacyRequired(task: .sql, owner: "olivia").reason,
                       "dp_modeller allows sql tasks only with differential privacy, which bf offers for train tasks alone")
        XCTAssertEqual(TaskRejection.podsNotApproved(beta.map { [$0] } ?? []).reason,
                       "this pod has not approved 'olivia/beta' for secure aggregation")
        XCTAssertEqual(TaskRejection.identityNotVerified(.badSignature).reason,
                       "identity could not be verified: the signature does not match the user's key")
    }

    func testUnknownUserAndForgedSignatureAreNotVerified() async throws {
        let (hub, owner, modeller) = try makeHub()
        let alpha = try makePod(hub, "alpha", owner: owner)
        let connection = try hub.localConnection(to: alpha, as: owner.name)

        let strangerHome = try temporaryDirectory()
        let stranger = try LocalIdentity.loadOrCreate(name: "stranger", home: strangerHome)
        let unknown = try TaskRequest.signed(kind: .schema, pods: [alpha], by: stranger)
        let answer1 = try await connection.request(unknown)
        XCTAssertEqual(answer1.rejection, .identityNotVerified(.unknownUser))

        // A key that is not mia's, signing in mia's name.
        let impostor = try LocalIdentity.loadOrCreate(name: "mia", home: strangerHome)
        let forged = try TaskRequest.signed(kind: .schema, pods: [alpha], by: impostor)
        let answer2 = try await connection.request(forged)
        XCTAssertEqual(answer2.rejection, .identityNotVerified(.badSignature))

        // A genuine request whose contents were changed after signing.
        try hub.grant(.schemaViewer, to: "mia", on: alpha, by: owner)
        let genuine = try TaskRequest.signed(kind: .schema, pods: [alpha], by: modeller)
        let tampered = TaskRequest(id: genuine.id, modeller: genuine.modeller, kind: .train, pods: genuine.pods,
                                   secureAggregation: false, detail: "", timestamp: genuine.timestamp,
                                   nonce: genuine.nonce, signature: genuine.signature)
        let answer3 = try await connection.request(tampered)
        XCTAssertEqual(answer3.rejection, .identityNotVerified(.badSignature))
        let answer4 = try await connection.request(genuine)
        XCTAssertTrue(answer4.isAccepted)

        let log = try hub.auditLog(for: alpha)
        XCTAssertEqual(log.map(\.accepted), [false, false, false, true])
        XCTAssertEqual(log.map(\.modeller), ["stranger", "mia", "mia", "mia"])
    }

    func testReplayedAndStaleRequestsAreRefused() async throws {
        let (hub, owner, modeller) = try makeHub()
        let alpha = try makePod(hub, "alpha", owner: owner)
        let connection = try hub.localConnection(to: alpha, as: owner.name)
        let request = try TaskRequest.signed(kind: .schema, pods: [alpha], by: owner)
        let answer5 = try await connection.request(request)
        XCTAssertTrue(answer5.isAccepted)
        let answer6 = try await connection.request(request)
        XCTAssertEqual(answer6.rejection, .identityNotVerified(.replayed))
        // Another connection to the same pod shares its memory of nonces.
        let answer7 = try await hub.localConnection(to: alpha, as: owner.name).request(request)
        XCTAssertEqual(answer7.rejection, .identityNotVerified(.replayed))
        let old = try TaskRequest.signed(kind: .schema, pods: [alpha], by: modeller, at: Date(timeIntervalSinceNow: -600))
        let answer8 = try await connection.request(old)
        XCTAssertEqual(answer8.rejection, .identityNotVerified(.stale))
    }

    func testRequestNotNamingThePodIsRefused() async throws {
        let (hub, owner, _) = try makeHub()
        let alpha = try makePod(hub, "alpha", owner: owner)
        let beta = try makePod(hub, "beta", owner: owner)
        let request = try TaskRequest.signed(kind: .train, pods: [beta], by: owner)
        let answer9 = try await hub.localConnection(to: alpha, as: owner.name).request(request)
        XCTAssertEqual(answer9.rejection, .notInTask)
    }

    func testOnlyTheOwnerGovernsAPod() throws {
        let (hub, owner, modeller) = try makeHub()
        let alpha = try makePod(hub, "alpha", owner: owner)
        let before = try snapshot(hub)
        XCTAssertEqual(error { try hub.grant(.superModeller, to: "mia", on: alpha, by: modeller) } as? HubError,
                       .notOwner(pod: alpha, user: "mia", action: "grant roles on it"))
        XCTAssertEqual(error { try hub.revoke(.superModeller, from: "olivia", on: alpha, by: modeller) } as? HubError,
                       .notOwner(pod: alpha, user: "mia", action: "revoke roles on it"))
        XCTAssertEqual(error { try hub.approve(try PodIdentifier(parsing: "mia/x"), on: alpha, by: modeller) } as? HubError,
                       .notOwner(pod: alpha, user: "mia", action: "approve pods for it"))
        XCTAssertEqual(error { try hub.revoke(.superModeller, from: "olivia", on: alpha, by: owner) } as? HubError,
                       .cannotRevokeOwner(pod: alpha))
        XCTAssertEqual(error { try hub.revoke(.dpModeller, from: "mia", on: alpha, by: owner) } as? HubError,
                       .roleNotHeld(pod: alpha, user: "mia", role: .dpModeller))
        XCTAssertEqual(error { try hub.grant(.dpModeller, to: "mai", on: alpha, by: owner) } as? HubError,
                       .unknownUser("mai", suggestion: "mia"))
        XCTAssertEqual(try snapshot(hub), before)
    }

    func testModellerChecksAccessAndReportsEveryRefusal() async throws {
        let (hub, owner, modeller) = try makeHub()
        let alpha = try makePod(hub, "alpha", owner: owner, approved: ["beta"])
        try makePod(hub, "beta", owner: owner)
        try hub.grant(.generalModeller, to: "mia", on: alpha, by: owner)
        let report = try await Modeller(hub: hub, identity: modeller).checkAccess(["alpha", "beta"], task: .train, secureAggregation: true)
        XCTAssertEqual(report.accepted.map(\.name), ["alpha"])
        XCTAssertFalse(report.allAccepted)
        XCTAssertEqual(report.error?.description, """
            pod 'beta' refused the train task: 'mia' has no permissions on this pod
            help: ask the owner 'olivia' to grant you a role
            """)

        let schemaError = await asyncError { try await Modeller(hub: hub, identity: modeller).schema(of: "beta") }
        XCTAssertEqual((schemaError as? AccessDenied)?.refusals.map(\.rejection), [.noPermissions(modeller: "mia", owner: "olivia")])
        let schema = try await Modeller(hub: hub, identity: modeller).schema(of: "alpha")
        XCTAssertEqual(schema.schema.columnNames, ["age", "gender", "hours", "TARGET"])
    }

    func testSchemaCallRefusesOtherTaskKinds() async throws {
        let (hub, owner, _) = try makeHub()
        let alpha = try makePod(hub, "alpha", owner: owner)
        let request = try TaskRequest.signed(kind: .train, pods: [alpha], by: owner)
        let answer = try await hub.localConnection(to: alpha, as: owner.name).schema(request)
        XCTAssertEqual(answer, .rejected(.wrongTaskKind(expected: .schema, found: .train)))
        XCTAssertEqual(try hub.auditLog(for: alpha).map(\.reason),
                       ["this call serves schema tasks, but the request is for a train task"])
    }

    func testRolePermissionsMarkdown() {
        XCTAssertEqual(RolePermissions.markdown, """
            | role | schema | train | evaluate | sql | predict |
            |---|---|---|---|---|---|
            | `super_modeller` | yes | yes | yes | yes | yes |
            | `general_modeller` | yes | yes | yes | yes | no |
            | `dp_modeller` | yes | with DP only | with DP only (refused: no DP for these) | with DP only (refused: no DP for these) | with DP only (refused: no DP for these) |
            | `schema_viewer` | yes | no | no | no | no |
            """)
    }
}
