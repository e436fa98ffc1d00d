//! `up` and `create`: observe the project on the engine, ensure its networks and volumes,
//! converge every service's containers (create missing, recreate diverged, remove surplus,
//! keep the rest), then start them in dependency order and optionally wait for health.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use berth_engine::models::{Ipam, IpamConfig, NetworkCreateRequest, VolumeCreateRequest};
use berth_engine::Engine;
use berth_model::compose::Service;
use berth_model::labels;
use berth_plan::graph::Graph;
use berth_plan::{
    converge_service, plan_network, plan_volume, AnonymousVolume, Container, ContainerAction,
    DesiredService, NetworkAction, Recreate, State, VolumeAction,
};
use indexmap::IndexMap;

use crate::convert::{container_spec, injected_files, SpecInputs};
use crate::error::{OpsError, OpsResult};
use crate::events::{status, Progress};
use crate::hooks::Hooks;
use crate::pull::{self, LocalImages, PullOptions};
use crate::runner::{container_event, Runner};
use crate::walk::walk;
use crate::{observe, wait};
use berth_model::compose::Project;

/// `up`/`create` options, as the command line resolved them.
#[derive(Debug, Clone)]
pub struct UpOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// Policy for the named services.
    pub recreate: Recreate,
    /// Policy for the services they depend on.
    pub recreate_dependencies: Recreate,
    /// Recreated containers keep their anonymous volumes (not `-V`).
    pub inherit: bool,
    pub remove_orphans: bool,
    pub ignore_orphans: bool,
    /// `create`, `up --no-start`.
    pub no_start: bool,
    /// `-t`: seconds to wait when stopping a container that is replaced.
    pub timeout: Option<i32>,
    pub wait: bool,
    pub wait_timeout: Option<Duration>,
    pub parallel: Option<usize>,
    pub dry_run: bool,
    /// `-y`: recreate diverged volumes without asking.
    pub assume_yes: bool,
    /// Proxy variables from the docker CLI's config file, put under every container's
    /// environment.
    pub proxy_env: IndexMap<String, String>,
    /// How images are pulled.
    pub pull: PullOptions,
}

impl Default for UpOptions {
    fn default() -> Self {
        UpOptions {
            services: Vec::new(),
            recreate: Recreate::Diverged,
            recreate_dependencies: Recreate::Diverged,
            inherit: true,
            remove_orphans: false,
            ignore_orphans: false,
            no_start: false,
            timeout: None,
            wait: false,
            wait_timeout: None,
            parallel: None,
            dry_run: false,
            assume_yes: false,
            proxy_env: IndexMap::new(),
            pull: PullOptions::default(),
        }
    }
}

/// What convergence leaves for the start phase: each service's containers, by number.
pub type ServiceContainers = IndexMap<String, Vec<Container>>;

/// Runs `up` (or `create` with `no_start`).
pub async fn up(
    engine: &Engine,
    project: &Project,
    options: &UpOptions,
    progress: &dyn Progress,
) -> OpsResult<()> {
    let runner = Runner::new(engine, progress, options.dry_run, options.parallel);
    let containers = create(&runner, project, options).await?;
    if options.no_start {
        return Ok(());
    }
    start_services(&runner, project, &containers, options.wait_timeout).await?;
    if options.wait {
        wait::wait_for_project(&runner, project, &containers, options.wait_timeout).await?;
    }
    Ok(())
}

/// The create half of `up`: networks, volumes, orphans, then every service converged.
/// Returns each service's containers for the start phase.
pub async fn create(
    runner: &Runner<'_>,
    project: &Project,
    options: &UpOptions,
) -> OpsResult<ServiceContainers> {
    let engine = runner.engine;
    let (observed, networks, volumes, mut images) = futures_util::try_join!(
        observe::containers(engine, &project.name, true),
        observe::networks(engine, project),
        observe::volumes(engine, project),
        observe::images(engine, project.images()),
    )?;
    pull::pull_required(runner, project, &mut images, &options.pull).await?;
    let image_ids = image_ids(project, &images)?;
    let network_ids = ensure_networks(runner, project, &networks, &observed).await?;
    let observed = ensure_volumes(runner, project, &volumes, options, observed).await?;
    let observed = handle_orphans(runner, project, observed, options).await?;
    converge(
        runner,
        project,
        options,
        &observed,
        &network_ids,
        &image_ids,
    )
    .await
}

