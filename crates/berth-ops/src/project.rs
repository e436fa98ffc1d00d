//! The project as the verbs receive it: the loaded model plus what compose writes into
//! labels (working dir, files, env files) and derives from the name.

use berth_model::compose::{Project, Service, VolumeType};
use berth_model::{labels, Value};
use indexmap::IndexMap;

/// A loaded project, handed to the verbs by the CLI.
#[derive(Debug, Clone)]
pub struct ProjectSpec {
    pub name: String,
    pub working_dir: String,
    /// Absolute paths of the compose files.
    pub config_files: Vec<String>,
    /// `--env-file`s given explicitly (the `project.environment_file` label).
    pub env_files: Vec<String>,
    /// The project's environment (process environment and `.env`): secrets and configs
    /// given as `environment` and `DOCKER_DEFAULT_PLATFORM` read it.
    pub environment: IndexMap<String, String>,
    /// The loader's typed value tree (the config hash is computed from it).
    pub model: Value,
    /// The same model, bound to Rust types.
    pub typed: Project,
    /// Services left out by profiles or by the selection on the command line.
    pub disabled: IndexMap<String, Service>,
    /// `-` in names, `_` under `--compatibility`.
    pub separator: &'static str,
}

impl ProjectSpec {
    /// The name of replica `number` of `service` (`project-service-N`, or `container_name`).
    pub fn container_name(&self, service: &Service, number: u32) -> String {
        match &service.container_name {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!(
                "{}{sep}{}{sep}{number}",
                self.name,
                service.name,
                sep = self.separator
            ),
        }
    }

    /// The engine name of network `key` (its `name:`, set by the loader).
    pub fn network_name(&self, key: &str) -> String {
        self.typed
            .networks
            .get(key)
            .map(|n| n.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("{}_{key}", self.name))
    }

    /// The engine name of volume `key` (its `name:`, set by the loader).
    pub fn volume_name(&self, key: &str) -> String {
        self.typed
            .volumes
            .get(key)
            .map(|v| v.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("{}_{key}", self.name))
    }

    /// A service's model subtree (for the config hash).
    pub fn service_model(&self, name: &str) -> Option<&Value> {
        self.model.get("services")?.get(name)
    }

    /// The labels every object of the project carries: project, version, and for containers
    /// the files and working dir.
    pub fn project_labels(&self) -> IndexMap<String, String> {
        let mut l = IndexMap::new();
        l.insert(labels::PROJECT.to_string(), self.name.clone());
        l.insert(
            labels::VERSION.to_string(),
            crate::COMPOSE_VERSION.to_string(),
        );
        l
    }

    /// `--no-deps`: only the named services stay enabled; the others move to `disabled`
    /// (compose's `WithSelectedServices(…, IgnoreDependencies)`).
    pub fn keep_only(&mut self, names: &[String]) {
        if names.is_empty() {
            return;
        }
        let services = std::mem::take(&mut self.typed.services);
        for (name, service) in services {
            if names.contains(&name) {
                self.typed.services.insert(name, service);
            } else {
                self.disabled.insert(name, service);
            }
        }
    }

    /// Every image the services need: their own, then those they mount as volumes.
    pub fn images(&self) -> impl Iterator<Item = String> + '_ {
        self.typed.services.values().flat_map(|s| {
            let mounted = s
                .volumes
                .iter()
                .filter(|v| v.kind == Some(VolumeType::Image));
            std::iter::once(s.image_name(&self.typed))
                .chain(mounted.filter_map(|v| v.source.clone()))
        })
    }

    /// The platform a service's container and image are for: its own `platform`, else
    /// `DOCKER_DEFAULT_PLATFORM` from the project environment.
    pub fn platform(&self, service: Option<&Service>) -> Option<String> {
        service
            .and_then(|s| s.platform.clone())
            .filter(|p| !p.is_empty())
            .or_else(|| {
                self.environment
                    .get("DOCKER_DEFAULT_PLATFORM")
                    .filter(|p| !p.is_empty())
                    .cloned()
            })
    }

    /// The label filter that finds the project's objects.
    pub fn project_filter(&self) -> String {
        project_filter(&self.name)
    }
}

/// `com.docker.compose.project=<name>`.
pub fn project_filter(name: &str) -> String {
    format!("{}={name}", labels::PROJECT)
}
