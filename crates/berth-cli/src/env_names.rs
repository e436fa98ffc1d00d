//! Every environment variable berth reads, by name, in one place: the loader's (project
//! name, files, profiles, env files, compatibility) and the command line's.

pub use berth_loader::options::env_names::*;

pub const PROGRESS: &str = "COMPOSE_PROGRESS";
pub const ANSI: &str = "COMPOSE_ANSI";
/// Whether attached `up` reads keys (compose's navigation menu).
pub const MENU: &str = "COMPOSE_MENU";
pub const PARALLEL_LIMIT: &str = "COMPOSE_PARALLEL_LIMIT";
pub const REMOVE_ORPHANS: &str = "COMPOSE_REMOVE_ORPHANS";
pub const IGNORE_ORPHANS: &str = "COMPOSE_IGNORE_ORPHANS";
/// Colours off when set and not empty (no-color.org).
pub const NO_COLOR: &str = "NO_COLOR";
pub const DOCKER_HOST: &str = "DOCKER_HOST";
