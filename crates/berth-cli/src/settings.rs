//! Settings resolved once from the process (its environment, working directory, terminal)
//! and, once the command line is parsed, from the global flags and the `COMPOSE_*`
//! variables that stand for them.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use indexmap::IndexMap;

use crate::cli::GlobalFlags;
use crate::env_names;

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
    /// The global flags with their variables (see [`Settings::resolve`]).
    pub resolved: Resolved,
}

/// What the global flags and their `COMPOSE_*` variables say, the flag first.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// `--progress`, else `COMPOSE_PROGRESS` (empty: neither).
    pub progress: String,
    /// `--ansi` (`never` with `--no-ansi`), else `COMPOSE_ANSI`, else `auto`.
    pub ansi: String,
    /// `NO_COLOR` is set and not empty.
    pub no_color: bool,
    /// `--parallel`, else `COMPOSE_PARALLEL_LIMIT`; `None` is unlimited.
    pub parallel: Option<usize>,
    /// `--compatibility` or `COMPOSE_COMPATIBILITY`.
    pub compatibility: bool,
    /// `COMPOSE_REMOVE_ORPHANS`, which `--remove-orphans` turns on too.
    pub remove_orphans: bool,
    /// `COMPOSE_IGNORE_ORPHANS`.
    pub ignore_orphans: bool,
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
            resolved: Resolved::default(),
        }
    }

    /// Resolves the global flags against their variables, once, before a command runs.
    pub fn resolve(&mut self, global: &GlobalFlags) {
        let progress = global
            .progress
            .clone()
            .or_else(|| self.var(env_names::PROGRESS).map(str::to_string))
            .unwrap_or_default();
        let ansi = if global.no_ansi {
            "never".to_string()
        } else if global.ansi != "auto" {
            global.ansi.clone()
        } else {
            self.var(env_names::ANSI).unwrap_or("auto").to_string()
        };
        let limit = if global.parallel != -1 {
            global.parallel
        } else {
            self.var(env_names::PARALLEL_LIMIT)
                .and_then(|v| v.parse().ok())
                .unwrap_or(-1)
        };
        self.resolved = Resolved {
            progress,
            ansi,
            no_color: self.var(env_names::NO_COLOR).is_some_and(|v| !v.is_empty()),
            parallel: usize::try_from(limit).ok().filter(|n| *n > 0),
            compatibility: global.compatibility.unwrap_or(false)
                || self.flag(env_names::COMPATIBILITY),
            remove_orphans: self.flag(env_names::REMOVE_ORPHANS),
            ignore_orphans: self.flag(env_names::IGNORE_ORPHANS),
        };
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
