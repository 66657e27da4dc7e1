import Federation
import Foundation

/// A scratch bf home holding the demo federation, owned by `owner`: what the tests of pods,
/// queries, training and transport start from. Making it takes seconds in a debug build, so a
/// test class makes one and shares it.
public struct DemoHome: @unchecked Sendable {
    public let hub: Hub
    public let owner: LocalIdentity
    public let demo: DemoFederation

    /// A new home in the temporary folder (named after `label`) with the demo federation.
    public static func make(_ label: String, owner: String = "olivia") throws -> DemoHome {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bf-\(label)-\(UUID().uuidString)")
        let hub = try Hub(home: home)
        let identity = try hub.identity(named: owner)
        return DemoHome(hub: hub, owner: identity, demo: try DemoFederation.create(hub: hub, owner: identity))
    }

    /// Deletes the home.
    public func remove() {
        try? FileManager.default.removeItem(at: hub.home)
    }
}
