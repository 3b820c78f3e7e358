//! Runs a parsed scenario against a `World` (owned by the simulator implementer).
