//! The engine's read calls alone: what observation and a dry run use. A value of this type
//! cannot change anything on the engine, so a path that only holds one (`--dry-run`,
//! `berth plan`) is read-only by construction.
//!
//! Its answers can be recorded ([`Recorded`]) and replayed instead of asking an engine:
//! plan tests replay list and inspect payloads recorded from a real engine.

use std::collections::BTreeMap;
use std::sync::Mutex;

use bollard::auth::DockerCredentials;
use bollard::models::{
    ContainerInspectResponse, ContainerSummary, ImageInspect, Network, NetworkInspect, Volume,
};
use serde::{Deserialize, Serialize};

use crate::calls::{ContainerFilter, ObjectFilter};
use crate::{Engine, EngineError};

/// What an engine answered to read calls, as recorded: the payloads of the API, by what
/// was asked (a name, a reference, an ID).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Recorded {
    /// The negotiated API version.
    pub api_version: (usize, usize),
    /// `GET /containers/json` with the project filter (`all` or not, as the verb asked).
    pub containers: Vec<ContainerSummary>,
    /// `GET /networks/{name}`; `None`: not found.
    #[serde(default)]
    pub networks: BTreeMap<String, Option<NetworkInspect>>,
    /// `GET /networks` with the project filter.
    #[serde(default)]
    pub network_list: Vec<Network>,
    /// `GET /volumes/{name}`.
    #[serde(default)]
    pub volumes: BTreeMap<String, Option<Volume>>,
    /// `GET /volumes` with the project filter.
    #[serde(default)]
    pub volume_list: Vec<Volume>,
    /// `GET /images/{reference}/json`.
    #[serde(default)]
    pub images: BTreeMap<String, Option<ImageInspect>>,
    /// `GET /containers/{id}/json`.
    #[serde(default)]
    pub inspected: BTreeMap<String, ContainerInspectResponse>,
}

#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    Engine(&'a Engine),
    Replay(&'a Recorded),
}

/// The read calls of one engine connection (or a replay of recorded answers).
#[derive(Debug, Clone, Copy)]
pub struct ReadOnly<'a> {
    source: Source<'a>,
    /// Where answers are recorded, when they are.
    record: Option<&'a Mutex<Recorded>>,
}

impl Engine {
    /// This connection, restricted to its read calls.
    pub fn read_only(&self) -> ReadOnly<'_> {
        ReadOnly {
            source: Source::Engine(self),
            record: None,
        }
    }
}

/// The engine's "No such …" answer, for a replay that has no recorded answer.
fn not_found(what: &str) -> EngineError {
    EngineError::Daemon {
        status: 404,
        message: format!("No such {what}"),
    }
}

impl<'a> ReadOnly<'a> {
    /// Answers from `recorded` instead of an engine.
    pub fn replay(recorded: &'a Recorded) -> ReadOnly<'a> {
        ReadOnly {
            source: Source::Replay(recorded),
            record: None,
        }
    }

    /// The same calls, with their answers also written into `into`.
    pub fn recording(self, into: &'a Mutex<Recorded>) -> ReadOnly<'a> {
        if let Ok(mut r) = into.lock() {
            r.api_version = self.api_version();
        }
        ReadOnly {
            record: Some(into),
            ..self
        }
    }

    fn note(&self, f: impl FnOnce(&mut Recorded)) {
        if let Some(r) = self.record {
            if let Ok(mut r) = r.lock() {
                f(&mut r);
            }
        }
    }

    pub fn host(&self) -> &str {
        match self.source {
            Source::Engine(e) => e.host(),
            Source::Replay(_) => "replay",
        }
    }

    pub fn api_version(&self) -> (usize, usize) {
        match self.source {
            Source::Engine(e) => e.api_version(),
            Source::Replay(r) => r.api_version,
        }
    }

    pub async fn list_containers(
        &self,
        filter: &ContainerFilter,
    ) -> Result<Vec<ContainerSummary>, EngineError> {
        let list = match self.source {
            Source::Engine(e) => e.list_containers(filter).await?,
            // Recorded with `all`; without it the engine lists only what runs.
            Source::Replay(r) => r
                .containers
                .iter()
                .filter(|c| {
                    filter.all
                        || c.state.is_some_and(|s| {
                            matches!(s.to_string().as_str(), "running" | "paused" | "restarting")
                        })
                })
                .cloned()
                .collect(),
        };
        self.note(|r| r.containers = list.clone());
        Ok(list)
    }

    pub async fn inspect_container(
        &self,
        id: &str,
    ) -> Result<ContainerInspectResponse, EngineError> {
        let found = match self.source {
            Source::Engine(e) => e.inspect_container(id).await?,
            Source::Replay(r) => r
                .inspected
                .get(id)
                .cloned()
                .ok_or_else(|| not_found(&format!("container: {id}")))?,
        };
        self.note(|r| {
            r.inspected.insert(id.to_string(), found.clone());
        });
        Ok(found)
    }

    pub async fn list_networks(&self, filter: &ObjectFilter) -> Result<Vec<Network>, EngineError> {
        let list = match self.source {
            Source::Engine(e) => e.list_networks(filter).await?,
            // The engine matches names by substring.
            Source::Replay(r) => r
                .network_list
                .iter()
                .filter(|n| {
                    filter.names.is_empty()
                        || filter
                            .names
                            .iter()
                            .any(|w| n.name.as_deref().unwrap_or_default().contains(w.as_str()))
                })
                .cloned()
                .collect(),
        };
        self.note(|r| {
            for n in &list {
                if !r.network_list.iter().any(|m| m.id == n.id) {
                    r.network_list.push(n.clone());
                }
            }
        });
        Ok(list)
    }

    pub async fn inspect_network(&self, name: &str) -> Result<Option<NetworkInspect>, EngineError> {
        let found = match self.source {
            Source::Engine(e) => e.inspect_network(name).await?,
            Source::Replay(r) => r.networks.get(name).cloned().flatten(),
        };
        self.note(|r| {
            r.networks.insert(name.to_string(), found.clone());
        });
        Ok(found)
    }

    pub async fn list_volumes(&self, filter: &ObjectFilter) -> Result<Vec<Volume>, EngineError> {
        let list = match self.source {
            Source::Engine(e) => e.list_volumes(filter).await?,
            Source::Replay(r) => r.volume_list.clone(),
        };
        self.note(|r| r.volume_list = list.clone());
        Ok(list)
    }

    pub async fn inspect_volume(&self, name: &str) -> Result<Option<Volume>, EngineError> {
        let found = match self.source {
            Source::Engine(e) => e.inspect_volume(name).await?,
            Source::Replay(r) => r.volumes.get(name).cloned().flatten(),
        };
        self.note(|r| {
            r.volumes.insert(name.to_string(), found.clone());
        });
        Ok(found)
    }

    pub async fn inspect_image(
        &self,
        reference: &str,
    ) -> Result<Option<ImageInspect>, EngineError> {
        let found = match self.source {
            Source::Engine(e) => e.inspect_image(reference).await?,
            Source::Replay(r) => r.images.get(reference).cloned().flatten(),
        };
        self.note(|r| {
            r.images.insert(reference.to_string(), found.clone());
        });
        Ok(found)
    }

    /// The digest the registry holds for `reference` (the engine asks the registry).
    pub async fn distribution_digest(
        &self,
        reference: &str,
        credentials: Option<DockerCredentials>,
    ) -> Result<String, EngineError> {
        match self.source {
            Source::Engine(e) => e.distribution_digest(reference, credentials).await,
            Source::Replay(_) => Err(not_found(&format!("image: {reference}"))),
        }
    }
}
