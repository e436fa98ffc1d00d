//! `start`: start the services' existing containers in dependency order, waiting for the
//! `depends_on` conditions first. Nothing is created: a service without containers is an
//! error only when the project has none at all (compose's `startService`).

use std::time::Duration;

use berth_engine::Engine;
use berth_plan::{Container, State};

use crate::convert::injected_files;
use crate::error::{OpsError, OpsResult};
use crate::events::Progress;
use crate::hooks::Hooks;
use crate::observe;
use crate::runner::Runner;
use crate::scope::{Scope, Widen};
use crate::wait;
use crate::walk::walk;
use berth_model::compose::Project;

#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// Bounds each service's wait for its dependencies.
    pub wait_timeout: Option<Duration>,
    pub parallel: Option<usize>,
    pub dry_run: bool,
}

/// Starts the project's stopped containers. `project` is the loaded file (with the named
/// services and their dependencies selected); without it the services come from labels.
pub async fn start(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &StartOptions,
    progress: &dyn Progress,
) -> OpsResult<()> {
    let runner = Runner::new(engine, progress, options.dry_run, options.parallel);
    let containers: Vec<Container> = observe::service_containers(engine, name).await?;
    let scope = match project {
        Some(p) => Scope::from_project(p),
        None => {
            if containers.is_empty() {
                return Err(OpsError::message(format!(
                    "no container found for project {name:?}: not found"
                )));
            }
            let scope = Scope::from_labels(&containers);
            if let Some(missing) = options.services.iter().find(|s| !scope.contains(s)) {
                return Err(OpsError::message(format!(
                    "no such service: {missing:?}: not found"
                )));
            }
            scope.select(&options.services, Widen::Dependencies)?
        }
    };
    let graph = scope.graph();
    let scope = &scope;
    let containers = &containers;
    let runner = &runner;
    walk(&graph, false, |service| async move {
        if project.is_some() && scope.scales.get(service) == Some(&0) {
            // `deploy.replicas: 0` is skipped before waiting.
            return Ok(());
        }
        wait::wait_scope_dependencies(runner, scope, service, containers, options.wait_timeout)
            .await?;
        if containers.is_empty() {
            if scope.scales.get(service) == Some(&0) {
                return Ok(());
            }
            return Err(OpsError::message(format!(
                "service {service:?} has no container to start"
            )));
        }
        for c in containers
            .iter()
            .filter(|c| c.service == service && c.state != State::Running)
        {
            // Secrets and configs given inline are copied in before each start.
            let files = match project.and_then(|p| Some((p, p.services.get(service)?))) {
                Some((p, s)) => {
                    injected_files(p, s, None).map_err(|e| OpsError::message(e.to_string()))?
                }
                None => Vec::new(),
            };
            runner
                .start(&c.id, &c.name, &files, &Hooks::post_start(project, c))
                .await?;
        }
        Ok(())
    })
    .await
}
