//! Reading the engine: a project's containers in one list call, its networks, volumes and
//! images by name, concurrently; converted to berth-plan's observed types.

use berth_engine::models::{ContainerSummary, Network as EngineNetwork, NetworkInspect};
use berth_engine::{ContainerFilter, Engine, EngineError, ObjectFilter};
use berth_model::gotime::Timestamp;
use berth_model::labels;
use berth_plan::{AnonymousVolume, Container, Network, State, Volume};
use futures_util::future::try_join_all;
use indexmap::IndexMap;

use crate::pull::{LocalImage, LocalImages};
use berth_model::compose::Project;
use berth_model::labels::project_filter;

/// The project's containers (run containers included; `all`: stopped ones too).
pub async fn containers(
    engine: &Engine,
    project: &str,
    all: bool,
) -> Result<Vec<Container>, EngineError> {
    let filter = ContainerFilter {
        labels: vec![project_filter(project)],
        all,
    };
    let list = engine.list_containers(&filter).await?;
    Ok(list.iter().map(container_from_summary).collect())
}

/// The project's service containers, stopped ones included, run containers left out.
pub async fn service_containers(
    engine: &Engine,
    project: &str,
) -> Result<Vec<Container>, EngineError> {
    let all = containers(engine, project, true).await?;
    Ok(all.into_iter().filter(|c| !c.oneoff).collect())
}

/// Converts one list entry.
pub fn container_from_summary(s: &ContainerSummary) -> Container {
    let labels: IndexMap<String, String> =
        s.labels.clone().unwrap_or_default().into_iter().collect();
    let label = |key: &str| labels.get(key).cloned().unwrap_or_default();
    let name = s
        .names
        .as_ref()
        .and_then(|names| canonical_name(names))
        .unwrap_or_default();
    let mut networks: IndexMap<String, String> = s
        .network_settings
        .as_ref()
        .and_then(|n| n.networks.as_ref())
        .map(|n| {
            n.iter()
                .map(|(name, e)| (name.clone(), e.network_id.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    networks.sort_keys();
    let volume_mounts: Vec<_> = s
        .mounts
        .iter()
        .flatten()
        .filter(|m| m.typ.as_deref() == Some("volume"))
        .filter(|m| m.name.is_some())
        .collect();
    // Anonymous volumes are named by the engine with 64 hex digits.
    let anonymous = |name: &str| name.len() == 64 && name.chars().all(|c| c.is_ascii_hexdigit());
    let volumes = volume_mounts
        .iter()
        .filter_map(|m| m.name.clone())
        .collect();
    let anonymous_volumes = volume_mounts
        .iter()
        .filter_map(|m| {
            let name = m.name.clone().filter(|n| anonymous(n))?;
            // compose mounts an inherited volume as the old container had it.
            let volume = AnonymousVolume {
                name,
                read_only: !m.rw.unwrap_or(true),
            };
            Some((m.destination.clone().unwrap_or_default(), volume))
        })
        .collect();
    Container {
        id: s.id.clone().unwrap_or_default(),
        name,
        service: label(labels::SERVICE),
        number: labels
            .get(labels::CONTAINER_NUMBER)
            .and_then(|n| n.parse().ok()),
        oneoff: label(labels::ONEOFF) == "True",
        config_hash: label(labels::CONFIG_HASH),
        image_label: label(labels::IMAGE),
        state: State::parse(&s.state.map(|st| st.to_string()).unwrap_or_default()),
        networks,
        volumes,
        anonymous_volumes,
        created: s.created.unwrap_or(0),
        labels,
    }
}

/// The container's own name among its names: the one without a link path (`/a/b`), as
/// compose's `getCanonicalContainerName`.
fn canonical_name(names: &[String]) -> Option<String> {
    names
        .iter()
        .find(|n| n.matches('/').count() == 1)
        .or_else(|| names.first())
        .map(|n| n.trim_start_matches('/').to_string())
}

fn network_from_inspect(n: NetworkInspect) -> Network {
    Network {
        id: n.id.unwrap_or_default(),
        name: n.name.unwrap_or_default(),
        labels: n.labels.unwrap_or_default().into_iter().collect(),
    }
}

fn network_from_list(n: EngineNetwork) -> Network {
    Network {
        id: n.id.unwrap_or_default(),
        name: n.name.unwrap_or_default(),
        labels: n.labels.unwrap_or_default().into_iter().collect(),
    }
}

/// Finds a network by exact name (or ID): inspect matches ID prefixes, so its answer is
/// checked, and a listing by name settles ambiguous cases (compose's `ensureNetwork`).
pub async fn network(engine: &Engine, name: &str) -> Result<Option<Network>, EngineError> {
    if let Some(found) = engine.inspect_network(name).await.ok().flatten() {
        if found.name.as_deref() == Some(name) || found.id.as_deref() == Some(name) {
            return Ok(Some(network_from_inspect(found)));
        }
    }
    let filter = ObjectFilter {
        names: vec![name.to_string()],
        ..Default::default()
    };
    Ok(engine
        .list_networks(&filter)
        .await?
        .into_iter()
        .map(network_from_list)
        .find(|n| n.name == name))
}

/// The project's networks (by key) as the engine has them, looked up concurrently.
pub async fn networks(
    engine: &Engine,
    project: &Project,
) -> Result<IndexMap<String, Option<Network>>, EngineError> {
    let keys: Vec<&String> = project.networks.keys().collect();
    let found = try_join_all(
        keys.iter()
            .map(|key| async move { network(engine, &project.network_name(key)).await }),
    )
    .await?;
    Ok(keys.into_iter().cloned().zip(found).collect())
}

/// The project's volumes (by key) as the engine has them, looked up concurrently.
pub async fn volumes(
    engine: &Engine,
    project: &Project,
) -> Result<IndexMap<String, Option<Volume>>, EngineError> {
    let keys: Vec<&String> = project.volumes.keys().collect();
    let found = try_join_all(keys.iter().map(|key| async move {
        let v = engine.inspect_volume(&project.volume_name(key)).await?;
        Ok::<_, EngineError>(v.map(|v| Volume {
            name: v.name,
            labels: v.labels.into_iter().collect(),
        }))
    }))
    .await?;
    Ok(keys.into_iter().cloned().zip(found).collect())
}

/// Each distinct image the services run, as the engine has it (`None`: not on the engine).
pub async fn images(
    engine: &Engine,
    references: impl IntoIterator<Item = String>,
) -> Result<LocalImages, EngineError> {
    let mut unique: Vec<String> = references.into_iter().collect();
    unique.sort();
    unique.dedup();
    let found = try_join_all(unique.iter().map(|r| async move {
        let Some(inspect) = engine.inspect_image(r).await? else {
            return Ok::<_, EngineError>(None);
        };
        let last_tag_time = inspect
            .metadata
            .and_then(|m| m.last_tag_time)
            .and_then(|t| Timestamp::parse(&t))
            .map(|t| t.unix_seconds());
        Ok(inspect.id.map(|id| LocalImage { id, last_tag_time }))
    }))
    .await?;
    Ok(unique.into_iter().zip(found).collect())
}
