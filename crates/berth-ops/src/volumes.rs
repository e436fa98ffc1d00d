//! `volumes`: the project's volumes, or those the running containers of some services
//! mount (compose's `Volumes`).

use berth_engine::models::Volume;
use berth_engine::{ContainerFilter, Engine, EngineError, ObjectFilter};
use berth_model::labels;

/// The project's volumes in the engine's order; with `services`, only those mounted by
/// their running containers.
pub async fn volumes(
    engine: &Engine,
    project: &str,
    services: &[String],
) -> Result<Vec<Volume>, EngineError> {
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
        return Ok(volumes);
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
        .collect())
}
