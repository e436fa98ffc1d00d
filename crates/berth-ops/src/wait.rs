//! `wait`: block until the services' running containers stop (compose's pkg/compose/wait.go).

use berth_engine::{ContainerFilter, Engine, EngineError};
use berth_model::labels;
use futures_util::stream::{FuturesUnordered, StreamExt};

use crate::ps::project_filter;

#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("no containers for project {0:?}")]
    NoContainers(String),
}

/// Waits for the running containers of `services` (run containers included); calls
/// `exited(id, code)` as each stops, in the order they stop, and returns the code of the
/// last (compose keeps overwriting one status code).
pub async fn wait(
    engine: &Engine,
    project: &str,
    services: &[String],
    exited: &mut dyn FnMut(&str, i64),
) -> Result<i64, WaitError> {
    let project = project.to_lowercase();
    let one = (services.len() == 1).then(|| services[0].as_str());
    let list = engine
        .list_containers(&ContainerFilter {
            labels: project_filter(&project, None, one),
            all: false,
        })
        .await?;
    let ids: Vec<String> = list
        .into_iter()
        .filter(|c| {
            services.len() <= 1
                || c.labels
                    .as_ref()
                    .and_then(|l| l.get(labels::SERVICE))
                    .is_some_and(|s| services.contains(s))
        })
        .filter_map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return Err(WaitError::NoContainers(project));
    }
    let mut waits: FuturesUnordered<_> = ids
        .iter()
        .map(|id| async move { (id, engine.wait_container(id).await) })
        .collect();
    let mut status = 0;
    while let Some((id, code)) = waits.next().await {
        let code = code?;
        exited(id, code);
        status = code;
    }
    Ok(status)
}