/// Each service's image ID once the pulls are done. An image still missing is the engine's
/// to refuse when the container is created ("No such image"), as with compose; one the
/// service would have built stops `up` before anything is created, since berth cannot build
/// images yet.
fn image_ids(project: &Project, images: &LocalImages) -> OpsResult<HashMap<String, String>> {
    let mut ids = HashMap::new();
    for service in project.services.values() {
        let reference = service.image_name(project);
        match images.get(&reference).cloned().flatten() {
            Some(image) => {
                ids.insert(service.name.clone(), image.id);
            }
            None if service.build.is_some() && service.scale() != 0 => {
                return Err(OpsError::message(format!(
                    "service {:?} needs image {reference} built, and berth cannot build images yet: build it with `docker compose build {}` first",
                    service.name, service.name
                )))
            }
            None => {
                ids.insert(service.name.clone(), String::new());
            }
        }
    }
    Ok(ids)
}

/// Creates missing networks, checks existing ones; returns network key → ID.
async fn ensure_networks(
    runner: &Runner<'_>,
    project: &Project,
    found: &IndexMap<String, Option<berth_plan::Network>>,
    observed: &[Container],
) -> OpsResult<IndexMap<String, String>> {
    let mut ids = IndexMap::new();
    for (key, network) in &project.networks {
        let name = project.network_name(key);
        let expected = network.config_hash.clone();
        let decision = plan_network(
            &project.name,
            key,
            &name,
            network.external,
            &expected,
            found.get(key).and_then(Option::as_ref),
        );
        let (action, warning) = match decision {
            Ok(d) => d,
            Err(e) => {
                if let Some(w) = &e.warning {
                    runner.progress.warning(w);
                }
                return Err(e.into());
            }
        };
        if let Some(w) = warning {
            runner.progress.warning(&w);
        }
        let id = match action {
            NetworkAction::Use { id } | NetworkAction::External { id } => id,
            NetworkAction::Create => create_network(runner, project, key, &expected).await?,
            NetworkAction::Recreate { id } => {
                let attached: Vec<&Container> = observed
                    .iter()
                    .filter(|c| c.networks.values().any(|n| *n == id))
                    .collect();
                for c in &attached {
                    runner
                        .stop(c, None, &Hooks::pre_stop(Some(project), c))
                        .await?;
                }
                if !runner.dry_run {
                    for c in &attached {
                        runner.engine.disconnect_network(&id, &c.id, true).await?;
                    }
                    runner.engine.remove_network(&id).await?;
                }
                runner
                    .progress
                    .event(status::removed(&format!("Network {name}")));
                create_network(runner, project, key, &expected).await?
            }
        };
        ids.insert(key.clone(), id);
    }
    Ok(ids)
}

async fn create_network(
    runner: &Runner<'_>,
    project: &Project,
    key: &str,
    hash: &str,
) -> OpsResult<String> {
    let network = &project.networks[key];
    let name = project.network_name(key);
    let event = format!("Network {name}");
    let mut net_labels: HashMap<String, String> = network.labels.clone().into_iter().collect();
    net_labels.extend(project.project_labels());
    net_labels.insert(labels::NETWORK.into(), key.to_string());
    net_labels.insert(labels::CONFIG_HASH.into(), hash.to_string());
    let ipam = (network.ipam.driver.is_some() || !network.ipam.config.is_empty()).then(|| Ipam {
        driver: network.ipam.driver.clone(),
        config: Some(
            network
                .ipam
                .config
                .iter()
                .flatten()
                .map(|pool| IpamConfig {
                    subnet: pool.subnet.clone(),
                    ip_range: pool.ip_range.clone(),
                    gateway: pool.gateway.clone(),
                    auxiliary_addresses: (!pool.aux_addresses.is_empty())
                        .then(|| pool.aux_addresses.clone().into_iter().collect()),
                })
                .collect(),
        ),
        options: None,
    });
    let body = NetworkCreateRequest {
        name: name.clone(),
        driver: network.driver.clone(),
        options: (!network.driver_opts.is_empty())
            .then(|| network.driver_opts.clone().into_iter().collect()),
        internal: Some(network.internal),
        attachable: Some(network.attachable),
        ipam,
        enable_ipv6: network.enable_ipv6,
        enable_ipv4: network.enable_ipv4,
        labels: Some(net_labels),
        ..Default::default()
    };
    runner.progress.event(status::creating(&event));
    if runner.dry_run {
        runner.progress.event(status::created(&event));
        return Ok(format!("dryRun{name}"));
    }
    match runner.engine.create_network(body).await {
        Ok(id) => {
            runner.progress.event(status::created(&event));
            Ok(id)
        }
        Err(e) => {
            runner.progress.event(status::error(&event));
            Err(OpsError::message(format!(
                "failed to create network {name}: {e}"
            )))
        }
    }
}

