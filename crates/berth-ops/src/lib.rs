//! The verbs: each observes the engine (read calls only), plans with berth-plan's pure
//! `reconcile`, and hands the plan to the one executor, which reports progress as
//! [`events::Event`]s. Nothing here prints.

mod archive;
pub mod attach;
pub mod commit;
pub mod container_events;
mod copy_archive;
mod copy_stream;
pub mod cp;
pub mod down;
pub mod error;
pub mod events;
pub mod exec;
pub mod execute;
pub mod export;
pub mod images;
pub mod kill;
pub mod logs;
pub mod ls;
pub mod observe;
pub mod pause;
pub mod port;
pub mod project;
pub mod ps;
pub mod restart;
pub mod rm;
pub mod run;
pub mod start;
pub mod stats;
pub mod stop;
pub mod targets;
pub mod top;
pub mod up;
pub mod volumes;
pub mod wait;

pub use berth_model::compose::Project;
pub use berth_model::labels::COMPOSE_VERSION;
pub use berth_plan::convert;
pub use error::{OpsError, OpsResult};
pub use events::{Event, Progress, Status};
