/// The Language layer of bf; see ../shared/design/architecture.md.
enum LanguageModule {}