/// Creates missing volumes and warns about foreign ones. A diverged volume is recreated
/// when the user agrees (or gave `-y`), after the containers mounting it are removed;
/// returns the observed containers that are left.
async fn ensure_volumes(
    runner: &Runner<'_>,
    project: &Project,
    found: &IndexMap<String, Option<berth_plan::Volume>>,
    options: &UpOptions,
    mut observed: Vec<Container>,
) -> OpsResult<Vec<Container>> {
    for (key, volume) in &project.volumes {
        let name = project.volume_name(key);
        let expected = volume.config_hash.clone();
        let (action, warning) = plan_volume(
            &project.name,
            &name,
            volume.external,
            &expected,
            found.get(key).and_then(Option::as_ref),
        )?;
        if let Some(w) = warning {
            runner.progress.warning(&w);
        }
        match action {
            VolumeAction::Use | VolumeAction::External => {}
            VolumeAction::Diverged => {
                let question = format!(
                    "Volume {name:?} exists but doesn't match configuration in compose file. Recreate (data will be lost)?"
                );
                if options.assume_yes || runner.progress.confirm(&question, false) {
                    observed = remove_diverged_volume(runner, project, key, observed).await?;
                    create_volume(runner, project, key, &expected).await?;
                }
            }
            VolumeAction::Create => create_volume(runner, project, key, &expected).await?,
        }
    }
    Ok(observed)
}

/// Stops and removes the containers of every service that mounts volume `key`, then the
/// volume itself (compose's `removeDivergedVolume`); returns the other containers.
async fn remove_diverged_volume(
    runner: &Runner<'_>,
    project: &Project,
    key: &str,
    observed: Vec<Container>,
) -> OpsResult<Vec<Container>> {
    let mounting: Vec<&str> = project
        .services
        .values()
        .filter(|s| s.volumes.iter().any(|v| v.source.as_deref() == Some(key)))
        .map(|s| s.name.as_str())
        .collect();
    let (gone, kept): (Vec<Container>, Vec<Container>) = observed
        .into_iter()
        .partition(|c| !c.oneoff && mounting.contains(&c.service.as_str()));
    futures_util::future::try_join_all(gone.iter().map(|c| async move {
        runner
            .stop(c, None, &Hooks::pre_stop(Some(project), c))
            .await
    }))
    .await?;
    futures_util::future::try_join_all(gone.iter().map(|c| runner.remove(c, false))).await?;
    if !runner.dry_run {
        runner
            .engine
            .remove_volume(&project.volume_name(key))
            .await?;
    }
    Ok(kept)
}

async fn create_volume(
    runner: &Runner<'_>,
    project: &Project,
    key: &str,
    hash: &str,
) -> OpsResult<()> {
    let volume = &project.volumes[key];
    let name = project.volume_name(key);
    let event = format!("Volume {name}");
    let mut vol_labels: HashMap<String, String> = volume.labels.clone().into_iter().collect();
    vol_labels.extend(project.project_labels());
    vol_labels.insert(labels::VOLUME.into(), key.to_string());
    vol_labels.insert(labels::CONFIG_HASH.into(), hash.to_string());
    runner.progress.event(status::creating(&event));
    if !runner.dry_run {
        let body = VolumeCreateRequest {
            name: Some(name.clone()),
            driver: volume.driver.clone(),
            driver_opts: (!volume.driver_opts.is_empty())
                .then(|| volume.driver_opts.clone().into_iter().collect()),
            labels: Some(vol_labels),
            ..Default::default()
        };
        if let Err(e) = runner.engine.create_volume(body).await {
            runner.progress.event(status::error(&event));
            return Err(e.into());
        }
    }
    runner.progress.event(status::created(&event));
    Ok(())
}

