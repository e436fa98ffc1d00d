//! Which container of a service a one-container verb (`port`, `commit`, `export`, `cp`)
//! acts on: compose's `getSpecifiedContainer` and `getContainers`, and the errors they give.

use berth_engine::models::ContainerSummary;
use berth_engine::{ContainerFilter, Engine, EngineError};
use berth_model::golang::quote;
use berth_model::labels;

use crate::ps::{canonical_name, project_filter};

/// The failures of the verbs that act on a service's containers, worded as compose's.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("service {} is not running", quote(.0))]
    NotRunning(String),
    #[error("service {} is not running container #{index}", quote(.service))]
    NotRunningIndex { service: String, index: i64 },
    #[error("no container found for service {}", quote(.0))]
    NoContainer(String),
    /// Any other failure compose reports with a message of its own.
    #[error("{0}")]
    Message(String),
}

/// Which run (one-off) containers a lookup includes (compose's `oneOff`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneOff {
    Include,
    Exclude,
}

impl OneOff {
    fn filter(self) -> Option<bool> {
        match self {
            OneOff::Include => None,
            OneOff::Exclude => Some(false),
        }
    }
}

/// A container a verb acts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    /// The canonical name (`p-web-1`).
    pub name: String,
    pub summary: ContainerSummary,
}

impl Target {
    fn from_summary(summary: ContainerSummary) -> Target {
        let id = summary.id.clone().unwrap_or_default();
        let name = canonical_name(&id, summary.names.as_deref().unwrap_or_default());
        Target { id, name, summary }
    }
}

fn label<'a>(c: &'a ContainerSummary, key: &str) -> Option<&'a str> {
    c.labels.as_ref()?.get(key).map(String::as_str)
}

/// compose's `getSpecifiedContainer`: the service's container numbered `index` (when it is
/// above 0), else its lowest-numbered one, run containers last; `all` includes stopped ones.
pub async fn specified_container(
    engine: &Engine,
    project: &str,
    one_off: OneOff,
    all: bool,
    service: &str,
    index: i64,
) -> Result<Target, TargetError> {
    let mut labels = project_filter(&project.to_lowercase(), one_off.filter(), Some(service));
    if index > 0 {
        labels.push(format!("{}={index}", labels::CONTAINER_NUMBER));
    }
    let mut list = engine
        .list_containers(&ContainerFilter { labels, all })
        .await?;
    if list.is_empty() {
        return Err(if index > 0 {
            TargetError::NotRunningIndex {
                service: service.to_string(),
                index,
            }
        } else {
            TargetError::NotRunning(service.to_string())
        });
    }
    let number = |c: &ContainerSummary| {
        label(c, labels::CONTAINER_NUMBER)
            .and_then(|n| n.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let one_off = |c: &ContainerSummary| label(c, labels::ONEOFF) == Some("True");
    // Stable, as Go's sort.Slice is not guaranteed to be: equal keys keep the engine's order.
    list.sort_by_key(|c| (one_off(c), if one_off(c) { 0 } else { number(c) }));
    Ok(Target::from_summary(list.swap_remove(0)))
}

/// compose's `getContainers` for one service: its containers in the engine's order.
pub async fn service_containers(
    engine: &Engine,
    project: &str,
    one_off: OneOff,
    all: bool,
    service: &str,
) -> Result<Vec<Target>, TargetError> {
    let labels = project_filter(&project.to_lowercase(), one_off.filter(), Some(service));
    let list = engine
        .list_containers(&ContainerFilter { labels, all })
        .await?;
    Ok(list.into_iter().map(Target::from_summary).collect())
}
