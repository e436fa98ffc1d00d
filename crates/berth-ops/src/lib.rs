//! The verbs: each observes the engine, plans with berth-plan, and executes the plan,
//! reporting progress as [`events::Event`]s. Nothing here prints.

mod archive;
pub mod attach;
pub mod convert;
pub mod down;
pub mod error;
pub mod events;
pub mod hooks;
pub mod kill;
pub mod ls;
pub mod observe;
pub mod pause;
pub mod project;
pub mod ps;
pub mod pull;
pub mod restart;
pub mod rm;
pub mod runner;
pub mod scope;
pub mod start;
pub mod stop;
pub mod top;
pub mod up;
pub mod wait;
pub mod walk;

pub use berth_model::compose::Project;
pub use error::{OpsError, OpsResult};
pub use events::{Event, Progress, Status};

pub use berth_model::labels::COMPOSE_VERSION;
