//! `top`: the processes of the project's running containers, one `top` call per container,
//! all at once (compose's `Top`).

use berth_engine::{ContainerFilter, Engine, EngineError};
use berth_model::labels;

use crate::ps::{canonical_name, project_filter};

/// One container's processes (`api.ContainerProcSummary`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerProcs {
    pub id: String,
    pub name: String,
    pub service: String,
    /// `com.docker.compose.container-number` (empty for run containers).
    pub replica: String,
    pub titles: Vec<String>,
    pub processes: Vec<Vec<String>>,
}

/// The running containers' processes, `services` only when given.
pub async fn top(
    engine: &Engine,
    project: &str,
    services: &[String],
) -> Result<Vec<ContainerProcs>, EngineError> {
    let filter = ContainerFilter {
        labels: project_filter(&project.to_lowercase(), None, None),
        all: false,
    };
    let list = engine.list_containers(&filter).await?;
    let selected: Vec<_> = list
        .into_iter()
        .filter(|c| {
            services.is_empty()
                || c.labels
                    .as_ref()
                    .and_then(|l| l.get(labels::SERVICE))
                    .is_some_and(|s| services.contains(s))
        })
        .collect();
    let tops = futures_util::future::join_all(
        selected
            .iter()
            .map(|c| engine.top(c.id.as_deref().unwrap_or_default())),
    )
    .await;
    let mut out = Vec::new();
    for (c, top) in selected.into_iter().zip(tops) {
        let top = top?;
        let id = c.id.unwrap_or_default();
        let name = canonical_name(&id, c.names.as_deref().unwrap_or_default());
        let labels = c.labels.unwrap_or_default();
        out.push(ContainerProcs {
            service: labels.get(labels::SERVICE).cloned().unwrap_or(name.clone()),
            replica: labels
                .get(labels::CONTAINER_NUMBER)
                .cloned()
                .unwrap_or_default(),
            id,
            name,
            titles: top.titles.unwrap_or_default(),
            processes: top.processes.unwrap_or_default(),
        });
    }
    Ok(out)
}
