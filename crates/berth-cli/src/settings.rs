//! Settings resolved once from the process: its environment, working directory, terminal.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use indexmap::IndexMap;

/// Everything berth reads from its process, read in one place.
#[derive(Debug, Clone)]
pub struct Settings {
    pub env: IndexMap<String, String>,
    pub cwd: PathBuf,
    pub stderr_is_tty: bool,
    pub stdout_is_tty: bool,
    /// Standard input's width when it is a terminal (the docker CLI sizes pull progress
    /// bars by it).
    pub stdin_width: Option<u16>,
    /// The engine ping started before the command line was parsed (see `main`).
    pub early_ping: Arc<Mutex<Option<berth_engine::EarlyPing>>>,
}

impl Settings {
    // The one place that reads the process environment (see clippy.toml).
    #[allow(clippy::disallowed_methods)]
    pub fn from_process() -> Settings {
        Settings {
            env: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
            stderr_is_tty: std::io::stderr().is_terminal(),
            stdout_is_tty: std::io::stdout().is_terminal(),
            stdin_width: berth_ui::progress::stdin_width(),
            early_ping: Arc::default(),
        }
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.env.get(name).map(String::as_str)
    }

    /// A boolean variable as Go's `strconv.ParseBool` reads it; unset or invalid is false.
    pub fn flag(&self, name: &str) -> bool {
        self.var(name)
            .and_then(berth_loader::setup::parse_go_bool)
            .unwrap_or(false)
    }
}
