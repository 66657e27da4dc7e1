/// Makes connections to pods served over the network. Federation does not know the wire;
/// the `Transport` target provides the dialer (gRPC) and the hub uses it for every pod a
/// script names by address or through the federation file.
public protocol PodDialer: Sendable {
    /// A connection to the pod served at `address` that signs every call as `identity`; it
    /// asks the pod for its details first, so the connection knows the pod's identifier and
    /// a wrong or unreachable address fails here, naming the address.
    func connect(to address: PodAddress, as identity: LocalIdentity, settings: RemoteSettings) async throws -> any PodConnection
}
