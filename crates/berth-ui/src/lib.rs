//! Rendering of what the verbs report: progress, tables and `--format` output.

pub mod logs;
pub mod progress;
