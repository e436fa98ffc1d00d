//! The Docker Engine API as compose uses it; the only crate that names bollard.
//!
//! Connection: `DOCKER_HOST` (`unix://` or `tcp://`), else the local socket, with the API
//! version negotiated (engine 20.10 speaks 1.41; current engines more). Registry credentials
//! come from the docker CLI's config file, as the reference reads them.

mod calls;
mod credentials;
mod negotiate;

use bollard::Docker;
use indexmap::IndexMap;

/// The engine's data types (container, network, volume, image bodies and summaries): the
/// other crates use them through this path so that only this crate names bollard.
pub use bollard::models;
pub use calls::{ContainerFilter, ObjectFilter, Output};
pub use credentials::{proxy_env, registry_credentials};

/// The socket the engine listens on when `DOCKER_HOST` says nothing else.
pub const DEFAULT_SOCKET: &str = "unix:///var/run/docker.sock";

/// bollard's default request timeout (120 s) can cut a long stop or pull short.
const TIMEOUT_SECS: u64 = 600;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// No engine answers at the address.
    #[error("Cannot connect to the Docker daemon at {host}. Is the docker daemon running?")]
    Unreachable { host: String },
    /// The engine answered with an error, worded as the docker CLI shows it.
    #[error("Error response from daemon: {message}")]
    Daemon { status: u16, message: String },
    #[error("{0}")]
    Other(String),
}

impl EngineError {
    fn from_bollard(host: &str, e: bollard::errors::Error) -> EngineError {
        use bollard::errors::Error as B;
        match e {
            B::DockerResponseServerError {
                status_code,
                message,
            } => EngineError::Daemon {
                status: status_code,
                message,
            },
            B::SocketNotFoundError(_)
            | B::HyperResponseError { .. }
            | B::HyperLegacyError { .. }
            | B::IOError { .. } => EngineError::Unreachable {
                host: host.to_string(),
            },
            other => EngineError::Other(other.to_string()),
        }
    }

    /// Whether the engine answered 404 (no such object).
    pub fn is_not_found(&self) -> bool {
        matches!(self, EngineError::Daemon { status: 404, .. })
    }

    /// Whether the engine answered 409 (conflict) or 304 (already in that state).
    pub fn is_conflict(&self) -> bool {
        matches!(self, EngineError::Daemon { status: 409, .. })
    }
}

/// A bollard client for `host` speaking `version`.
fn rebuild(host: &str, version: &bollard::ClientVersion) -> Result<Docker, bollard::errors::Error> {
    match host.strip_prefix("unix://") {
        Some(path) => Docker::connect_with_unix(path, TIMEOUT_SECS, version),
        None => Docker::connect_with_http(host, TIMEOUT_SECS, version),
    }
}

/// A connection to one engine.
#[derive(Debug, Clone)]
pub struct Engine {
    docker: Docker,
    host: String,
}

impl Engine {
    /// Connects as the docker CLI does from its environment, and negotiates the API version.
    pub async fn connect(env: &IndexMap<String, String>) -> Result<Engine, EngineError> {
        let host = env
            .get("DOCKER_HOST")
            .filter(|h| !h.is_empty())
            .cloned()
            .unwrap_or_else(|| DEFAULT_SOCKET.to_string());
        if !(host.starts_with("unix://")
            || host.starts_with("tcp://")
            || host.starts_with("http://"))
        {
            return Err(EngineError::Other(format!(
                "unable to parse docker host `{host}`"
            )));
        }
        let fail = |e| EngineError::from_bollard(&host, e);
        // The version bollard sends is the lower of its own and the engine's, as the docker
        // CLI's negotiation gives; the client is built once, for that version.
        let docker = match negotiate::ping_api_version(&host).await {
            Ok(Some(engine)) => {
                let ours = bollard::API_DEFAULT_VERSION;
                let version = engine.min((ours.major_version, ours.minor_version));
                let version = bollard::ClientVersion {
                    major_version: version.0,
                    minor_version: version.1,
                };
                rebuild(&host, &version).map_err(fail)?
            }
            Ok(None) => rebuild(&host, bollard::API_DEFAULT_VERSION)
                .map_err(fail)?
                .negotiate_version()
                .await
                .map_err(fail)?,
            Err(_) => return Err(EngineError::Unreachable { host }),
        };
        Ok(Engine { docker, host })
    }

    /// The address of the engine (`unix://…`, `tcp://…`).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The negotiated API version as (major, minor), to gate features newer engines have.
    pub fn api_version(&self) -> (usize, usize) {
        let v = self.docker.client_version();
        (v.major_version, v.minor_version)
    }

    /// Whether the negotiated API is at least `major.minor`.
    pub fn api_at_least(&self, major: usize, minor: usize) -> bool {
        self.api_version() >= (major, minor)
    }

    fn fail(&self, e: bollard::errors::Error) -> EngineError {
        EngineError::from_bollard(&self.host, e)
    }

    /// The digest the registry holds for `reference` (the engine asks the registry).
    pub async fn distribution_digest(
        &self,
        reference: &str,
        credentials: Option<bollard::auth::DockerCredentials>,
    ) -> Result<String, EngineError> {
        let inspect = self
            .docker
            .inspect_registry_image(reference, credentials)
            .await
            .map_err(|e| EngineError::from_bollard(&self.host, e))?;
        inspect
            .descriptor
            .digest
            .ok_or_else(|| EngineError::Other(format!("no digest for {reference}")))
    }
}
