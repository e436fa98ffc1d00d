//! `up`, `create` and `scale`: observe the project on the engine, pull the images the
//! services need, ask about diverged volumes, plan with berth-plan's `reconcile_up`, and
//! execute the plan.

use berth_engine::{Engine, ReadOnly};
use berth_model::compose::Project;
use berth_plan::observed::LocalImage;
use berth_plan::plan::Operation;
use berth_plan::reconcile::pull::reconcile_pulls;
use berth_plan::reconcile::up::{diverged_volumes, reconcile_up, UpPlan};
use berth_plan::{Observed, Plan};

use crate::error::OpsResult;
use crate::events::Progress;
use crate::execute::{Executor, OnError, Outcome, PullOptions, RunOptions};
use crate::observe;

pub use berth_plan::reconcile::up::UpOptions as PlanOptions;

/// `up`/`create` options, as the command line resolved them.
#[derive(Debug, Clone, Default)]
pub struct UpOptions {
    /// What the plan is made of (the API version is the engine's, set here).
    pub plan: PlanOptions,
    /// How images are pulled.
    pub pull: PullOptions,
    pub run: RunOptions,
    /// `-y`: recreate diverged volumes without asking.
    pub assume_yes: bool,
}

/// Unix seconds now (the time-based pull policies compare with it).
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Runs `up` (or `create` with `no_start`).
/// `observed`: the engine's state, when the caller observed it already (while the project
/// was loading).
pub async fn up(
    engine: &Engine,
    project: &Project,
    options: &UpOptions,
    observed: Option<Observed>,
    progress: &dyn Progress,
) -> OpsResult<()> {
    let executor = Executor::new(options.run.hands(engine), progress, options.run.parallel)
        .with_pull_options(options.pull.clone());
    let planned = prepare(&executor, project, options, observed).await?;
    executor.run(&planned.plan).await?;
    Ok(())
}

/// Observes, pulls what is needed (the pulls are a plan of their own: the pulled images
/// decide what is recreated), asks about diverged volumes, and plans the rest.
pub(crate) async fn prepare(
    executor: &Executor<'_>,
    project: &Project,
    options: &UpOptions,
    observed: Option<Observed>,
) -> OpsResult<UpPlan> {
    let mut observed = match observed {
        Some(o) => o,
        None => observe::observe_up(executor.hands.read(), project).await?,
    };
    pull(executor, project, &mut observed).await?;
    let mut plan_options = options.plan.clone();
    plan_options.api_version = executor.hands.read().api_version();
    for key in diverged_volumes(project, &observed) {
        let name = project.volume_name(&key);
        let question = format!(
            "Volume {name:?} exists but doesn't match configuration in compose file. Recreate (data will be lost)?"
        );
        if options.assume_yes || executor.progress.confirm(&question, false) {
            plan_options.recreate_volumes.push(key);
        }
    }
    let planned = reconciled(project, &observed, &plan_options, executor.progress)?;
    Ok(planned)
}

/// Pulls the images the services need under their pull policies (a plan of its own: the
/// pulled images decide what is recreated), and records them in `observed`.
pub(crate) async fn pull(
    executor: &Executor<'_>,
    project: &Project,
    observed: &mut Observed,
) -> OpsResult<()> {
    let pulls = reconcile_pulls(project, observed, now())?;
    if !pulls.steps.is_empty() {
        let mut outcome = Outcome::default();
        let result = executor
            .run_part(&pulls, &mut outcome, |_| true, OnError::Finish)
            .await;
        executor.progress.end_section();
        result?;
        record_pulls(observed, &pulls, &outcome);
    }
    Ok(())
}

/// `reconcile_up`, with the warnings compose prints on the way.
fn reconciled(
    project: &Project,
    observed: &Observed,
    options: &PlanOptions,
    progress: &dyn Progress,
) -> OpsResult<UpPlan> {
    // A refusal's own warning is printed with it, by the command line.
    let planned = reconcile_up(project, observed, options)?;
    for w in &planned.plan.warnings {
        progress.warning(w);
    }
    Ok(planned)
}

/// The images the pulls brought, as the engine now has them.
fn record_pulls(observed: &mut Observed, pulls: &Plan, outcome: &Outcome) {
    for step in &pulls.steps {
        if let (Operation::PullImage { image, .. }, Some(id)) =
            (&step.op, outcome.created.get(&step.id))
        {
            if !id.is_empty() {
                let image_now = LocalImage {
                    id: id.clone(),
                    last_tag_time: Some(now()),
                    config: None,
                };
                observed.images.insert(image.clone(), Some(image_now));
            }
        }
    }
}

/// What `up` would do, without doing it: the pulls it would make, then the rest as the
/// engine is now (a pull may bring images that change it). No question is asked: diverged
/// volumes are recreated only with `-y`.
pub async fn plan(engine: ReadOnly<'_>, project: &Project, options: &UpOptions) -> OpsResult<Plan> {
    let observed = observe::observe_up(engine, project).await?;
    let mut plan = reconcile_pulls(project, &observed, now())?;
    let mut plan_options = options.plan.clone();
    plan_options.api_version = engine.api_version();
    if options.assume_yes {
        plan_options.recreate_volumes = diverged_volumes(project, &observed);
    }
    let planned = reconcile_up(project, &observed, &plan_options)?;
    plan.append(planned.plan);
    Ok(plan)
}
