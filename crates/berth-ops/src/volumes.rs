//! `volumes`: the project's volumes, or those the running containers of some services
//! mount (compose's `Volumes`).

use berth_engine::models::Volume;
use berth_engine::{ContainerFilter, Engine, EngineError, ObjectFilter};
use berth_model::labels;
use indexmap::IndexMap;

/// One volume as the docker CLI's volume formatter sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VolumeSummary {
    pub name: String,
    pub driver: String,
    pub scope: String,
    pub mountpoint: String,
    /// Sorted by key (the reference prints Go's random map order).
    pub labels: IndexMap<String, String>,
    /// (size in bytes, reference count), when the engine computed them.
    pub usage: Option<(i64, i64)>,
}

impl From<Volume> for VolumeSummary {
    fn from(v: Volume) -> VolumeSummary {
        let mut labels: IndexMap<String, String> = v.labels.into_iter().collect();
        labels.sort_keys();
        VolumeSummary {
            name: v.name,
            driver: v.driver,
            scope: v.scope.map(|s| s.to_string()).unwrap_or_default(),
            mountpoint: v.mountpoint,
            labels,
            usage: v.usage_data.map(|u| (u.size, u.ref_count)),
        }
    }
}

/// The project's volumes in the engine's order; with `services`, only those mounted by
/// their running containers.
pub async fn volumes(
    engine: &Engine,
    project: &str,
    services: &[String],
) -> Result<Vec<VolumeSummary>, EngineError> {
    let project_label = format!("{}={}", labels::PROJECT, project);
    let container_filter = ContainerFilter {
        labels: vec![project_label.clone()],
        all: false,
    };
    let volume_filter = ObjectFilter {
        labels: vec![project_label],
        names: Vec::new(),
    };
    let containers = engine.list_containers(&container_filter);
    let volumes = engine.list_volumes(&volume_filter);
    let (containers, volumes) = futures_util::future::join(containers, volumes).await;
    let (containers, volumes) = (containers?, volumes?);
    if services.is_empty() {
        return Ok(volumes.into_iter().map(VolumeSummary::from).collect());
    }
    let mounted: Vec<String> = containers
        .iter()
        .filter(|c| {
            c.labels
                .as_ref()
                .and_then(|l| l.get(labels::SERVICE))
                .is_some_and(|s| services.contains(s))
        })
        .flat_map(|c| c.mounts.iter().flatten())
        .filter_map(|m| m.name.clone())
        .collect();
    Ok(volumes
        .into_iter()
        .filter(|v| mounted.contains(&v.name))
        .map(VolumeSummary::from)
        .collect())
}
