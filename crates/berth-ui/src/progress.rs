//! Progress renderers (compose's pkg/progress writers): the live tty view, plain lines, JSON
//! lines, nothing. All go to stderr.

pub mod tty;

use std::io::Write;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use berth_ops::{Event, Progress};

/// The `--progress` modes, resolved (`auto` already decided).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Tty,
    Plain,
    Json,
    Quiet,
}

/// compose's `api.DRYRUN_PREFIX`.
pub const DRY_RUN_PREFIX: &str = " DRY-RUN MODE - ";

/// How often the tty view redraws (compose's ticker).
const TICK: Duration = Duration::from_millis(100);

type Output = Mutex<Box<dyn Write + Send>>;

/// Renders events as compose does in `mode`. `warn` prints logrus-style warnings.
pub struct Renderer {
    mode: Mode,
    dry_run: bool,
    out: Arc<Output>,
    warn: Box<dyn Fn(&str) + Send + Sync>,
    tty: Arc<Mutex<tty::View>>,
    ticker: Mutex<Option<Ticker>>,
}

/// The thread that redraws the tty view.
struct Ticker {
    stop: mpsc::Sender<()>,
    handle: std::thread::JoinHandle<()>,
}

/// One line of compose's JSON progress (`jsonMessage`): the fields that are set, in its
/// order (dry-run, tail, id, parent_id, text, status, current, total, percent), written as
/// Go's encoder writes them.
fn json_line(
    dry_run: bool,
    tail: bool,
    strings: &[(&str, &str)],
    numbers: &[(&str, i64)],
) -> String {
    let mut fields = Vec::new();
    for (key, on) in [("dry-run", dry_run), ("tail", tail)] {
        if on {
            fields.push(format!("\"{key}\":true"));
        }
    }
    for (key, value) in strings.iter().filter(|(_, v)| !v.is_empty()) {
        let mut field = format!("\"{key}\":");
        crate::format::value::json_string(&mut field, value, true);
        fields.push(field);
    }
    for (key, value) in numbers.iter().filter(|(_, v)| *v != 0) {
        fields.push(format!("\"{key}\":{value}"));
    }
    format!("{{{}}}\n", fields.join(","))
}

/// Standard input's width, when it is a terminal.
pub fn stdin_width() -> Option<u16> {
    terminal_size::terminal_size_of(std::io::stdin()).map(|(w, _)| w.0)
}

/// The terminal's size as goterm reports it (-1 when unknown).
fn terminal_size() -> (i64, i64) {
    let size = terminal_size::terminal_size()
        .or_else(|| terminal_size::terminal_size_of(std::io::stderr()));
    match size {
        Some((w, h)) => (i64::from(w.0), i64::from(h.0)),
        None => (-1, -1),
    }
}

impl Renderer {
    /// A renderer with compose's colours and the `Running` title; see [`Renderer::colors`]
    /// and [`Renderer::title`].
    pub fn new(mode: Mode, dry_run: bool, warn: Box<dyn Fn(&str) + Send + Sync>) -> Renderer {
        Renderer {
            mode,
            dry_run,
            out: Arc::new(Mutex::new(Box::new(std::io::stderr()))),
            warn,
            tty: Arc::new(Mutex::new(tty::View::new(
                "Running",
                dry_run,
                tty::Colors { on: true },
            ))),
            ticker: Mutex::new(None),
        }
    }

    /// Colours on or off (`NO_COLOR` turns them off; compose's `progress.NoColor`).
    pub fn colors(self, on: bool) -> Renderer {
        self.view().colors = tty::Colors { on };
        self
    }

    /// The tty header's verb (`[+] Stopping 2/2`); compose's `RunWithTitle`.
    pub fn title(self, title: &str) -> Renderer {
        self.view().title = title.to_string();
        self
    }

    /// Writes to `out` instead of stderr (tests).
    pub fn with_output(mut self, out: Box<dyn Write + Send>) -> Renderer {
        self.out = Arc::new(Mutex::new(out));
        self
    }

    fn view(&self) -> std::sync::MutexGuard<'_, tty::View> {
        self.tty.lock().expect("progress view lock")
    }

    /// Finishes the output: the tty view draws its last frame and the tail messages.
    pub fn finish(&self) {
        if self.mode != Mode::Tty {
            return;
        }
        self.stop_ticker();
        let (w, h) = terminal_size();
        let text = self.view().final_frame(Instant::now(), w, h);
        write_out(&self.out, &text);
    }

    fn stop_ticker(&self) {
        if let Some(ticker) = self.ticker.lock().expect("ticker lock").take() {
            let _ = ticker.stop.send(());
            let _ = ticker.handle.join();
        }
    }

    fn line(&self, text: &str) {
        write_out(&self.out, text);
    }

    /// Starts the redraw thread at the first event.
    fn ensure_ticker(&self) {
        let mut ticker = self.ticker.lock().expect("ticker lock");
        if ticker.is_some() {
            return;
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let view = Arc::clone(&self.tty);
        let out = Arc::clone(&self.out);
        let handle = std::thread::spawn(move || loop {
            match stopped.recv_timeout(TICK) {
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let (w, h) = terminal_size();
                    let text = view
                        .lock()
                        .expect("progress view lock")
                        .frame(Instant::now(), w, h);
                    write_out(&out, &text);
                }
                _ => return,
            }
        });
        *ticker = Some(Ticker { stop, handle });
    }
}

impl Drop for Renderer {
    fn drop(&mut self) {
        if let Ok(mut ticker) = self.ticker.lock() {
            if let Some(t) = ticker.take() {
                let _ = t.stop.send(());
                let _ = t.handle.join();
            }
        }
    }
}

