//! Rendering of what the verbs report: progress, tables and `--format` output.

pub mod format;
pub mod progress;
pub mod tables;
