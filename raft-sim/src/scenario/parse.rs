//! Parser for the scenario language (owned by the parser implementer).
