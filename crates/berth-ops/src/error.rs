//! The verbs' errors: the engine's, reconciliation's refusals, and what goes wrong while a
//! plan runs, each worded as compose words it (the command line prints them).

use std::time::Duration;

use berth_engine::EngineError;
use berth_plan::plan::WaitPurpose;
use berth_plan::PlanError;

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("no such service: {0}")]
    NoSuchService(String),
    #[error("failed to create network {name}: {source}")]
    CreateNetwork { name: String, source: EngineError },
    #[error("failed to remove network {name}: {source}")]
    RemoveNetwork { name: String, source: EngineError },
    /// A step's container was to be made by an earlier step that did not make it.
    #[error("container {0} was not created")]
    NotCreated(String),
    #[error("{service} hook exited with status {code}")]
    HookFailed { service: String, code: i64 },
    /// No running container of the service (or of its replica `index`).
    #[error("service {service:?} is not running{}", index.map(|i| format!(" container #{i}")).unwrap_or_default())]
    NotRunning { service: String, index: Option<i64> },
    /// `attach` to a container that does not run (the docker CLI's words).
    #[error("{0}")]
    NotAttachable(&'static str),
    #[error("interactive exec is not supported in dry-run mode")]
    InteractiveDryRun,
    /// An image reference that does not parse.
    #[error("{0}")]
    Reference(String),
    /// The registry's answer to a dry run's question about `image`.
    #[error("{image}: {message}")]
    NotInRegistry { image: String, message: String },
    /// A dependency did not become healthy (or running): `dependency failed to start: …`,
    /// or the failure alone for `up --wait`.
    #[error("{}{failure}", if *.dependency { "dependency failed to start: " } else { "" })]
    NotReady { failure: Unready, dependency: bool },
    #[error("service {service:?} didn't complete successfully: exit {code}")]
    NotCompleted { service: String, code: i64 },
    #[error("{}", expired(*.purpose, *.timeout))]
    WaitExpired {
        purpose: WaitPurpose,
        timeout: Duration,
    },
}

/// Why a container is not ready.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unready {
    #[error("container {container} exited ({code})")]
    Exited { container: String, code: i64 },
    #[error("container {0} has no healthcheck configured")]
    NoHealthcheck(String),
    #[error("container {0} is unhealthy")]
    Unhealthy(String),
    #[error("container {container} had unexpected health status {status:?}")]
    UnexpectedHealth { container: String, status: String },
}

fn expired(purpose: WaitPurpose, timeout: Duration) -> String {
    match purpose {
        WaitPurpose::Dependencies => "timeout waiting for dependencies".into(),
        WaitPurpose::Application => format!(
            "application not healthy after {}",
            berth_model::gofmt::format_duration(timeout.as_nanos() as i64)
        ),
    }
}

pub type OpsResult<T> = Result<T, OpsError>;
