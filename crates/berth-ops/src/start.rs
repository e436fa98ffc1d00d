//! `start`: the services' existing containers, started in dependency order after their
//! `depends_on` conditions (berth-plan's `reconcile_start`). Nothing is created.

use berth_engine::{Engine, ReadOnly};
use berth_model::compose::Project;
use berth_plan::reconcile::lifecycle::reconcile_start;
use berth_plan::Plan;

use crate::error::OpsResult;
use crate::events::Progress;
use crate::execute::{execute, RunOptions};
use crate::observe;

pub use berth_plan::reconcile::lifecycle::StartOptions;

/// Plans `start` of project `name` (`project`: the loaded file with the named services
/// selected; without it the services come from the containers' labels).
pub async fn plan(
    engine: ReadOnly<'_>,
    name: &str,
    project: Option<&Project>,
    options: &StartOptions,
) -> OpsResult<Plan> {
    let observed = observe::observe_containers(engine, name, true).await?;
    Ok(reconcile_start(name, project, &observed, options)?)
}

/// Starts the project's stopped containers.
pub async fn start(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &StartOptions,
    run: RunOptions,
    progress: &dyn Progress,
) -> OpsResult<()> {
    let plan = plan(engine.read_only(), name, project, options).await?;
    execute(engine, &plan, run, progress).await?;
    Ok(())
}
