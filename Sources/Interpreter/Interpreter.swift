/// The Interpreter layer of bf; see ../shared/design/architecture.md.
enum InterpreterModule {}