/// Warns about (or removes) containers of services the project no longer has.
async fn handle_orphans(
    runner: &Runner<'_>,
    project: &Project,
    observed: Vec<Container>,
    options: &UpOptions,
) -> OpsResult<Vec<Container>> {
    let known: Vec<&str> = project
        .services
        .keys()
        .chain(project.disabled.keys())
        .map(String::as_str)
        .collect();
    let orphans: Vec<Container> = berth_plan::reconcile::orphans(&observed, &known)
        .into_iter()
        .cloned()
        .collect();
    if orphans.is_empty() || options.ignore_orphans {
        return Ok(observed);
    }
    if options.remove_orphans {
        futures_util::future::try_join_all(orphans.iter().map(|c| async move {
            runner
                .stop_and_remove(c, options.timeout, false, &Hooks::default())
                .await
        }))
        .await?;
        let gone: Vec<&str> = orphans.iter().map(|c| c.id.as_str()).collect();
        return Ok(observed
            .into_iter()
            .filter(|c| !gone.contains(&c.id.as_str()))
            .collect());
    }
    let names: Vec<&str> = orphans.iter().map(|c| c.name.as_str()).collect();
    runner.progress.warning(&format!(
        "Found orphan containers ([{}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
        names.join(" ")
    ));
    Ok(observed)
}

/// The services a service's containers must exist before its own can be created: those it
/// shares a namespace or volumes with, and those it links to. Dependencies declared with
/// `restart: true` converge first too, since recreating them stops this service.
fn create_prerequisites(service: &Service) -> Vec<String> {
    let mut deps: Vec<String> = service
        .depends_on
        .iter()
        .filter(|(_, d)| d.restart)
        .map(|(name, _)| name.clone())
        .collect();
    for mode in [&service.network_mode, &service.ipc, &service.pid]
        .into_iter()
        .flatten()
    {
        if let Some(other) = mode.strip_prefix("service:") {
            deps.push(other.to_string());
        }
    }
    for from in &service.volumes_from {
        let name = from.split(':').next().unwrap_or_default();
        if name != "container" {
            deps.push(name.to_string());
        }
    }
    for link in &service.links {
        deps.push(link.split(':').next().unwrap_or_default().to_string());
    }
    deps
}

/// The dependency graph of the enabled services (`depends_on`).
pub fn dependency_graph(project: &Project) -> Graph {
    crate::scope::Scope::from_project(project).graph()
}

