//! `kill`: a signal to the project's running containers, all at once (berth-plan's
//! `reconcile_kill`).

use berth_engine::{Engine, ReadOnly};
use berth_model::compose::Project;
use berth_plan::reconcile::lifecycle::reconcile_kill;
use berth_plan::Plan;

use crate::error::OpsResult;
use crate::events::Progress;
use crate::execute::{execute, RunOptions};
use crate::observe;

pub use berth_plan::reconcile::lifecycle::KillOptions;

/// What `kill` found to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KillOutcome {
    Killed,
    /// No running container matched (compose prints `no container to kill`).
    NothingToKill,
}

/// Plans `kill` of project `name`: an empty plan when nothing runs.
pub async fn plan(
    engine: ReadOnly<'_>,
    name: &str,
    project: Option<&Project>,
    options: &KillOptions,
) -> OpsResult<Plan> {
    let observed = observe::observe_containers(engine, name, false).await?;
    Ok(reconcile_kill(project, &observed, options))
}

/// Signals the running containers of the selected services (one-off ones included).
pub async fn kill(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &KillOptions,
    dry_run: bool,
    progress: &dyn Progress,
) -> OpsResult<KillOutcome> {
    let plan = plan(engine.read_only(), name, project, options).await?;
    if plan.steps.is_empty() {
        return Ok(KillOutcome::NothingToKill);
    }
    let run = RunOptions {
        dry_run,
        parallel: None,
    };
    execute(engine, &plan, run, progress).await?;
    Ok(KillOutcome::Killed)
}
