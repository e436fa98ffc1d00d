//! Progress renderers (compose's pkg/progress writers): plain lines, JSON lines, nothing.
//! All go to stderr.

use std::io::Write;
use std::sync::Mutex;

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

/// Renders events as compose does in `mode`. `warn` prints logrus-style warnings.
pub struct Renderer {
    mode: Mode,
    dry_run: bool,
    out: Mutex<Box<dyn Write + Send>>,
    warn: Box<dyn Fn(&str) + Send + Sync>,
}

impl Renderer {
    pub fn new(mode: Mode, dry_run: bool, warn: Box<dyn Fn(&str) + Send + Sync>) -> Renderer {
        Renderer {
            mode,
            dry_run,
            out: Mutex::new(Box::new(std::io::stderr())),
            warn,
        }
    }

    /// Finishes the output (the tty view draws its last frame).
    pub fn finish(&self) {}

    fn line(&self, text: &str) {
        let mut out = self.out.lock().expect("progress output lock");
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}

impl Progress for Renderer {
    fn event(&self, e: Event) {
        match self.mode {
            Mode::Quiet => {}
            // Go's Println(prefix, id, text, status): space-separated, empty ones included.
            Mode::Plain | Mode::Tty => {
                let prefix = if self.dry_run { DRY_RUN_PREFIX } else { "" };
                self.line(&format!("{prefix} {} {} {}\n", e.id, e.text, e.status_text));
            }
            Mode::Json => {
                let mut m = serde_json::Map::new();
                if self.dry_run {
                    m.insert("dry-run".into(), true.into());
                }
                for (k, v) in [
                    ("id", &e.id),
                    ("parent_id", &e.parent_id),
                    ("text", &e.text),
                    ("status", &e.status_text),
                ] {
                    if !v.is_empty() {
                        m.insert(k.into(), v.clone().into());
                    }
                }
                self.line(&format!("{}\n", serde_json::Value::Object(m)));
            }
        }
    }

    fn warning(&self, message: &str) {
        (self.warn)(message)
    }

    fn tail(&self, message: &str) {
        match self.mode {
            Mode::Quiet => {}
            Mode::Json => {
                let mut m = serde_json::Map::new();
                if self.dry_run {
                    m.insert("dry-run".into(), true.into());
                }
                m.insert("tail".into(), true.into());
                m.insert("text".into(), message.into());
                self.line(&format!("{}\n", serde_json::Value::Object(m)));
            }
            _ => {
                let prefix = if self.dry_run { DRY_RUN_PREFIX } else { "" };
                self.line(&format!("{prefix}{message}\n"));
            }
        }
    }
}