/// Converges every service; services are independent unless one needs another's
/// container at create time, so creation runs in parallel across the project.
async fn converge(
    runner: &Runner<'_>,
    project: &Project,
    options: &UpOptions,
    observed: &[Container],
    network_ids: &IndexMap<String, String>,
    image_ids: &HashMap<String, String>,
) -> OpsResult<ServiceContainers> {
    let by_service = berth_plan::reconcile::by_service(observed);
    let graph = Graph::new(
        project
            .services
            .values()
            .map(|s| (s.name.clone(), create_prerequisites(s))),
    );
    let state: Mutex<ServiceContainers> = Mutex::new(IndexMap::new());
    let first_ids = || -> HashMap<String, String> {
        state
            .lock()
            .expect("state lock")
            .iter()
            .filter_map(|(s, list)| list.first().map(|c| (s.clone(), c.id.clone())))
            .collect()
    };
    let container_names = || -> IndexMap<String, Vec<String>> {
        state
            .lock()
            .expect("state lock")
            .iter()
            .map(|(s, list)| (s.clone(), list.iter().map(|c| c.name.clone()).collect()))
            .collect()
    };
    // Containers stopped because a dependency declared with `restart: true` was recreated:
    // they are started again by the start phase.
    let stopped: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let named = |s: &str| options.services.is_empty() || options.services.iter().any(|n| n == s);
    walk(&graph, false, |name| {
        let by_service = &by_service;
        let state = &state;
        let stopped = &stopped;
        let first_ids = &first_ids;
        let container_names = &container_names;
        async move {
            let service = &project.services[name];
            let first = first_ids();
            let config_hash = service
                .config_hash
                .resolve(&|s| first.get(s).cloned())
                .map_err(OpsError::message)?;
            let scale = u32::try_from(service.scale().max(0)).unwrap_or(0);
            if scale > 1 && service.container_name.as_deref().is_some_and(|n| !n.is_empty()) {
                return Err(OpsError::message(format!(
                    "services.scale: can't set container_name and {} as container name must be unique",
                    service.name
                )));
            }
            let desired = DesiredService {
                name: name.to_string(),
                scale,
                config_hash: config_hash.clone(),
                image_id: image_ids.get(name).cloned().unwrap_or_default(),
                network_ids: service
                    .networks
                    .keys()
                    .filter_map(|k| network_ids.get(k).cloned())
                    .collect(),
                volumes: named_volumes(project, service),
                policy: if named(name) {
                    options.recreate
                } else {
                    options.recreate_dependencies
                },
            };
            let mut existing = by_service.get(name).cloned().unwrap_or_default();
            {
                let stopped = stopped.lock().expect("stopped lock");
                for c in existing.iter_mut().filter(|c| stopped.contains(&c.id)) {
                    c.state = State::Exited;
                }
            }
            let actions = converge_service(&desired, &existing);
            if actions
                .iter()
                .any(|a| matches!(a, ContainerAction::Recreate { .. }))
            {
                let ids = stop_restarting_dependents(runner, project, name, by_service, options).await?;
                stopped.lock().expect("stopped lock").extend(ids);
            }
            let names = container_names();
            let result =
                apply_actions(runner, project, service, &desired, actions, &first, &names, options)
                    .await?;
            state.lock().expect("state lock").insert(name.to_string(), result);
            Ok(())
        }
    })
    .await?;
    let mut state = state.into_inner().expect("state lock");
    // Keep the model's order for the start phase and its events.
    let mut ordered = IndexMap::new();
    for name in project.services.keys() {
        if let Some(list) = state.shift_remove(name) {
            ordered.insert(name.clone(), list);
        }
    }
    Ok(ordered)
}

/// Before a service is recreated, compose stops the running containers of the services that
/// depend on it with `restart: true` (`stopDependentContainers`); returns their IDs.
async fn stop_restarting_dependents(
    runner: &Runner<'_>,
    project: &Project,
    service: &str,
    observed: &IndexMap<String, Vec<Container>>,
    options: &UpOptions,
) -> OpsResult<Vec<String>> {
    let dependents: Vec<&Container> = project
        .services
        .values()
        .filter(|s| s.depends_on.get(service).is_some_and(|d| d.restart))
        .flat_map(|s| observed.get(&s.name).into_iter().flatten())
        .filter(|c| c.is_running())
        .collect();
    futures_util::future::try_join_all(dependents.iter().map(|c| async move {
        runner
            .stop(c, options.timeout, &Hooks::pre_stop(Some(project), c))
            .await
    }))
    .await?;
    Ok(dependents.iter().map(|c| c.id.clone()).collect())
}

/// Engine names of the named (non-anonymous) volumes a service mounts.
fn named_volumes(project: &Project, service: &Service) -> Vec<String> {
    use berth_model::compose::VolumeType;
    service
        .volumes
        .iter()
        .filter(|v| v.kind == Some(VolumeType::Volume))
        .filter_map(|v| v.source.as_deref())
        .filter(|s| !s.is_empty() && project.volumes.contains_key(*s))
        .map(|s| project.volume_name(s))
        .collect()
}

