//! The user's terminal for the interactive commands (`exec`, `attach`, `run -it`): raw mode
//! and its restoration, the window's size and its changes, standard input as a stream of
//! chunks, and the detach key sequence (ctrl-p,ctrl-q), as the docker CLI handles them.
//!
//! Raw mode uses rustix's termios calls (already in the build through `terminal_size`), not
//! a whole terminal UI crate: berth needs only get/set attributes and the window size, and
//! rustix gives them as safe functions (the workspace forbids `unsafe`).

use std::io::{self, IsTerminal, Read};
use std::os::fd::AsFd;

use rustix::termios::{self, OptionalActions, Termios};
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::mpsc;

/// Whether standard input is a terminal.
pub fn stdin_is_terminal() -> bool {
    io::stdin().is_terminal()
}

/// Whether standard output is a terminal.
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// Standard input's terminal in raw mode (no echo, no line editing, no signals from keys:
/// Ctrl-C is the byte 0x03 for the container's terminal). The saved settings come back when
/// the guard is dropped, on every exit path: return, error, panic (unwinding), and the
/// termination signals the interactive commands watch for ([`termination`]).
pub struct RawTerminal {
    saved: Termios,
}

impl RawTerminal {
    /// Puts standard input's terminal in raw mode (the docker CLI's `SetRawTerminal`, which
    /// is `cfmakeraw`); fails when standard input is not a terminal.
    pub fn enter() -> io::Result<RawTerminal> {
        let stdin = io::stdin();
        let saved = termios::tcgetattr(stdin.as_fd())?;
        let mut raw = saved.clone();
        raw.make_raw();
        termios::tcsetattr(stdin.as_fd(), OptionalActions::Now, &raw)?;
        Ok(RawTerminal { saved })
    }

    /// Puts standard input's terminal in key-reading mode: raw input (Ctrl-C is the byte
    /// 0x03, nothing is echoed) but output processed as usual (newlines still return the
    /// carriage), as compose's navigation menu keyboard does during attached `up`.
    pub fn enter_keys() -> io::Result<RawTerminal> {
        let stdin = io::stdin();
        let saved = termios::tcgetattr(stdin.as_fd())?;
        let mut keys = saved.clone();
        keys.make_raw();
        keys.output_modes = saved.output_modes;
        termios::tcsetattr(stdin.as_fd(), OptionalActions::Now, &keys)?;
        Ok(RawTerminal { saved })
    }

    /// Puts the saved settings back now (dropping the guard does it too).
    pub fn restore(&self) {
        let _ = termios::tcsetattr(io::stdin().as_fd(), OptionalActions::Now, &self.saved);
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        self.restore();
    }
}

/// The window size of standard output's terminal as (rows, columns) (the docker CLI's
/// `Out().GetTtySize()`); `None` when it is not a terminal.
pub fn terminal_size() -> Option<(u16, u16)> {
    let size = termios::tcgetwinsize(io::stdout().as_fd()).ok()?;
    Some((size.ws_row, size.ws_col))
}

/// The window's size changes (SIGWINCH).
pub struct ResizeEvents {
    signal: Signal,
}

impl ResizeEvents {
    /// The next size, once the window changed; `None` if the signal stream closed.
    pub async fn next(&mut self) -> Option<(u16, u16)> {
        loop {
            self.signal.recv().await?;
            if let Some(size) = terminal_size() {
                return Some(size);
            }
        }
    }
}

/// Listens for the window's size changes (needs a tokio runtime).
pub fn resize_events() -> io::Result<ResizeEvents> {
    Ok(ResizeEvents {
        signal: signal(SignalKind::window_change())?,
    })
}

/// The signals that end berth while a terminal is in raw mode (SIGTERM, SIGHUP, SIGQUIT):
/// berth catches them so that the command returns and the [`RawTerminal`] guard restores
/// the terminal, then exits with 128 + the signal number as the shell would report.
pub struct Terminations {
    term: Signal,
    hangup: Signal,
    quit: Signal,
}

impl Terminations {
    /// Starts catching them (needs a tokio runtime).
    pub fn catch() -> io::Result<Terminations> {
        Ok(Terminations {
            term: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            quit: signal(SignalKind::quit())?,
        })
    }

    /// Waits for one; returns the exit status it stands for.
    pub async fn recv(&mut self) -> u8 {
        tokio::select! {
            _ = self.term.recv() => 128 + 15,
            _ = self.hangup.recv() => 128 + 1,
            _ = self.quit.recv() => 128 + 3,
        }
    }
}

