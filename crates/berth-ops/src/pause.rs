//! `pause` and `unpause`: freeze or thaw the project's running containers, all at once.
//! compose reports only the outcome (`Paused`, `Unpaused`), no working event.

use berth_engine::Engine;
use berth_plan::Container;
use futures_util::future::try_join_all;

use crate::error::OpsResult;
use crate::events::{Event, Progress, Status};
use crate::observe;
use crate::runner::container_event;
use berth_model::compose::Project;

#[derive(Debug, Clone, Default)]
pub struct PauseOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    pub dry_run: bool,
}

/// Pauses the running containers of the selected services.
pub async fn pause(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &PauseOptions,
    progress: &dyn Progress,
) -> OpsResult<()> {
    toggle(engine, name, project, options, progress, true).await
}

/// Unpauses the paused containers of the selected services.
pub async fn unpause(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &PauseOptions,
    progress: &dyn Progress,
) -> OpsResult<()> {
    toggle(engine, name, project, options, progress, false).await
}

async fn toggle(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &PauseOptions,
    progress: &dyn Progress,
    pause: bool,
) -> OpsResult<()> {
    // The engine lists paused containers among the running ones: compose acts on both and
    // lets the engine refuse ("is already paused", "is not paused").
    let containers: Vec<Container> = observe::containers(engine, name, false)
        .await?
        .into_iter()
        .filter(|c| !c.oneoff)
        .filter(|c| options.services.is_empty() || options.services.contains(&c.service))
        .filter(|c| project.is_none_or(|p| p.services.contains_key(&c.service)))
        .collect();
    try_join_all(containers.iter().map(|c| async move {
        if !options.dry_run {
            if pause {
                engine.pause_container(&c.id).await?;
            } else {
                engine.unpause_container(&c.id).await?;
            }
        }
        let word = if pause { "Paused" } else { "Unpaused" };
        progress.event(Event::new(container_event(&c.name), Status::Done, word));
        Ok::<_, crate::OpsError>(())
    }))
    .await?;
    Ok(())
}
