//! The engine's read calls alone: what observation and a dry run use. A value of this type
//! cannot change anything on the engine, so a path that only holds one (`--dry-run`) is
//! read-only by construction.

use bollard::auth::DockerCredentials;
use bollard::models::{
    ContainerInspectResponse, ContainerSummary, ImageInspect, Network, NetworkInspect, Volume,
};

use crate::calls::{ContainerFilter, ObjectFilter};
use crate::{Engine, EngineError};

/// The read calls of one engine connection.
#[derive(Debug, Clone, Copy)]
pub struct ReadOnly<'a> {
    engine: &'a Engine,
}

impl Engine {
    /// This connection, restricted to its read calls.
    pub fn read_only(&self) -> ReadOnly<'_> {
        ReadOnly { engine: self }
    }
}

impl ReadOnly<'_> {
    pub fn host(&self) -> &str {
        self.engine.host()
    }

    pub fn api_version(&self) -> (usize, usize) {
        self.engine.api_version()
    }

    pub async fn list_containers(
        &self,
        filter: &ContainerFilter,
    ) -> Result<Vec<ContainerSummary>, EngineError> {
        self.engine.list_containers(filter).await
    }

    pub async fn inspect_container(
        &self,
        id: &str,
    ) -> Result<ContainerInspectResponse, EngineError> {
        self.engine.inspect_container(id).await
    }

    pub async fn list_networks(&self, filter: &ObjectFilter) -> Result<Vec<Network>, EngineError> {
        self.engine.list_networks(filter).await
    }

    pub async fn inspect_network(&self, name: &str) -> Result<Option<NetworkInspect>, EngineError> {
        self.engine.inspect_network(name).await
    }

    pub async fn list_volumes(&self, filter: &ObjectFilter) -> Result<Vec<Volume>, EngineError> {
        self.engine.list_volumes(filter).await
    }

    pub async fn inspect_volume(&self, name: &str) -> Result<Option<Volume>, EngineError> {
        self.engine.inspect_volume(name).await
    }

    pub async fn inspect_image(
        &self,
        reference: &str,
    ) -> Result<Option<ImageInspect>, EngineError> {
        self.engine.inspect_image(reference).await
    }

    /// The digest the registry holds for `reference` (the engine asks the registry).
    pub async fn distribution_digest(
        &self,
        reference: &str,
        credentials: Option<DockerCredentials>,
    ) -> Result<String, EngineError> {
        self.engine
            .distribution_digest(reference, credentials)
            .await
    }
}
