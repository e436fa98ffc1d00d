//! The verbs' errors: engine failures, planning refusals, and compose's own messages.

use berth_engine::EngineError;
use berth_plan::PlanError;

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A message worded as compose words it.
    #[error("{0}")]
    Message(String),
}

impl OpsError {
    pub fn message(text: impl Into<String>) -> OpsError {
        OpsError::Message(text.into())
    }
}

pub type OpsResult<T> = Result<T, OpsError>;
