//! Rendering of what the verbs report: progress, tables, container output and `--format`.

pub mod events;
pub mod format;
pub mod logs;
pub mod progress;
pub mod prompt;
pub mod stats;
pub mod tables;
