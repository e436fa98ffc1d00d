//! `export`: a service container's file system as a tar archive (compose's `Export`).

use std::io::Write;

use berth_engine::Engine;
use futures_util::StreamExt;

use crate::events::{Event, Progress, Status};
use crate::targets::{Target, TargetError};

/// Streams `target`'s file system into the writer `open` gives once the engine answered
/// (compose opens the output file then). `output` is what the progress line names (empty
/// for standard output). In a dry run nothing is asked or written.
pub async fn export(
    engine: &Engine,
    target: &Target,
    output: &str,
    progress: &dyn Progress,
    dry_run: bool,
    open: impl FnOnce() -> Result<Box<dyn Write>, String>,
) -> Result<(), TargetError> {
    let event = |status, word: &str| {
        let mut e = Event::new(&target.name, status, word);
        e.text = format!("export {} to {output}", target.name);
        e
    };
    progress.event(event(Status::Working, "Exporting"));
    if dry_run {
        progress.event(event(Status::Done, "Exported"));
        return Ok(());
    }
    let mut stream = engine.export_container(&target.id);
    // The first chunk (or the engine's refusal) comes before the output is opened.
    let first = stream.next().await.transpose()?;
    let mut sink = open().map_err(TargetError::Message)?;
    let write_failed = |e: std::io::Error| TargetError::Message(e.to_string());
    if let Some(chunk) = first {
        sink.write_all(&chunk).map_err(write_failed)?;
    }
    while let Some(chunk) = stream.next().await {
        sink.write_all(&chunk?).map_err(write_failed)?;
    }
    // compose returns once the copy ends: no `Exported` event outside dry runs.
    sink.flush().map_err(write_failed)
}
