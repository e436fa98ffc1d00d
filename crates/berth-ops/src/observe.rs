//! Reading the engine, once per verb and with read calls only: the project's containers
//! from one list call; its networks, volumes and images by name, concurrently; and the
//! containers whose configuration differs from the file's, inspected to say why.

use berth_engine::models::{ContainerSummary, Network as EngineNetwork, NetworkInspect};
use berth_engine::{ContainerFilter, EngineError, ObjectFilter, ReadOnly};
use berth_model::compose::Project;
use berth_model::gotime::Timestamp;
use berth_model::labels::{self, project_filter};
use std::path::Path;

use berth_plan::convert::{self, HostFiles, HostSnapshot};
use berth_plan::observed::LocalImage;
use berth_plan::reconcile::down::{image_candidates, DownOptions};
use berth_plan::{AnonymousVolume, Container, Network, Observed, State, Volume};
use futures_util::future::try_join_all;
use indexmap::IndexMap;

/// The project's containers (run containers included; `all`: stopped ones too).
pub async fn containers(
    engine: ReadOnly<'_>,
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

/// The project's containers only (`all`: stopped ones too), for the verbs that act on
/// existing containers.
pub async fn observe_containers(
    engine: ReadOnly<'_>,
    project: &str,
    all: bool,
) -> Result<Observed, EngineError> {
    Ok(Observed {
        containers: containers(engine, project, all).await?,
        ..Observed::default()
    })
}

/// What `up`, `create` and `scale` reconcile: the containers, the networks and volumes the
/// file names, the images the services need; then the containers whose config hash is not
/// the file's, inspected.
pub async fn observe_up(engine: ReadOnly<'_>, project: &Project) -> Result<Observed, EngineError> {
    let (containers, resources) = futures_util::try_join!(
        containers(engine, &project.name, true),
        resources(engine, project),
    )?;
    with_containers(engine, project, resources, containers).await
}

/// The networks, volumes and images a project names, as the engine has them: what
/// [`observe_up`] asks for besides the containers (a caller that lists the containers
/// before the project is loaded asks for these once it is).
pub async fn resources(engine: ReadOnly<'_>, project: &Project) -> Result<Observed, EngineError> {
    let (networks, volumes, images) = futures_util::try_join!(
        networks(engine, project),
        volumes(engine, project),
        images(engine, project.images()),
    )?;
    Ok(Observed {
        networks,
        volumes,
        images,
        ..Observed::default()
    })
}

/// The observation of `up` from its `resources` and the project's `containers`: those whose
/// config hash is not the file's are inspected.
pub async fn with_containers(
    engine: ReadOnly<'_>,
    project: &Project,
    resources: Observed,
    containers: Vec<Container>,
) -> Result<Observed, EngineError> {
    let diverged: Vec<&Container> = containers
        .iter()
        .filter(|c| !c.oneoff)
        .filter(|c| {
            project
                .services
                .get(&c.service)
                .and_then(|s| s.config_hash.known())
                .is_some_and(|hash| hash != c.config_hash)
        })
        .collect();
    let inspected = try_join_all(diverged.iter().map(|c| async move {
        match engine.inspect_container(&c.id).await {
            Ok(i) => Ok(Some((c.id.clone(), i))),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }))
    .await?;
    Ok(Observed {
        containers,
        inspected: inspected.into_iter().flatten().collect(),
        files: host_files(project),
        ..resources
    })
}

/// The host's files as they are on disk: what conversion reads or checks, read here, with
/// the rest of the observation.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalFiles;

impl HostFiles for LocalFiles {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        // Worded as Go's `os.Open` errors, as compose reports them.
        std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => e.to_string(),
        })
    }

    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }
}

/// The files the project's containers need from the host, read now.
fn host_files(project: &Project) -> HostSnapshot {
    let (read, check) = convert::host_files(project);
    HostSnapshot {
        read: read
            .into_iter()
            .map(|p| (p.clone(), LocalFiles.read(&p)))
            .collect(),
        exists: check
            .into_iter()
            .map(|p| (p.clone(), LocalFiles.exists(&p)))
            .collect(),
    }
}

/// What `down` removes: every container of the project, its networks and (with `-v`)
/// volumes listed by the project's label, and with `--rmi` the images it would remove.
pub async fn observe_down(
    engine: ReadOnly<'_>,
    name: &str,
    project: Option<&Project>,
    options: &DownOptions,
) -> Result<Observed, EngineError> {
    let filter = ObjectFilter {
        labels: vec![project_filter(name)],
        ..Default::default()
    };
    let candidates = match (options.images, project) {
        (Some(mode), Some(p)) => image_candidates(p, mode),
        _ => Vec::new(),
    };
    let (containers, networks, volumes, images) = futures_util::try_join!(
        containers(engine, name, true),
        engine.list_networks(&filter),
        async {
            if options.volumes {
                engine.list_volumes(&filter).await
            } else {
                Ok(Vec::new())
            }
        },
        images(engine, candidates),
    )?;
    let mut networks: IndexMap<String, Network> = networks
        .into_iter()
        .map(network_from_list)
        .map(|n| (n.name.clone(), n))
        .collect();
    networks.sort_keys();
    let mut volumes: IndexMap<String, Volume> = volumes
        .into_iter()
        .map(|v| {
            let volume = Volume {
                name: v.name.clone(),
                labels: v.labels.into_iter().collect(),
            };
            (v.name, volume)
        })
        .collect();
    volumes.sort_keys();
    Ok(Observed {
        containers,
        networks,
        volumes,
        images,
        ..Observed::default()
    })
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
pub async fn network(engine: ReadOnly<'_>, name: &str) -> Result<Option<Network>, EngineError> {
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

/// The networks the file names, by engine name, looked up concurrently.
async fn networks(
    engine: ReadOnly<'_>,
    project: &Project,
) -> Result<IndexMap<String, Network>, EngineError> {
    let names: Vec<String> = project
        .networks
        .keys()
        .map(|k| project.network_name(k))
        .collect();
    let found = try_join_all(names.iter().map(|name| network(engine, name))).await?;
    Ok(names
        .into_iter()
        .zip(found)
        .filter_map(|(name, n)| Some((name, n?)))
        .collect())
}

/// The volumes the file names, by engine name, looked up concurrently.
async fn volumes(
    engine: ReadOnly<'_>,
    project: &Project,
) -> Result<IndexMap<String, Volume>, EngineError> {
    let names: Vec<String> = project
        .volumes
        .keys()
        .map(|k| project.volume_name(k))
        .collect();
    let found = try_join_all(names.iter().map(|name| async move {
        let v = engine.inspect_volume(name).await?;
        Ok::<_, EngineError>(v.map(|v| Volume {
            name: v.name,
            labels: v.labels.into_iter().collect(),
        }))
    }))
    .await?;
    Ok(names
        .into_iter()
        .zip(found)
        .filter_map(|(name, v)| Some((name, v?)))
        .collect())
}

/// Each distinct image, as the engine has it (`None`: not on the engine).
async fn images(
    engine: ReadOnly<'_>,
    references: impl IntoIterator<Item = String>,
) -> Result<IndexMap<String, Option<LocalImage>>, EngineError> {
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
        Ok(inspect.id.map(|id| LocalImage {
            id,
            last_tag_time,
            config: inspect.config,
        }))
    }))
    .await?;
    Ok(unique.into_iter().zip(found).collect())
}
