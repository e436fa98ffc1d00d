//! `restart`: observe the project's containers, plan with berth-plan's `reconcile_restart`,
//! execute.

use berth_engine::{Engine, ReadOnly};
use berth_model::compose::Project;
use berth_plan::reconcile::lifecycle::reconcile_restart;
use berth_plan::Plan;

use crate::error::OpsResult;
use crate::events::Progress;
use crate::execute::{execute, RunOptions};
use crate::observe;

pub use berth_plan::reconcile::lifecycle::RestartOptions;

/// Plans `restart` of project `name` (`project`: the loaded file, when there is one).
pub async fn plan(
    engine: ReadOnly<'_>,
    name: &str,
    project: Option<&Project>,
    options: &RestartOptions,
) -> OpsResult<Plan> {
    let observed = observe::observe_containers(engine, name, true).await?;
    Ok(reconcile_restart(project, &observed, options)?)
}

pub async fn restart(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &RestartOptions,
    run: RunOptions,
    progress: &dyn Progress,
) -> OpsResult<()> {
    let plan = plan(engine.read_only(), name, project, options).await?;
    execute(engine, &plan, run, progress).await?;
    Ok(())
}