/// Executes one service's actions concurrently; returns its containers afterwards.
#[allow(clippy::too_many_arguments)]
async fn apply_actions(
    runner: &Runner<'_>,
    project: &Project,
    service: &Service,
    desired: &DesiredService,
    actions: Vec<ContainerAction>,
    first: &HashMap<String, String>,
    container_names: &IndexMap<String, Vec<String>>,
    options: &UpOptions,
) -> OpsResult<Vec<Container>> {
    let service_containers: IndexMap<String, String> =
        first.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let api_version = runner.engine.api_version();
    let spec_for = |number: u32,
                    name: String,
                    replace: Option<String>,
                    inherited: IndexMap<String, AnonymousVolume>| {
        let inputs = SpecInputs {
            project,
            service,
            number,
            name,
            config_hash: &desired.config_hash,
            image_id: &desired.image_id,
            replace,
            service_containers: &service_containers,
            service_container_names: container_names,
            inherited_volumes: &inherited,
            api_version,
            proxy_env: &options.proxy_env,
            api_socket_config: None,
        };
        let (spec, warnings) =
            container_spec(&inputs).map_err(|e| OpsError::message(e.to_string()))?;
        for w in warnings {
            runner.progress.warning(&w);
        }
        Ok::<_, OpsError>(spec)
    };
    let tasks = actions.into_iter().map(|action| {
        let spec_for = &spec_for;
        async move {
            match action {
                ContainerAction::Create { number } => {
                    let name = project.container_name(service, number);
                    let spec = spec_for(number, name.clone(), None, IndexMap::new())?;
                    let id = runner.create(&spec, &name).await?;
                    Ok::<_, OpsError>(Some(fresh(id, name, service, number, desired)))
                }
                ContainerAction::Recreate { container, .. } => {
                    let number = container.number.unwrap_or(1);
                    let name = project.container_name(service, number);
                    let replace = match &service.container_name {
                        Some(n) if !n.is_empty() => n.clone(),
                        _ => format!("{}{}{number}", service.name, project.separator.as_str()),
                    };
                    let short = &container.id[..container.id.len().min(12)];
                    // The list call already saw the old container's anonymous volumes.
                    let inherited = if options.inherit {
                        container.anonymous_volumes.clone()
                    } else {
                        IndexMap::new()
                    };
                    let spec =
                        spec_for(number, format!("{short}_{name}"), Some(replace), inherited)?;
                    let id = runner
                        .recreate(&container, &spec, &name, options.timeout)
                        .await?;
                    Ok(Some(fresh(id, name, service, number, desired)))
                }
                ContainerAction::Keep { container } => {
                    if container.state == State::Running {
                        runner
                            .progress
                            .event(status::running(&container_event(&container.name)));
                    }
                    Ok(Some(container))
                }
                ContainerAction::Restart { mut container } => {
                    runner.restart(&container).await?;
                    container.state = State::Running;
                    Ok(Some(container))
                }
                ContainerAction::Remove { container } => {
                    runner
                        .stop_and_remove(
                            &container,
                            options.timeout,
                            false,
                            &Hooks::pre_stop(Some(project), &container),
                        )
                        .await?;
                    Ok(None)
                }
            }
        }
    });
    let results = futures_util::future::try_join_all(tasks).await?;
    let mut containers: Vec<Container> = results.into_iter().flatten().collect();
    containers.sort_by_key(|c| c.number.unwrap_or(0));
    Ok(containers)
}

/// A container just created, as the start phase needs to know it.
fn fresh(
    id: String,
    name: String,
    service: &Service,
    number: u32,
    desired: &DesiredService,
) -> Container {
    Container {
        id,
        name,
        service: service.name.clone(),
        number: Some(number),
        oneoff: false,
        config_hash: desired.config_hash.clone(),
        image_label: desired.image_id.clone(),
        state: State::Created,
        networks: IndexMap::new(),
        volumes: Vec::new(),
        anonymous_volumes: IndexMap::new(),
        created: 0,
        labels: IndexMap::new(),
    }
}

/// Starts every service's stopped containers in dependency order, waiting for the
/// `depends_on` conditions first.
pub(crate) async fn start_services(
    runner: &Runner<'_>,
    project: &Project,
    containers: &ServiceContainers,
    timeout: Option<Duration>,
) -> OpsResult<()> {
    let graph = dependency_graph(project);
    walk(&graph, false, |name| async move {
        let service = &project.services[name];
        if service.scale() == 0 {
            return Ok(());
        }
        wait::wait_dependencies(runner, project, service, containers, timeout).await?;
        let list = containers.get(name).map(Vec::as_slice).unwrap_or_default();
        if list.is_empty() {
            return Err(OpsError::message(format!(
                "service {name:?} has no container to start"
            )));
        }
        for container in list
            .iter()
            .filter(|c| !c.is_running() && c.state != State::Paused)
        {
            let files = injected_files(project, service, None)
                .map_err(|e| OpsError::message(e.to_string()))?;
            let hooks = Hooks::post_start(Some(project), container);
            runner
                .start(&container.id, &container.name, &files, &hooks)
                .await?;
        }
        Ok(())
    })
    .await
}