/// Standard input as chunks, as they are read; the channel closes at end of input.
///
/// It reads on a thread of its own, not with tokio's `stdin`: tokio reads on its blocking
/// pool, and a runtime waits for those reads when it shuts down, so a command whose process
/// ended would hang until the user typed a key. The thread is detached and dies with berth.
pub fn stdin_chunks() -> mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel(16);
    std::thread::spawn(move || {
        let mut stdin = io::stdin().lock();
        let mut buffer = vec![0u8; 32 * 1024];
        loop {
            match stdin.read(&mut buffer) {
                Ok(0) => return,
                Ok(n) => {
                    if sender.blocking_send(buffer[..n].to_vec()).is_err() {
                        return;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return,
            }
        }
    });
    receiver
}

/// The docker CLI's default detach sequence: ctrl-p, ctrl-q.
pub const DEFAULT_DETACH_KEYS: &[u8] = &[16, 17];

/// Parses a detach sequence such as `ctrl-p,ctrl-q` (moby/term's `ToBytes`): comma-separated
/// keys, each a single character, `ctrl-<a-z@[\]^_>` or `DEL`.
pub fn parse_detach_keys(keys: &str) -> Result<Vec<u8>, String> {
    const CONTROLS: &str = "@abcdefghijklmnopqrstuvwxyz[\\]^_";
    keys.split(',')
        .map(|key| {
            if key.len() == 1 {
                return Ok(key.as_bytes()[0]);
            }
            if key == "DEL" {
                return Ok(127);
            }
            key.strip_prefix("ctrl-")
                .filter(|c| c.len() == 1)
                .and_then(|c| CONTROLS.find(c))
                .map(|code| code as u8)
                .ok_or_else(|| format!("Unknown character: '{key}'"))
        })
        .collect()
}

/// Finds the detach sequence in what the user types (the docker CLI's escape proxy): the
/// bytes of a partial match are held back until the sequence completes (detach) or breaks
/// (they are passed on).
pub struct DetachWatch {
    keys: Vec<u8>,
    matched: usize,
}

impl DetachWatch {
    pub fn new(keys: Vec<u8>) -> DetachWatch {
        DetachWatch { keys, matched: 0 }
    }

    /// The bytes to pass on for `chunk`, and whether the sequence is now complete (the
    /// bytes typed before it are passed on, the sequence itself is not).
    pub fn feed(&mut self, chunk: &[u8]) -> (Vec<u8>, bool) {
        let mut pass = Vec::with_capacity(chunk.len());
        for &byte in chunk {
            if self.keys.is_empty() {
                pass.push(byte);
                continue;
            }
            if byte == self.keys[self.matched] {
                self.matched += 1;
                if self.matched == self.keys.len() {
                    self.matched = 0;
                    return (pass, true);
                }
                continue;
            }
            pass.extend_from_slice(&self.keys[..self.matched]);
            self.matched = 0;
            if byte == self.keys[0] {
                self.matched = 1;
                if self.keys.len() == 1 {
                    self.matched = 0;
                    return (pass, true);
                }
            } else {
                pass.push(byte);
            }
        }
        (pass, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detach_keys_parse_as_moby_term() {
        assert_eq!(parse_detach_keys("ctrl-p,ctrl-q").unwrap(), vec![16, 17]);
        assert_eq!(
            parse_detach_keys("ctrl-@,a,DEL").unwrap(),
            vec![0, b'a', 127]
        );
        assert_eq!(parse_detach_keys("ctrl-\\").unwrap(), vec![28]);
        assert_eq!(
            parse_detach_keys("ctrl-1").unwrap_err(),
            "Unknown character: 'ctrl-1'"
        );
    }

    #[test]
    fn the_detach_sequence_is_found_across_chunks_and_held_back() {
        let mut watch = DetachWatch::new(vec![16, 17]);
        assert_eq!(watch.feed(b"ab\x10"), (b"ab".to_vec(), false));
        assert_eq!(watch.feed(b"c"), (b"\x10c".to_vec(), false));
        assert_eq!(watch.feed(b"x\x10"), (b"x".to_vec(), false));
        assert_eq!(watch.feed(b"\x11rest"), (vec![], true));
        let mut watch = DetachWatch::new(vec![16, 17]);
        assert_eq!(watch.feed(b"\x10\x10\x11"), (b"\x10".to_vec(), true));
    }
}
