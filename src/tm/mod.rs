//! Translation-memory outputs: TMX 1.4b, review CSV and bead files.
