/// The Federation layer of bf; see ../shared/design/architecture.md.
enum FederationModule {}
