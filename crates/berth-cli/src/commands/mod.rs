//! One module per subcommand: its clap arguments and a `run` that resolves settings, loads the
//! project when it needs one, and does its one job.

pub mod attach;
pub mod commit;
pub mod common;
pub mod config;
pub mod config_digests;
pub mod config_variables;
pub mod cp;
pub mod down;
pub mod events;
pub mod exec;
pub mod export;
pub mod images;
pub mod kill;
pub mod logs;
pub mod ls;
pub mod one_container;
pub mod pause;
pub mod plan;
pub mod port;
pub mod ps;
pub mod restart;
pub mod rm;
pub mod run;
pub mod scale;
pub mod start;
pub mod stats;
pub mod stop;
pub mod top;
pub mod up;
pub mod version;
pub mod volumes;
pub mod wait;
