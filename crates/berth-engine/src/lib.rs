//! The Docker Engine API as compose uses it; the only crate that names bollard.
//!
//! Connection: `DOCKER_HOST` (`unix://` or `tcp://`), else the local socket, with the API
//! version negotiated (engine 20.10 speaks 1.41; current engines more). Registry credentials
//! come from the docker CLI's config file, as the reference reads them.

mod calls;
mod container_files;
mod credentials;
mod negotiate;
mod read_only;
mod streams;

use bollard::Docker;
use indexmap::IndexMap;

/// The engine's data types (container, network, volume, image bodies and summaries): the
/// other crates use them through this path so that only this crate names bollard.
pub use bollard::auth::DockerCredentials;
pub use bollard::models;
pub use calls::{AttachedIo, ContainerFilter, ObjectFilter, Output, PullMessage, RunEvent};
pub use container_files::{file_mode, CommitOptions, PathStat};
pub use credentials::DockerConfigFile;
pub use negotiate::EarlyPing;
pub use read_only::{ReadOnly, Recorded};
pub use streams::LogsRequest;

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

/// The newest API version berth speaks: the one docker compose v2.40.3's client library
/// (docker 28.5) speaks, so that both send the same version to a newer engine.
const CLIENT_MAX_API: (usize, usize) = (1, 51);

/// A bollard client for `host` speaking `version`.
fn rebuild(host: &str, version: &bollard::ClientVersion) -> Result<Docker, bollard::errors::Error> {
    let docker = match host.strip_prefix("unix://") {
        Some(path) => Docker::connect_with_unix(path, TIMEOUT_SECS, version),
        None => Docker::connect_with_http(host, TIMEOUT_SECS, version),
    }?;
    // bollard 0.21 drops the version from every request path (fussybeaver/bollard#736),
    // so the engine would answer at its own newest version; the prefix is put back here.
    let prefix = format!("/v{}.{}", version.major_version, version.minor_version);
    Ok(docker.with_request_modifier(move |request| versioned(request, &prefix)))
}

/// `request` with `prefix` (`/v1.41`) in front of its path, as the docker CLI sends it.
fn versioned(mut request: bollard::BollardRequest, prefix: &str) -> bollard::BollardRequest {
    let uri = request.uri();
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    if path.starts_with(&format!("{prefix}/")) {
        return request;
    }
    let mut parts = uri.clone().into_parts();
    if let Ok(prefixed) = format!("{prefix}{path}").parse() {
        parts.path_and_query = Some(prefixed);
        if let Ok(uri) = http::Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
}

/// A connection to one engine.
#[derive(Debug, Clone)]
pub struct Engine {
    docker: Docker,
    host: String,
}

impl Engine {
    /// The engine's address from the environment: `DOCKER_HOST`, else the local socket.
    pub fn host_from(env: &IndexMap<String, String>) -> String {
        env.get("DOCKER_HOST")
            .filter(|h| !h.is_empty())
            .cloned()
            .unwrap_or_else(|| DEFAULT_SOCKET.to_string())
    }

    /// Connects as the docker CLI does from its environment, and negotiates the API version.
    pub async fn connect(env: &IndexMap<String, String>) -> Result<Engine, EngineError> {
        Engine::connect_after(env, None).await
    }

    /// [`Engine::connect`], taking the API version from `early` when it pinged this engine.
    pub async fn connect_after(
        env: &IndexMap<String, String>,
        early: Option<EarlyPing>,
    ) -> Result<Engine, EngineError> {
        let host = Engine::host_from(env);
        if !(host.starts_with("unix://")
            || host.starts_with("tcp://")
            || host.starts_with("http://"))
        {
            return Err(EngineError::Other(format!(
                "unable to parse docker host `{host}`"
            )));
        }
        let answer = early
            .and_then(|ping| ping.answer_for(&host))
            .unwrap_or_else(|| negotiate::ping_api_version(&host));
        // The version sent is the lower of berth's and the engine's, as the docker CLI's
        // negotiation gives; an engine older than the versioning header speaks 1.24, as the
        // docker CLI assumes. The client is built once, for that version.
        let (major_version, minor_version) = match answer {
            Ok(Some(engine)) => engine.min(CLIENT_MAX_API),
            Ok(None) => (1, 24),
            Err(_) => return Err(EngineError::Unreachable { host }),
        };
        let version = bollard::ClientVersion {
            major_version,
            minor_version,
        };
        let docker = rebuild(&host, &version).map_err(|e| EngineError::from_bollard(&host, e))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str) -> bollard::BollardRequest {
        let body = bollard::body_full(Default::default());
        http::Request::get(uri).body(body).unwrap()
    }

    #[test]
    fn every_path_carries_the_negotiated_version() {
        for (sent, prefix, wire) in [
            (
                "unix://2f7661722f72756e/containers/json?all=true",
                "/v1.41",
                "unix://2f7661722f72756e/v1.41/containers/json?all=true",
            ),
            (
                "http://127.0.0.1:2375/networks/a_default",
                "/v1.44",
                "http://127.0.0.1:2375/v1.44/networks/a_default",
            ),
            // Never twice.
            ("http://h/v1.41/info", "/v1.41", "http://h/v1.41/info"),
        ] {
            assert_eq!(versioned(request(sent), prefix).uri().to_string(), wire);
        }
    }
}
