//! `down`: observe the project's containers, networks, volumes and images, plan their
//! removal with berth-plan's `reconcile_down`, and execute it.

use berth_engine::{Engine, ReadOnly};
use berth_model::compose::Project;
use berth_plan::reconcile::down::reconcile_down;
use berth_plan::Plan;

use crate::error::OpsResult;
use crate::events::Progress;
use crate::execute::{execute, RunOptions};
use crate::observe;

pub use berth_plan::reconcile::down::{DownOptions, RemoveImages};

/// Plans `down` of project `name` (`project`: the loaded file, when there is one).
pub async fn plan(
    engine: ReadOnly<'_>,
    name: &str,
    project: Option<&Project>,
    options: &DownOptions,
) -> OpsResult<Plan> {
    let observed = observe::observe_down(engine, name, project, options).await?;
    Ok(reconcile_down(name, project, &observed, options)?)
}

/// Takes the project down.
pub async fn down(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &DownOptions,
    run: RunOptions,
    progress: &dyn Progress,
) -> OpsResult<()> {
    let plan = plan(engine.read_only(), name, project, options).await?;
    execute(engine, &plan, run, progress).await?;
    Ok(())
}
