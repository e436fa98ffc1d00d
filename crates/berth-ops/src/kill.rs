//! `kill`: send a signal to the project's running containers, all at once.

use berth_engine::Engine;
use berth_plan::Container;
use futures_util::future::try_join_all;

use crate::error::OpsResult;
use crate::events::{status, Progress};
use crate::observe;
use crate::runner::{container_event, Runner};
use berth_model::compose::Project;

#[derive(Debug, Clone)]
pub struct KillOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// `-s`: the signal, as the engine takes it (`SIGKILL`, `TERM`, `9`).
    pub signal: String,
    /// `--remove-orphans`: also signal containers of services the file no longer has.
    pub remove_orphans: bool,
    pub dry_run: bool,
}

impl Default for KillOptions {
    fn default() -> Self {
        KillOptions {
            services: Vec::new(),
            signal: "SIGKILL".into(),
            remove_orphans: false,
            dry_run: false,
        }
    }
}

/// What `kill` found to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KillOutcome {
    Killed,
    /// No running container matched (compose prints `no container to kill`).
    NothingToKill,
}

/// Signals the running containers of the selected services (one-off ones included).
pub async fn kill(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &KillOptions,
    progress: &dyn Progress,
) -> OpsResult<KillOutcome> {
    let runner = Runner::new(engine, progress, options.dry_run, None);
    let containers: Vec<Container> = observe::containers(engine, name, false)
        .await?
        .into_iter()
        .filter(|c| options.services.is_empty() || options.services.contains(&c.service))
        .filter(|c| match project {
            Some(p) if !options.remove_orphans => p.services.contains_key(&c.service),
            _ => true,
        })
        .collect();
    if containers.is_empty() {
        return Ok(KillOutcome::NothingToKill);
    }
    try_join_all(
        containers
            .iter()
            .map(|c| kill_one(&runner, c, &options.signal)),
    )
    .await?;
    Ok(KillOutcome::Killed)
}

async fn kill_one(runner: &Runner<'_>, container: &Container, signal: &str) -> OpsResult<()> {
    let id = container_event(&container.name);
    runner.progress.event(status::killing(&id));
    if !runner.dry_run {
        if let Err(e) = runner.engine.kill_container(&container.id, signal).await {
            runner
                .progress
                .event(status::failed(&id, "Error while Killing"));
            return Err(e.into());
        }
    }
    runner.progress.event(status::killed(&id));
    Ok(())
}
