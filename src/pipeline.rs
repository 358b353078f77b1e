//! The main job (`tmalign run`): ingest → split → segment → align → write.
