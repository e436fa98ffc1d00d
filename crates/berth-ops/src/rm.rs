//! `rm`: remove the project's stopped containers. It runs in two steps so the command line
//! can print compose's "Going to remove …" and ask for confirmation in between:
//! [`stopped`] finds them (`-s` runs `stop` before), [`remove`] removes them.

use berth_engine::{Engine, ReadOnly};
use berth_model::compose::Project;
use berth_plan::reconcile::lifecycle::reconcile_rm;
use berth_plan::{Container, Plan};

use crate::error::OpsResult;
use crate::events::Progress;
use crate::execute::{execute, RunOptions};
use crate::observe;

#[derive(Debug, Clone, Default)]
pub struct RmOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// `-s`: stop running containers first.
    pub stop: bool,
    /// `-f`: no confirmation; the engine removes with force.
    pub force: bool,
    /// `-v`: remove their anonymous volumes too.
    pub volumes: bool,
    pub dry_run: bool,
}

/// The containers `rm` would remove, in the engine's listing order. With `-s` the command
/// runs `stop` first; under `--dry-run` nothing was stopped, so the containers it would have
/// stopped count as stopped.
pub async fn stopped(
    engine: ReadOnly<'_>,
    name: &str,
    project: Option<&Project>,
    options: &RmOptions,
) -> OpsResult<Vec<Container>> {
    let listed: Vec<Container> = observe::containers(engine, name, true)
        .await?
        .into_iter()
        .filter(|c| !c.oneoff)
        .filter(|c| options.services.is_empty() || options.services.contains(&c.service))
        .filter(|c| project.is_none_or(|p| p.services.contains_key(&c.service)))
        .collect();
    let mut out = Vec::new();
    for c in listed {
        // The listing's state can be stale: compose inspects each container.
        let inspect = match engine.inspect_container(&c.id).await {
            Ok(i) => i,
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(e.into()),
        };
        let running = inspect.state.and_then(|s| s.running).unwrap_or(false);
        if !running || (options.stop && options.dry_run) {
            out.push(c);
        }
    }
    Ok(out)
}

/// The removal of `containers`, all at once.
pub fn plan(containers: &[Container], options: &RmOptions) -> Plan {
    reconcile_rm(containers, options.force, options.volumes)
}

/// Removes `containers`, all at once.
pub async fn remove(
    engine: &Engine,
    containers: &[Container],
    options: &RmOptions,
    progress: &dyn Progress,
) -> OpsResult<()> {
    let run = RunOptions {
        dry_run: options.dry_run,
        parallel: None,
    };
    execute(engine, &plan(containers, options), run, progress).await?;
    Ok(())
}
