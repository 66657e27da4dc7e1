/// The Learning layer of bf; see ../shared/design/architecture.md.
enum LearningModule {}