fn write_out(out: &Output, text: &str) {
    if text.is_empty() {
        return;
    }
    let mut out = out.lock().expect("progress output lock");
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

impl Progress for Renderer {
    fn event(&self, e: Event) {
        match self.mode {
            Mode::Quiet => {}
            Mode::Tty => {
                let text = {
                    let mut view = self.view();
                    view.event(e, Instant::now());
                    let (w, h) = terminal_size();
                    view.frame(Instant::now(), w, h)
                };
                self.line(&text);
                self.ensure_ticker();
            }
            // Go's Println(prefix, id, text, status): space-separated, empty ones included.
            Mode::Plain => {
                let prefix = if self.dry_run { DRY_RUN_PREFIX } else { "" };
                self.line(&format!("{prefix} {} {} {}\n", e.id, e.text, e.status_text));
            }
            Mode::Json => {
                let strings = [
                    ("id", e.id.as_str()),
                    ("parent_id", &e.parent_id),
                    ("text", &e.text),
                    ("status", &e.status_text),
                ];
                let numbers = [
                    ("current", e.current),
                    ("total", e.total),
                    ("percent", e.percent),
                ];
                self.line(&json_line(self.dry_run, false, &strings, &numbers));
            }
        }
    }

    fn warning(&self, message: &str) {
        (self.warn)(message)
    }

    fn notice(&self, message: &str) {
        // Standard output, beside the progress on standard error.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{message}");
        let _ = out.flush();
    }

    fn confirm(&self, question: &str, default: bool) -> bool {
        // Holding the output stops the tty view from redrawing over the question.
        let _paused = self.out.lock().expect("progress output lock");
        crate::prompt::confirm(question, default)
    }

    fn end_section(&self) {
        if self.mode != Mode::Tty {
            return;
        }
        self.stop_ticker();
        let (w, h) = terminal_size();
        let mut view = self.view();
        let text = view.frame(Instant::now(), w, h);
        write_out(&self.out, &text);
        view.clear();
    }

    fn tail(&self, message: &str) {
        match self.mode {
            Mode::Quiet => {}
            Mode::Tty => self.view().add_tail(message),
            Mode::Json => {
                self.line(&json_line(self.dry_run, true, &[("text", message)], &[]));
            }
            Mode::Plain => {
                let prefix = if self.dry_run { DRY_RUN_PREFIX } else { "" };
                self.line(&format!("{prefix}{message}\n"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_ops::events::status;

    /// A writer tests can read back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn tty_renderer_draws_frames_and_a_final_one() {
        let buf = Shared::default();
        let r = Renderer::new(Mode::Tty, false, Box::new(|_| {}))
            .colors(false)
            .title("Stopping")
            .with_output(Box::new(buf.clone()));
        r.event(status::stopping("Container p-web-1"));
        r.event(status::stopped("Container p-web-1"));
        r.tail("bye");
        r.finish();
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert!(text.starts_with("\x1b[1A\x1b[1B\x1b[0G\x1b[?25l[+] Stopping 0/1\n"));
        assert!(text.contains("✔ Container p-web-1  Stopped"));
        assert!(text.ends_with("\x1b[?25hbye\n"));
    }

    /// After a section ends (the pulls of `up`), the next events start a view of their own
    /// below it, as compose's next display does.
    #[test]
    fn a_new_section_starts_a_new_view() {
        let buf = Shared::default();
        let r = Renderer::new(Mode::Tty, false, Box::new(|_| {}))
            .colors(false)
            .with_output(Box::new(buf.clone()));
        r.event(status::started("s"));
        r.end_section();
        r.event(status::created("Network p_default"));
        r.finish();
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        let fresh = "\x1b[1A\x1b[1B\x1b[0G\x1b[?25l[+] Running";
        assert_eq!(text.matches(fresh).count(), 2, "{text:?}");
        let second = &text[text.rfind(fresh).unwrap()..];
        assert!(!second.contains(" s "), "{second:?}");
    }

    #[test]
    fn json_progress_escapes_as_go_and_carries_byte_counts() {
        let buf = Shared::default();
        let j =
            Renderer::new(Mode::Json, false, Box::new(|_| {})).with_output(Box::new(buf.clone()));
        let mut e = Event::new("1023033525b6", berth_ops::Status::Working, "[=>  ] 1kB/2kB");
        e.parent_id = "s".into();
        e.text = "Downloading".into();
        (e.current, e.total, e.percent) = (1000, 2000, 50);
        j.event(e);
        assert_eq!(
            String::from_utf8(buf.0.lock().unwrap().clone()).unwrap(),
            "{\"id\":\"1023033525b6\",\"parent_id\":\"s\",\"text\":\"Downloading\",\"status\":\"[=\\u003e  ] 1kB/2kB\",\"current\":1000,\"total\":2000,\"percent\":50}\n"
        );
    }

    #[test]
    fn plain_and_json_lines() {
        let buf = Shared::default();
        let r =
            Renderer::new(Mode::Plain, false, Box::new(|_| {})).with_output(Box::new(buf.clone()));
        r.event(status::started("Container p-web-1"));
        let buf2 = Shared::default();
        let j =
            Renderer::new(Mode::Json, false, Box::new(|_| {})).with_output(Box::new(buf2.clone()));
        j.event(status::recreate("Container p-web-1"));
        assert_eq!(
            String::from_utf8(buf.0.lock().unwrap().clone()).unwrap(),
            " Container p-web-1  Started\n"
        );
        assert_eq!(
            String::from_utf8(buf2.0.lock().unwrap().clone()).unwrap(),
            "{\"id\":\"Container p-web-1\",\"status\":\"Recreate\"}\n"
        );
    }
}
