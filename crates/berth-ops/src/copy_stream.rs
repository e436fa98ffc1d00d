//! The byte plumbing of `cp`: archives move between the engine's streams and the blocking
//! tar code (`copy_archive`) a bounded number of chunks at a time, so a copy of any size
//! holds a few hundred kilobytes, as docker cp's pipes do.

use std::io::{self, BufWriter, Read, Write};
use std::sync::{Arc, Mutex};

use berth_engine::EngineError;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::io::{StreamReader, SyncIoBridge};

use crate::copy_archive::{rename_entries, untar, Rename};
use crate::targets::TargetError;

/// How many chunks wait between an archive's writer and the upload.
const CHANNEL_CHUNKS: usize = 8;
/// The size of those chunks.
const CHUNK_BYTES: usize = 64 * 1024;

/// An archive's chunks, as an upload's body takes them.
pub type Body = BoxStream<'static, io::Result<Vec<u8>>>;

/// Why an archive's writer stopped before its end.
#[derive(Debug)]
pub enum WriteFailure {
    /// The upload stopped reading: its own answer says why.
    Closed,
    /// The archive could not be made, for this reason.
    Failed(String),
}

/// The archive `produce` writes on a blocking thread, as the body of an upload: the writer
/// waits while the body is [`CHANNEL_CHUNKS`] chunks ahead of the engine. When `produce`
/// fails, the body ends with that error, which aborts the upload.
pub fn archive_body<F>(produce: F) -> (Body, JoinHandle<Result<(), WriteFailure>>)
where
    F: FnOnce(&mut dyn Write) -> Result<(), String> + Send + 'static,
{
    let (sender, receiver) = mpsc::channel(CHANNEL_CHUNKS);
    let writer = tokio::task::spawn_blocking(move || {
        let mut out = BufWriter::with_capacity(CHUNK_BYTES, ChannelWriter(sender.clone()));
        let result = produce(&mut out).and_then(|()| out.flush().map_err(|e| e.to_string()));
        drop(out);
        match result {
            Ok(()) => Ok(()),
            Err(_) if sender.is_closed() => Err(WriteFailure::Closed),
            Err(message) => {
                let _ = sender.blocking_send(Err(io::Error::other(message.clone())));
                Err(WriteFailure::Failed(message))
            }
        }
    });
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    })
    .boxed();
    (body, writer)
}

/// An upload's outcome from the engine's answer and its archive's writer: the archive's own
/// failure first (the upload only saw it cut short), then the engine's.
pub async fn finish_upload(
    uploaded: Result<(), EngineError>,
    writer: JoinHandle<Result<(), WriteFailure>>,
) -> Result<(), TargetError> {
    match writer.await {
        Ok(Err(WriteFailure::Failed(message))) => Err(TargetError::Message(message)),
        Err(join) => Err(TargetError::Message(join.to_string())),
        Ok(Ok(()) | Err(WriteFailure::Closed)) => uploaded.map_err(TargetError::from),
    }
}

/// `Write` into a bounded channel, blocking while it is full. Written here because
/// tokio-util makes the same of three layers (SinkWriter, PollSender, SyncIoBridge) whose
/// items cannot be errors, and the archive's failure must reach the body as one.
struct ChannelWriter(mpsc::Sender<io::Result<Vec<u8>>>);

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .blocking_send(Ok(buf.to_vec()))
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Extracts the engine's archive `tar` under `dir` as it arrives, its entries renamed by
/// `renames` on the way (moby's `RebaseArchiveEntries` in front of `Untar`).
pub async fn untar_stream(
    tar: BoxStream<'static, Result<Vec<u8>, EngineError>>,
    dir: String,
    renames: Vec<Rename>,
) -> Result<(), TargetError> {
    // An engine error in the middle reaches the tar reader as an I/O error; the engine's
    // own is kept, to be reported as such.
    let engine_error: Arc<Mutex<Option<EngineError>>> = Arc::default();
    let slot = engine_error.clone();
    let chunks = tar.map(move |chunk| {
        chunk.map(io::Cursor::new).map_err(|e| {
            let text = e.to_string();
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(e);
            }
            io::Error::other(text)
        })
    });
    // tokio-util's bridge lets the blocking tar code pull the stream one chunk at a time.
    let reader = SyncIoBridge::new(StreamReader::new(chunks));
    let extracted = tokio::task::spawn_blocking(move || extract(reader, &dir, &renames))
        .await
        .map_err(|e| e.to_string())
        .and_then(|result| result);
    if let Some(e) = engine_error.lock().ok().and_then(|mut slot| slot.take()) {
        return Err(e.into());
    }
    extracted.map_err(TargetError::Message)
}

/// [`untar`] of `tar` renamed by `renames`: the renamed archive goes from a thread of its
/// own to the extraction through a pipe, whose kernel buffer bounds it.
fn extract(tar: impl Read + Send, dir: &str, renames: &[Rename]) -> Result<(), String> {
    if renames.is_empty() {
        return untar(tar, dir);
    }
    let (renamed, renamer_out) = io::pipe().map_err(|e| e.to_string())?;
    std::thread::scope(|scope| {
        let renamer = scope.spawn(move || rename_entries(tar, renames, renamer_out));
        // The pipe's reading end closes when the extraction ends, so a renamer still
        // writing (the extraction failed) stops with a broken pipe.
        let extracted = untar(renamed, dir);
        match renamer.join() {
            Ok(Err(e)) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.to_string()),
            Err(_) => Err("the archive's renaming stopped".into()),
            Ok(_) => extracted,
        }
    })
}
