//! `types.Project`: the whole typed model, bound from the loader's typed `Value` tree.

use indexmap::IndexMap;
use serde::Deserialize;

use super::secret_config::{Config, Secret};
use super::{
    from_value, Extensions, ModelConfig, ModelError, Network, Service, Volume, VolumeType,
};
use crate::labels;
use crate::value::Value;

/// A loaded compose project (`types.Project`): the model, bound from the loader's typed
/// `Value` tree, and what the loader keeps beside it (filled in by its last phase).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Project {
    pub name: String,
    /// The enabled services, by name, in the model's order.
    pub services: IndexMap<String, Service>,
    pub networks: IndexMap<String, Network>,
    pub volumes: IndexMap<String, Volume>,
    pub secrets: IndexMap<String, Secret>,
    pub configs: IndexMap<String, Config>,
    pub models: IndexMap<String, ModelConfig>,
    #[serde(rename = "$extensions")]
    pub extensions: Extensions,
    #[serde(skip)]
    pub working_dir: String,
    /// Absolute paths of the compose files.
    #[serde(skip)]
    pub config_files: Vec<String>,
    /// `--env-file`s given explicitly (the `project.environment_file` label).
    #[serde(skip)]
    pub env_files: Vec<String>,
    /// The project's environment (process environment and `.env`): secrets and configs
    /// given as `environment` and `DOCKER_DEFAULT_PLATFORM` read it.
    #[serde(skip)]
    pub environment: IndexMap<String, String>,
    /// Services left out by profiles, by the selection on the command line or `--no-deps`.
    #[serde(skip)]
    pub disabled: IndexMap<String, Service>,
    /// What joins the parts of container names.
    #[serde(skip)]
    pub separator: Separator,
}

/// Two services with one `container_name`; the message is compose-go's, stray `{}"`
/// included.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "services.{service}: container name {container_name:?} is already in use by service {{}}\""
)]
pub struct ContainerNameConflict {
    pub service: String,
    pub container_name: String,
}

/// `-` in container names, `_` under `--compatibility` (compose's `api.Separator`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Separator {
    #[default]
    Dash,
    Underscore,
}

impl Separator {
    pub fn as_str(self) -> &'static str {
        match self {
            Separator::Dash => "-",
            Separator::Underscore => "_",
        }
    }
}

impl Project {
    /// Binds the output of `shape::decode` (the loader's `Project::model`). Each service's
    /// `name` is its key. The error names the failing field's path.
    pub fn from_model(model: &Value) -> Result<Project, ModelError> {
        let mut project: Project = from_value(model)?;
        for (name, service) in project.services.iter_mut() {
            if service.name.is_empty() {
                service.name = name.clone();
            }
        }
        Ok(project)
    }

    /// A service by name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.get(name)
    }

    pub fn service_names(&self) -> impl Iterator<Item = &str> {
        self.services.keys().map(String::as_str)
    }

    /// The services that have a `build` section.
    pub fn services_with_build(&self) -> impl Iterator<Item = &Service> {
        self.services.values().filter(|s| s.build.is_some())
    }

    /// compose-go's `CheckContainerNameUnicity`, which `create` runs first: two services
    /// may not have one `container_name`. The message is compose-go's, stray `{}"` included.
    pub fn check_container_name_unicity(&self) -> Result<(), ContainerNameConflict> {
        let mut services: Vec<&Service> = self.services.values().collect();
        services.sort_by(|a, b| a.name.cmp(&b.name));
        let mut seen: Vec<&str> = Vec::new();
        for s in services {
            let Some(name) = s.container_name.as_deref().filter(|n| !n.is_empty()) else {
                continue;
            };
            if seen.contains(&name) {
                return Err(ContainerNameConflict {
                    service: s.name.clone(),
                    container_name: name.to_string(),
                });
            }
            seen.push(name);
        }
        Ok(())
    }

    /// The name of replica `number` of `service` (`project-service-N`, or `container_name`).
    pub fn container_name(&self, service: &Service, number: u32) -> String {
        match &service.container_name {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!(
                "{}{sep}{}{sep}{number}",
                self.name,
                service.name,
                sep = self.separator.as_str()
            ),
        }
    }

    /// The engine name of network `key` (its `name:`, set by the loader).
    pub fn network_name(&self, key: &str) -> String {
        self.networks
            .get(key)
            .map(|n| n.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("{}_{key}", self.name))
    }

    /// The engine name of volume `key` (its `name:`, set by the loader).
    pub fn volume_name(&self, key: &str) -> String {
        self.volumes
            .get(key)
            .map(|v| v.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("{}_{key}", self.name))
    }

    /// The labels every object of the project carries: project and compose version.
    pub fn project_labels(&self) -> IndexMap<String, String> {
        let mut l = IndexMap::new();
        l.insert(labels::PROJECT.to_string(), self.name.clone());
        l.insert(
            labels::VERSION.to_string(),
            labels::COMPOSE_VERSION.to_string(),
        );
        l
    }

    /// Every image the services need: their own, then those they mount as volumes.
    pub fn images(&self) -> impl Iterator<Item = String> + '_ {
        self.services.values().flat_map(|s| {
            let mounted = s
                .volumes
                .iter()
                .filter(|v| v.kind == Some(VolumeType::Image));
            std::iter::once(s.image_name(self)).chain(mounted.filter_map(|v| v.source.clone()))
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

    /// The services that depend on `name` (`GetDependents`), in model order.
    pub fn dependents_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Service> {
        self.services
            .values()
            .filter(move |s| s.depends_on.contains_key(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::test_support::map;

    #[test]
    fn a_project_binds_and_names_its_services() {
        let model = map(&[
            (
                "services",
                map(&[
                    ("web", map(&[("depends_on", map(&[("db", map(&[]))]))])),
                    ("db", map(&[("image", "postgres".into())])),
                ]),
            ),
            (
                "networks",
                map(&[("default", map(&[("name", "p_default".into())]))]),
            ),
            ("name", "p".into()),
            ("x-top", 1.into()),
        ]);
        let p = Project::from_model(&model).unwrap();
        assert_eq!(p.name, "p");
        assert_eq!(p.service_names().collect::<Vec<_>>(), ["web", "db"]);
        assert_eq!(p.services["web"].name, "web");
        assert_eq!(p.networks["default"].name, "p_default");
        assert_eq!(p.extensions["x-top"], Value::Int(1));
        let web = p.service("web").unwrap();
        assert_eq!(web.image_name(&p), "p-web");
        assert_eq!(p.service("db").unwrap().image_name(&p), "postgres");
        let deps: Vec<_> = p.dependents_of("db").map(|s| s.name.as_str()).collect();
        assert_eq!(deps, ["web"]);
        assert_eq!(p.services_with_build().count(), 0);
    }

    #[test]
    fn errors_carry_the_model_path() {
        let model = map(&[(
            "services",
            map(&[(
                "web",
                map(&[(
                    "ports",
                    Value::Seq(vec![map(&[("target", "eighty".into())])]),
                )]),
            )]),
        )]);
        let e = Project::from_model(&model).unwrap_err();
        assert_eq!(e.path, "services[web].ports[0].target");
        assert_eq!(
            e.to_string(),
            "services[web].ports[0].target: invalid type: string \"eighty\", expected u32"
        );
    }
}
