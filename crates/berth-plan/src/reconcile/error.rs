//! Why reconciliation refuses a plan: one variant per refusal, worded as compose words it
//! (the command line prints them and maps them to exit statuses).

use crate::convert::ConvertError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("no such service: {0}")]
    NoSuchService(String),
    /// A service named on the command line that no container of the project has (the
    /// services came from the containers' labels).
    #[error("no such service: {0:?}: not found")]
    NoSuchServiceRunning(String),
    #[error("no container found for project {0:?}: not found")]
    NoContainers(String),
    #[error("{service} is missing dependency {dependency}")]
    MissingDependency { service: String, dependency: String },
    #[error("service {0:?} has no container to start")]
    NothingToStart(String),
    #[error("services.scale: can't set container_name and {0} as container name must be unique")]
    ScaleWithContainerName(String),
    /// Two services with one `container_name` (compose-go's `CheckContainerNameUnicity`).
    #[error("{0}")]
    ContainerNameInUse(#[from] berth_model::compose::ContainerNameConflict),
    #[error("service {service:?} needs image {image} built, and berth cannot build images yet: build it with `docker compose build {service}` first")]
    NeedsBuild { service: String, image: String },
    #[error(transparent)]
    Convert(#[from] ConvertError),
    #[error("network {0} declared as external, but could not be found")]
    ExternalNetworkMissing(String),
    /// A network of the project's name that compose did not create for this key; compose
    /// warns (`warning`) before it fails.
    #[error("network {name} was found but has incorrect label com.docker.compose.network set to {found:?} (expected: {expected:?})")]
    NetworkLabel {
        name: String,
        found: String,
        expected: String,
        warning: Option<String>,
    },
    #[error("external volume {0:?} not found")]
    ExternalVolumeMissing(String),
    /// `json.Marshal` refuses the service (its config hash cannot be computed).
    #[error("{0}")]
    Unmarshallable(String),
    /// `run` with a TTY and stdin attached, when standard input is not a terminal (the
    /// docker CLI's `CheckTty`).
    #[error("the input device is not a TTY")]
    InputNotTty,
    /// A `pull_policy: every_<duration>` whose duration does not parse.
    #[error("{0}")]
    PullPolicy(String),
}

impl PlanError {
    /// The warning compose prints before this error, if any.
    pub fn warning(&self) -> Option<&str> {
        match self {
            PlanError::NetworkLabel { warning, .. } => warning.as_deref(),
            _ => None,
        }
    }
}
