//! What the caller tells the loader: the command line's project flags, the process
//! environment (read once by the CLI) and the switches `config` offers.

use std::path::PathBuf;

use indexmap::IndexMap;

/// Environment variables compose reads, in one place.
pub mod env_names {
    pub const PROJECT_NAME: &str = "COMPOSE_PROJECT_NAME";
    pub const FILE: &str = "COMPOSE_FILE";
    pub const PATH_SEPARATOR: &str = "COMPOSE_PATH_SEPARATOR";
    pub const PROFILES: &str = "COMPOSE_PROFILES";
    pub const ENV_FILES: &str = "COMPOSE_ENV_FILES";
    pub const DISABLE_ENV_FILE: &str = "COMPOSE_DISABLE_ENV_FILE";
    pub const COMPATIBILITY: &str = "COMPOSE_COMPATIBILITY";
    pub const CONVERT_WINDOWS_PATHS: &str = "COMPOSE_CONVERT_WINDOWS_PATHS";
}

/// The project flags of the command line and the environment they are read against.
#[derive(Debug, Clone, Default)]
pub struct ProjectOptions {
    /// `-f` files, in order; empty means "discover" (or `COMPOSE_FILE`).
    pub files: Vec<String>,
    /// `-p`.
    pub project_name: Option<String>,
    /// `--project-directory`.
    pub project_directory: Option<String>,
    /// `--env-file` (already defaulted from `COMPOSE_ENV_FILES` by the caller).
    pub env_files: Vec<String>,
    /// `--profile`; empty means `COMPOSE_PROFILES`.
    pub profiles: Vec<String>,
    /// The process environment, as read once at start-up.
    pub os_env: IndexMap<String, String>,
    /// The current directory.
    pub cwd: PathBuf,
    /// What `-f -` reads: standard input's content, read by the caller.
    pub stdin: Option<String>,
}

/// Which phases run, as `config`'s `--no-*` flags select.
#[derive(Debug, Clone)]
pub struct LoadSwitches {
    pub interpolate: bool,
    pub normalize: bool,
    pub resolve_paths: bool,
    pub consistency: bool,
    /// Keep networks, volumes, secrets and configs no service uses (`--all-resources`).
    pub all_resources: bool,
}

impl Default for LoadSwitches {
    fn default() -> Self {
        LoadSwitches {
            interpolate: true,
            normalize: true,
            resolve_paths: true,
            consistency: true,
            all_resources: false,
        }
    }
}
