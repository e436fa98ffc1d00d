//! The command line's changes to the loaded project, applied in one place before planning:
//! `--no-deps`, `--pull` and `--scale` (compose's `createOptions.Apply`), `scale`'s counts,
//! the services `restart` names.

use berth_model::compose::{Project, PullPolicy};

use crate::error::{OpsError, OpsResult};

/// What the flags of `up`, `create` and `scale` change in the project.
#[derive(Debug, Clone, Default)]
pub struct ProjectFlags {
    /// Services named on the command line that are enabled whatever their profiles
    /// (`restart` loads the whole project, then enables them).
    pub enable: Vec<String>,
    /// `--no-deps`: only these services stay enabled (the others become disabled, as
    /// compose-go's `WithSelectedServices(…, IgnoreDependencies)` leaves them).
    pub only: Option<Vec<String>>,
    /// `--pull`: every service's pull policy.
    pub pull: Option<PullPolicy>,
    /// `--scale SERVICE=N`, `scale SERVICE=N`: replica counts.
    pub scale: Vec<(String, i64)>,
}

/// Applies `flags` to `project`; a count for a service that is not enabled is an error.
pub fn apply(project: &mut Project, flags: &ProjectFlags) -> OpsResult<()> {
    for name in &flags.enable {
        if let Some(service) = project.disabled.shift_remove(name) {
            project.services.insert(name.clone(), service);
        }
    }
    if let Some(names) = flags.only.as_ref().filter(|n| !n.is_empty()) {
        let services = std::mem::take(&mut project.services);
        for (name, service) in services {
            if names.contains(&name) {
                project.services.insert(name, service);
            } else {
                project.disabled.insert(name, service);
            }
        }
    }
    if let Some(policy) = &flags.pull {
        for service in project.services.values_mut() {
            service.pull_policy = Some(policy.clone());
        }
    }
    for (name, replicas) in &flags.scale {
        let Some(service) = project.services.get_mut(name) else {
            return Err(OpsError::NoSuchService(name.clone()));
        };
        // compose-go's SetScale: both values, so they cannot disagree.
        service.scale = Some(*replicas);
        if let Some(deploy) = service.deploy.as_mut() {
            deploy.replicas = Some(*replicas);
        }
    }
    Ok(())
}
