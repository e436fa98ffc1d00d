//! `pause` and `unpause`: freeze or thaw the project's running containers, all at once
//! (berth-plan's `reconcile_pause`).

use berth_engine::{Engine, ReadOnly};
use berth_model::compose::Project;
use berth_plan::reconcile::lifecycle::reconcile_pause;
use berth_plan::Plan;

use crate::error::OpsResult;
use crate::events::Progress;
use crate::execute::{execute, RunOptions};
use crate::observe;

#[derive(Debug, Clone, Default)]
pub struct PauseOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
}

/// Plans `pause` (or, `pause: false`, `unpause`) of project `name`.
pub async fn plan(
    engine: ReadOnly<'_>,
    name: &str,
    project: Option<&Project>,
    options: &PauseOptions,
    pause: bool,
) -> OpsResult<Plan> {
    let observed = observe::observe_containers(engine, name, false).await?;
    Ok(reconcile_pause(
        project,
        &observed,
        &options.services,
        pause,
    ))
}

/// Pauses (or unpauses) the running containers of the selected services.
pub async fn pause(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &PauseOptions,
    pause: bool,
    dry_run: bool,
    progress: &dyn Progress,
) -> OpsResult<()> {
    let plan = plan(engine.read_only(), name, project, options, pause).await?;
    let run = RunOptions {
        dry_run,
        parallel: None,
    };
    execute(engine, &plan, run, progress).await?;
    Ok(())
}
