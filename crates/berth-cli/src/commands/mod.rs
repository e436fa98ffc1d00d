//! One module per subcommand: its clap arguments and a `run` that resolves settings, loads the
//! project when it needs one, and does its one job.

pub mod common;
pub mod config;
pub mod config_digests;
pub mod config_variables;
pub mod down;
pub mod events;
pub mod kill;
pub mod logs;
pub mod ls;
pub mod pause;
pub mod plan;
pub mod ps;
pub mod restart;
pub mod rm;
pub mod scale;
pub mod start;
pub mod stats;
pub mod stop;
pub mod top;
pub mod up;
pub mod version;
pub mod wait;
