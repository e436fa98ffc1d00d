//! `restart`: restart the services' containers as they are (the configuration is not
//! applied again), in dependency order. Dependents declared with `depends_on.restart: true`
//! are restarted too, after the service they depend on, unless `--no-deps`.

use std::time::Duration;

use berth_engine::Engine;
use berth_plan::Container;
use futures_util::future::try_join_all;

use crate::error::OpsResult;
use crate::events::{status, Progress};
use crate::hooks::Hooks;
use crate::observe;
use crate::runner::{container_event, Runner};
use crate::scope::{Scope, Widen};
use crate::wait;
use crate::walk::walk;
use berth_model::compose::Project;

#[derive(Debug, Clone, Default)]
pub struct RestartOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// `--no-deps`: leave the dependents alone.
    pub no_deps: bool,
    /// `-t`: seconds before the engine kills (`None`: the container's own stop timeout).
    pub timeout: Option<i32>,
    pub parallel: Option<usize>,
    pub dry_run: bool,
}

/// Restarts the project's containers (`project`: the loaded file, whole; without it the
/// services come from the containers' labels).
pub async fn restart(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &RestartOptions,
    progress: &dyn Progress,
) -> OpsResult<()> {
    let runner = Runner::new(engine, progress, options.dry_run, options.parallel);
    let containers: Vec<Container> = observe::service_containers(engine, name).await?;
    let mut scope = match project {
        Some(p) => Scope::from_project(p),
        None => Scope::from_labels(&containers),
    };
    if options.no_deps {
        scope = scope.select(&options.services, Widen::Nothing)?;
    }
    // Only the `restart: true` relations matter here (compose drops the others).
    scope.retain_dependencies(|d| d.restart);
    let scope = scope.select(&options.services, Widen::Dependents)?;
    let graph = scope.graph();
    let (scope, containers, runner) = (&scope, &containers, &runner);
    walk(&graph, false, |service| async move {
        wait::wait_scope_dependencies(runner, scope, service, containers, None::<Duration>).await?;
        let list = containers.iter().filter(|c| c.service == service);
        try_join_all(list.map(|c| restart_one(runner, project, c, options.timeout))).await?;
        Ok(())
    })
    .await
}

/// Restarts one container between its `pre_stop` and `post_start` hooks, as compose does.
async fn restart_one(
    runner: &Runner<'_>,
    project: Option<&Project>,
    container: &Container,
    timeout: Option<i32>,
) -> OpsResult<()> {
    runner
        .run_hooks(&container.id, &Hooks::pre_stop(project, container))
        .await?;
    let id = container_event(&container.name);
    runner.progress.event(status::restarting(&id));
    if !runner.dry_run {
        runner
            .engine
            .restart_container(&container.id, timeout)
            .await?;
    }
    runner.progress.event(status::started(&id));
    runner
        .run_hooks(&container.id, &Hooks::post_start(project, container))
        .await
}
