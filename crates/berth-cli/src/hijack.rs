//! Pumps a hijacked connection (an attached exec or container) to and from the user's
//! terminal, as the docker CLI's `hijackedIOStreamer` does: output to stdout and stderr
//! (one stream under a TTY), standard input to the process and its end closing the write
//! side, the terminal in raw mode under a TTY, the window size followed, the detach
//! sequence watched for.

use std::io::Write;

use berth_engine::{AttachedIo, Engine, EngineError, Output};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::signal::unix::{signal, Signal, SignalKind};

use crate::terminal::{self, DetachWatch, RawTerminal, Terminations};

/// What the terminal is attached to, for the resize calls.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Exec(&'a str),
    Container(&'a str),
}

/// How the connection is pumped.
#[derive(Debug, Clone)]
pub struct Pump {
    /// The process has a TTY: its output is one stream, and the terminal goes raw.
    pub tty: bool,
    /// Standard input is sent.
    pub stdin: bool,
    /// The window size is sent at the start and on every change.
    pub follow_size: bool,
    /// `attach` first sends a size one larger, so that a shell redraws its prompt.
    pub nudge_size: bool,
    /// The detach sequence (watched only under a TTY with input, as the docker CLI does).
    pub detach_keys: Vec<u8>,
    /// Ctrl-C (SIGINT) ends the pumping with status 130 (compose's `exec`: the signal is
    /// not passed on, and compose exits rather than dies of it).
    pub end_on_interrupt: bool,
}

/// How the pumping ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// The process's output ended.
    OutputClosed,
    /// The user typed the detach sequence.
    Detached,
    /// A termination signal arrived while the terminal was raw: exit with this status.
    Terminated(u8),
}

/// Pumps `io` until its output ends, the user detaches, or berth is told to end.
pub async fn pump(
    engine: &Engine,
    target: Target<'_>,
    io: AttachedIo,
    options: &Pump,
) -> Result<Ended, EngineError> {
    let AttachedIo {
        mut output,
        mut input,
    } = io;
    // Raw mode only when typing goes to the process's terminal; restored on every exit
    // path when `raw` is dropped.
    let raw = if options.tty && options.stdin && terminal::stdin_is_terminal() {
        Some(RawTerminal::enter().map_err(|e| {
            EngineError::Other(format!(
                "unable to setup input stream: unable to set IO streams as raw terminal: {e}"
            ))
        })?)
    } else {
        None
    };
    let mut terminations = match &raw {
        Some(_) => Terminations::catch().ok(),
        None => None,
    };
    let mut interrupts = match options.end_on_interrupt {
        true => signal(SignalKind::interrupt()).ok(),
        false => None,
    };
    let mut resizes = None;
    if options.follow_size {
        if let Some((rows, columns)) = terminal::terminal_size() {
            if options.nudge_size {
                let _ = resize(engine, target, rows + 1, columns + 1).await;
            }
            let _ = resize(engine, target, rows, columns).await;
        }
        resizes = terminal::resize_events().ok();
    }
    let mut stdin = options.stdin.then(terminal::stdin_chunks);
    let mut detach = DetachWatch::new(if options.tty && options.stdin {
        options.detach_keys.clone()
    } else {
        Vec::new()
    });
    let ended = loop {
        tokio::select! {
            chunk = output.next() => match chunk {
                Some(Ok(Output::Stdout(bytes))) => write_out(&mut std::io::stdout(), &bytes),
                Some(Ok(Output::Stderr(bytes))) if options.tty => {
                    write_out(&mut std::io::stdout(), &bytes)
                }
                Some(Ok(Output::Stderr(bytes))) => write_out(&mut std::io::stderr(), &bytes),
                Some(Err(e)) => return Err(e),
                None => break Ended::OutputClosed,
            },
            typed = recv(&mut stdin) => match typed {
                Some(bytes) => {
                    let (pass, detached) = detach.feed(&bytes);
                    if !pass.is_empty() && input.write_all(&pass).await.is_err() {
                        stdin = None;
                    }
                    let _ = input.flush().await;
                    if detached {
                        break Ended::Detached;
                    }
                }
                None => {
                    // End of input: close the write side so the process reads its end too.
                    let _ = input.shutdown().await;
                    stdin = None;
                }
            },
            size = next_size(&mut resizes) => match size {
                Some((rows, columns)) => {
                    let _ = resize(engine, target, rows, columns).await;
                }
                None => resizes = None,
            },
            status = terminated(&mut terminations) => break Ended::Terminated(status),
            _ = interrupted(&mut interrupts) => break Ended::Terminated(130),
        }
    };
    drop(raw);
    Ok(ended)
}

fn write_out(out: &mut impl Write, bytes: &[u8]) {
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

async fn resize(
    engine: &Engine,
    target: Target<'_>,
    rows: u16,
    columns: u16,
) -> Result<(), EngineError> {
    match target {
        Target::Exec(id) => engine.resize_exec(id, rows, columns).await,
        Target::Container(id) => engine.resize_container(id, rows, columns).await,
    }
}

/// The next chunk of input; pending for ever once input is closed or not sent.
async fn recv(stdin: &mut Option<tokio::sync::mpsc::Receiver<Vec<u8>>>) -> Option<Vec<u8>> {
    match stdin {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

async fn next_size(resizes: &mut Option<terminal::ResizeEvents>) -> Option<(u16, u16)> {
    match resizes {
        Some(events) => events.next().await,
        None => std::future::pending().await,
    }
}

async fn interrupted(interrupts: &mut Option<Signal>) {
    match interrupts {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending().await,
    }
}

async fn terminated(terminations: &mut Option<Terminations>) -> u8 {
    match terminations {
        Some(t) => t.recv().await,
        None => std::future::pending().await,
    }
}
