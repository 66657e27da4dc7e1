import Language
import Federation
import Foundation

/// The federation as one session sees it: the hub in the bf home, the user acting, the pods
/// chosen with `pods "a", "b"`, and the data structure made last.
///
/// It is opened on first use, so a session that never touches pods never opens the store.
/// Opening an empty home creates the demo federation, so a first run has pods to work with;
/// a home whose federation file lists remote pods is not empty.
public final class FederationContext {
    public let hub: Hub
    public let identity: LocalIdentity
    public var modeller: Modeller { Modeller(hub: hub, identity: identity) }
    /// The pods the session works with, as the user wrote them, once chosen.
    public var chosenPods: [String] = []
    /// The data structure made last: `combine_schemas` and training use it unless given another.
    var currentDataStructure: DataStructureObject?

    /// Opens the hub in `home` as `userName` (nil: the login name), reaching pods of other
    /// processes through `dialer` (nil: only this home's pods). When the home has no pods
    /// yet, creates the demo federation, owned by this user, and says so through `notice`; a
    /// demo that a killed session left half-built is built again.
    public init(home: URL, userName: String?, dialer: (any PodDialer)?, notice: (String) -> Void) throws {
        hub = try Hub(home: home, dialer: dialer)
        identity = try hub.identity(named: userName)
        // The demo belongs to whoever opens the empty home first, so its pods are theirs.
        try DemoFederation.completeIfNeeded(hub: hub, identity: identity, notice: notice)
    }

    /// The pods a call names, else the chosen pods, else an error saying how to choose.
    func pods(_ named: [String]?, for purpose: String) throws -> [String] {
        if let named, !named.isEmpty { return named }
        guard !chosenPods.isEmpty else {
            throw RuntimeError(.noPodsChosen(purpose: purpose))
        }
        return chosenPods
    }

    /// Every pod identifier and bare name, and the names of the federation file, for Tab inside strings.
    public func podNames() -> [String] {
        let remote = (try? hub.federationFile().pods.map(\.name)) ?? []
        guard let descriptions = try? hub.podDescriptions() else { return remote }
        return descriptions.map(\.identifier.name) + descriptions.map(\.identifier.description) + remote
    }
}
