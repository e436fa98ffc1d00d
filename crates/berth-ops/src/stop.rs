//! `stop`: stop the services' containers, dependents before their dependencies, the
//! containers of one service in parallel (compose's `InReverseDependencyOrder`).

use berth_engine::Engine;
use berth_plan::Container;
use futures_util::future::try_join_all;

use crate::error::OpsResult;
use crate::events::Progress;
use crate::hooks::Hooks;
use crate::observe;
use crate::runner::Runner;
use crate::scope::Scope;
use crate::walk::walk;
use berth_model::compose::Project;

#[derive(Debug, Clone, Default)]
pub struct StopOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// `-t`: seconds before the engine kills (`None`: the container's own stop timeout).
    pub timeout: Option<i32>,
    pub parallel: Option<usize>,
    pub dry_run: bool,
}

/// Stops the project's containers. `project` is the loaded file when there is one (its
/// services selected); without it the services come from the containers' labels.
pub async fn stop(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &StopOptions,
    progress: &dyn Progress,
) -> OpsResult<()> {
    let runner = Runner::new(engine, progress, options.dry_run, options.parallel);
    let containers: Vec<Container> = observe::service_containers(engine, name).await?;
    stop_containers(
        &runner,
        project,
        &containers,
        &options.services,
        options.timeout,
    )
    .await
}

/// The walk itself, on containers already listed (`rm -s` shares it).
pub(crate) async fn stop_containers(
    runner: &Runner<'_>,
    project: Option<&Project>,
    containers: &[Container],
    services: &[String],
    timeout: Option<i32>,
) -> OpsResult<()> {
    let scope = match project {
        Some(p) => Scope::from_project(p),
        None => Scope::from_labels(containers),
    };
    let selected: Vec<&str> = if services.is_empty() {
        scope.names().collect()
    } else {
        services.iter().map(String::as_str).collect()
    };
    let graph = scope.graph();
    walk(&graph, true, |service| {
        let selected = &selected;
        async move {
            if !selected.contains(&service) {
                return Ok(());
            }
            let list = containers.iter().filter(|c| c.service == service);
            try_join_all(list.map(|c| async move {
                runner.stop(c, timeout, &Hooks::pre_stop(project, c)).await
            }))
            .await?;
            Ok(())
        }
    })
    .await
}
