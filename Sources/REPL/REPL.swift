/// The REPL layer of bf; see ../shared/design/architecture.md.
enum REPLModule {}
