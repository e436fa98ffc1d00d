//! The loaded project: the typed model plus what compose keeps beside it.

use berth_model::{Map, Value};
use indexmap::IndexMap;

/// A compose project after loading, as compose-go's `types.Project`.
#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub working_dir: String,
    /// Absolute paths of the compose files (`-` for standard input).
    pub config_files: Vec<String>,
    /// The interpolation environment.
    pub environment: IndexMap<String, String>,
    /// `--env-file`s given explicitly.
    pub explicit_env_files: Vec<String>,
    /// The typed model: `name`, `services` (enabled ones), `networks`, `volumes`, …
    pub model: Value,
    /// Services left out by profiles or selection.
    pub disabled_services: Map,
    /// The active profiles.
    pub profiles: Vec<String>,
}

impl Project {
    /// The enabled services, by name.
    pub fn services(&self) -> &Map {
        static EMPTY: std::sync::OnceLock<Map> = std::sync::OnceLock::new();
        match self.model.get("services") {
            Some(Value::Map(m)) => m,
            _ => EMPTY.get_or_init(Map::default),
        }
    }

    pub fn services_mut(&mut self) -> &mut Map {
        let model = match &mut self.model {
            Value::Map(m) => m,
            other => {
                *other = Value::Map(Map::default());
                other.as_map_mut().expect("just set to a map")
            }
        };
        let services = model
            .entry("services".to_string())
            .or_insert_with(|| Value::Map(Map::default()));
        if !matches!(services, Value::Map(_)) {
            *services = Value::Map(Map::default());
        }
        services.as_map_mut().expect("just ensured a map")
    }

    /// Enabled and disabled services together.
    pub fn all_services(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.services().iter().chain(self.disabled_services.iter())
    }

    /// The model as typed Rust structs (`berth_model::compose`), for the commands that act on
    /// it rather than print it.
    pub fn typed(&self) -> Result<berth_model::compose::Project, berth_model::compose::ModelError> {
        berth_model::compose::Project::from_model(&self.model)
    }

    /// Names of the top-level resources of one kind (`volumes`, `networks`, …).
    pub fn resource_names(&self, kind: &str) -> Vec<String> {
        self.model
            .get(kind)
            .and_then(Value::as_map)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }
}
