//! The last phase: the loaded project as one typed `berth_model::compose::Project`, with
//! the config hashes compose puts on what it creates and what the loader keeps beside the
//! model (files, working directory, environment, disabled services). The value tree stays
//! behind: `config` prints it, every other command works on this.

use berth_model::compose::{self, ModelError, Separator, Service};
use berth_model::hash::{self, ConfigHash};
use berth_model::Value;

use crate::project::Project;

/// Binds `project`; `compatibility` (`--compatibility`) joins container names with `_`.
pub fn typed(project: Project, compatibility: bool) -> Result<compose::Project, ModelError> {
    let mut typed = compose::Project::from_model(&project.model)?;
    for (name, service) in typed.services.iter_mut() {
        if let Some(model) = project.services().get(name) {
            let references = !service.container_references().is_empty();
            service.config_hash = ConfigHash::of_service(model, references);
        }
    }
    let section = |kind: &str, key: &str| {
        project
            .model
            .get(kind)
            .and_then(|m| m.get(key))
            .cloned()
            .unwrap_or(Value::Null)
    };
    // `json.Marshal` of a network or volume cannot fail: they hold no floats.
    for (key, network) in typed.networks.iter_mut() {
        network.config_hash = hash::network_hash(&section("networks", key)).unwrap_or_default();
    }
    for (key, volume) in typed.volumes.iter_mut() {
        volume.config_hash = hash::volume_hash(&section("volumes", key)).unwrap_or_default();
    }
    for (name, model) in &project.disabled_services {
        typed
            .disabled
            .insert(name.clone(), Service::from_model(name, model)?);
    }
    typed.working_dir = project.working_dir;
    typed.config_files = project.config_files;
    typed.env_files = project.explicit_env_files;
    typed.environment = project.environment;
    typed.separator = if compatibility {
        Separator::Underscore
    } else {
        Separator::Dash
    };
    Ok(typed)
}
