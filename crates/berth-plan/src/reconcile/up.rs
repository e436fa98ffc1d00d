//! `up`, `create` and `scale`: the plan that brings the engine to the file, in compose's
//! order (`create` then `start`): networks, volumes, orphans; every service converged
//! (missing replicas created, diverged ones recreated, surplus removed, the rest kept);
//! then the services started in dependency order after their `depends_on` conditions, and
//! with `--wait` a last wait for all of them.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use berth_model::compose::{Project, Service, VolumeType};
use berth_model::labels;
use bollard_stubs::models::{Ipam, IpamConfig, NetworkCreateRequest, VolumeCreateRequest};
use indexmap::IndexMap;

use super::explain::explain;
use super::{
    converge_service, orphans, plan_network, plan_volume, ContainerAction, DesiredService,
    Divergence, NetworkAction, PlanError, Recreate, VolumeAction,
};
use crate::convert::{container_spec, injected_files, SpecInputs};
use crate::graph::{Condition, Graph};
use crate::observed::{AnonymousVolume, Container, Observed, State};
use crate::plan::{
    placeholder, ContainerRef, Deferred, Operation, Phase, Plan, Report, StepId, Target, WaitFor,
    WaitPurpose, Word,
};

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
    /// Keys of the diverged volumes the user agreed to recreate (`-y`, or the prompt).
    pub recreate_volumes: Vec<String>,
    /// The negotiated engine API version: create calls are shaped by it.
    pub api_version: (usize, usize),
    /// Proxy variables from the docker CLI's config file, under every container's
    /// environment.
    pub proxy_env: IndexMap<String, String>,
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
            recreate_volumes: Vec::new(),
            api_version: (1, 41),
            proxy_env: IndexMap::new(),
        }
    }
}

/// The volumes whose configuration differs from the file's: compose asks before it
/// recreates them (data is lost), so the question comes before the plan.
pub fn diverged_volumes(project: &Project, observed: &Observed) -> Vec<String> {
    project
        .volumes
        .iter()
        .filter(|(key, volume)| {
            let found = observed.volumes.get(&project.volume_name(key));
            matches!(
                plan_volume(
                    &project.name,
                    &project.volume_name(key),
                    volume.external,
                    &volume.config_hash,
                    found
                ),
                Ok((VolumeAction::Diverged, _))
            )
        })
        .map(|(key, _)| key.clone())
        .collect()
}

/// The plan of `up`, and each service's containers once it ran (what attached `up`
/// attaches to).
#[derive(Debug, Clone)]
pub struct UpPlan {
    pub plan: Plan,
    pub containers: IndexMap<String, Vec<Target>>,
}

/// Plans `up` (or `create` with `no_start`).
pub fn reconcile_up(
    project: &Project,
    observed: &Observed,
    options: &UpOptions,
) -> Result<UpPlan, PlanError> {
    let mut planner = Planner {
        project,
        graph: Graph::of_project(project),
        observed,
        options,
        plan: Plan::default(),
        prepared: Vec::new(),
        networks: IndexMap::new(),
        removed: HashSet::new(),
        stopped: HashMap::new(),
        exited: HashSet::new(),
        containers: IndexMap::new(),
        converged: IndexMap::new(),
    };
    project.check_container_name_unicity()?;
    let images = image_ids(project, observed)?;
    planner.networks()?;
    planner.volumes()?;
    planner.orphans();
    planner.converge(&images)?;
    if !options.no_start {
        planner.start();
        if options.wait {
            planner.wait_for_project();
        }
    }
    let containers = planner
        .containers
        .into_iter()
        .map(|(service, list)| (service, list.into_iter().map(|p| p.target).collect()))
        .collect();
    Ok(UpPlan {
        plan: planner.plan,
        containers,
    })
}

/// Each service's image ID. A missing image is the engine's to refuse when the container
/// is created ("No such image"), as with compose; one the service would have built stops
/// `up` before anything is created, since berth cannot build images yet.
fn image_ids(project: &Project, observed: &Observed) -> Result<HashMap<String, String>, PlanError> {
    let mut ids = HashMap::new();
    for service in project.services.values() {
        let reference = service.image_name(project);
        match observed.image(&reference) {
            Some(image) => {
                ids.insert(service.name.clone(), image.id.clone());
            }
            None if service.build.is_some() && service.scale() != 0 => {
                return Err(PlanError::NeedsBuild {
                    service: service.name.clone(),
                    image: reference,
                })
            }
            None => {
                ids.insert(service.name.clone(), String::new());
            }
        }
    }
    Ok(ids)
}

/// A network as converged containers need it: its ID, or the step that creates it.
#[derive(Debug, Clone)]
enum NetworkState {
    Known(String),
    /// Created by this plan: no container is on it yet.
    Created,
}

/// A container once its service converged.
#[derive(Debug, Clone)]
struct Planned {
    target: Target,
    state: State,
}

struct Planner<'a> {
    project: &'a Project,
    /// The services' `depends_on`, every ordering's source.
    graph: Graph,
    observed: &'a Observed,
    options: &'a UpOptions,
    plan: Plan,
    /// What converging containers waits for: compose creates networks and volumes and
    /// handles orphans first.
    prepared: Vec<StepId>,
    networks: IndexMap<String, NetworkState>,
    /// Observed containers gone before convergence (their volume was recreated).
    removed: HashSet<String>,
    /// Observed containers stopped on the way (their network was recreated, or a
    /// dependency declared with `restart: true` is recreated), with the stopping step.
    stopped: HashMap<String, StepId>,
    /// Those of them that count as exited when their own service converges (the stopped
    /// dependents, which the start phase starts again).
    exited: HashSet<String>,
    containers: IndexMap<String, Vec<Planned>>,
    /// The last steps of each service's convergence.
    converged: IndexMap<String, Vec<StepId>>,
}

fn container_subject(name: &str) -> String {
    format!("Container {name}")
}

fn target(c: &Container) -> Target {
    Target {
        container: ContainerRef::Existing(c.id.clone()),
        name: c.name.clone(),
    }
}

impl Planner<'_> {
    /// Adds the steps that stop `container` (its `pre_stop` hooks, then the stop), after
    /// `after`; returns the last one.
    fn stop(
        &mut self,
        container: &Container,
        how: StopHow,
        reason: &str,
        after: Vec<StepId>,
    ) -> StepId {
        stop_steps(
            &mut self.plan,
            self.project,
            container,
            how,
            Phase::Create,
            reason,
            after,
        )
    }

    fn networks(&mut self) -> Result<(), PlanError> {
        let project = self.project;
        for (key, network) in &project.networks {
            let name = project.network_name(key);
            let found = self.observed.networks.get(&name);
            let decision = plan_network(
                &project.name,
                key,
                &name,
                network.external,
                &network.config_hash,
                found,
            );
            let (action, warning) = decision?;
            self.plan.warnings.extend(warning);
            let state = match action {
                NetworkAction::Use { id } | NetworkAction::External { id } => {
                    NetworkState::Known(id)
                }
                NetworkAction::Create => {
                    let reason = format!("network {name} missing");
                    self.create_network(key, &name, reason, Vec::new());
                    NetworkState::Created
                }
                NetworkAction::Recreate { id } => {
                    let reason = format!("network {name}'s configuration changed");
                    let attached: Vec<Container> = self
                        .observed
                        .containers
                        .iter()
                        .filter(|c| c.networks.values().any(|n| *n == id))
                        .cloned()
                        .collect();
                    let mut stops = Vec::new();
                    for c in &attached {
                        let step = self.stop(
                            c,
                            StopHow {
                                timeout: None,
                                removing: false,
                                hooks: true,
                            },
                            &reason,
                            vec![],
                        );
                        self.stopped.insert(c.id.clone(), step);
                        stops.push(step);
                    }
                    let mut disconnects = Vec::new();
                    for c in &attached {
                        disconnects.push(self.plan.add(
                            Operation::DisconnectNetwork {
                                network: id.clone(),
                                container: target(c),
                            },
                            reason.clone(),
                            stops.clone(),
                            Phase::Create,
                            Report::silent(),
                        ));
                    }
                    let removed = self.plan.add(
                        Operation::RemoveNetwork {
                            name: name.clone(),
                            id: id.clone(),
                            if_unused: false,
                        },
                        reason.clone(),
                        [stops, disconnects].concat(),
                        Phase::Create,
                        Report::new(format!("Network {name}"), None, Some(Word::Removed)),
                    );
                    self.create_network(key, &name, reason, vec![removed]);
                    NetworkState::Created
                }
            };
            self.networks.insert(key.clone(), state);
        }
        Ok(())
    }

    /// The creation of network `key` (engine name `name`), which converging waits for.
    fn create_network(&mut self, key: &str, name: &str, reason: String, after: Vec<StepId>) {
        let step = self.plan.add(
            Operation::CreateNetwork {
                name: name.to_string(),
                request: network_request(self.project, key),
            },
            reason,
            after,
            Phase::Create,
            Report::new(
                format!("Network {name}"),
                Some(Word::Creating),
                Some(Word::Created),
            ),
        );
        self.prepared.push(step);
    }

    fn volumes(&mut self) -> Result<(), PlanError> {
        let project = self.project;
        for (key, volume) in &project.volumes {
            let name = project.volume_name(key);
            let (action, warning) = plan_volume(
                &project.name,
                &name,
                volume.external,
                &volume.config_hash,
                self.observed.volumes.get(&name),
            )?;
            self.plan.warnings.extend(warning);
            let mut after = Vec::new();
            let reason = match action {
                VolumeAction::Use | VolumeAction::External => continue,
                VolumeAction::Diverged if !self.options.recreate_volumes.contains(key) => continue,
                VolumeAction::Diverged => {
                    let reason = format!("volume {name}'s configuration changed (recreate agreed)");
                    after = self.remove_mounting(key, &reason);
                    after.push(self.plan.add(
                        Operation::RemoveVolume { name: name.clone() },
                        reason.clone(),
                        after.clone(),
                        Phase::Create,
                        Report::silent(),
                    ));
                    reason
                }
                VolumeAction::Create => format!("volume {name} missing"),
            };
            let step = self.plan.add(
                Operation::CreateVolume {
                    name: name.clone(),
                    request: volume_request(project, key),
                },
                reason,
                after,
                Phase::Create,
                Report::new(
                    format!("Volume {name}"),
                    Some(Word::Creating),
                    Some(Word::Created),
                ),
            );
            self.prepared.push(step);
        }
        Ok(())
    }

    /// Stops and removes the containers of every service that mounts volume `key`
    /// (compose's `removeDivergedVolume`): all stopped first, then all removed.
    fn remove_mounting(&mut self, key: &str, reason: &str) -> Vec<StepId> {
        let mounting: Vec<&str> = self
            .project
            .services
            .values()
            .filter(|s| s.volumes.iter().any(|v| v.source.as_deref() == Some(key)))
            .map(|s| s.name.as_str())
            .collect();
        let gone: Vec<Container> = self
            .observed
            .containers
            .iter()
            .filter(|c| !c.oneoff && mounting.contains(&c.service.as_str()))
            .filter(|c| !self.removed.contains(&c.id))
            .cloned()
            .collect();
        let stops: Vec<StepId> = gone
            .iter()
            .map(|c| {
                self.stop(
                    c,
                    StopHow {
                        timeout: None,
                        removing: false,
                        hooks: true,
                    },
                    reason,
                    vec![],
                )
            })
            .collect();
        let mut removes = Vec::new();
        for c in &gone {
            removes.push(self.plan.add(
                Operation::RemoveContainer {
                    container: target(c),
                    force: true,
                    volumes: false,
                    missing_ok: true,
                },
                reason.to_string(),
                stops.clone(),
                Phase::Create,
                Report::new(
                    container_subject(&c.name),
                    Some(Word::Removing),
                    Some(Word::Removed),
                ),
            ));
            self.removed.insert(c.id.clone());
        }
        removes
    }

    fn orphans(&mut self) {
        let project = self.project;
        let known: Vec<&str> = project
            .services
            .keys()
            .chain(project.disabled.keys())
            .map(String::as_str)
            .collect();
        let found: Vec<Container> = orphans(&self.observed.containers, &known)
            .into_iter()
            .filter(|c| !self.removed.contains(&c.id))
            .cloned()
            .collect();
        if found.is_empty() || self.options.ignore_orphans {
            return;
        }
        if !self.options.remove_orphans {
            let names: Vec<&str> = found.iter().map(|c| c.name.as_str()).collect();
            self.plan.warnings.push(format!(
                "Found orphan containers ([{}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
                names.join(" ")
            ));
            return;
        }
        let after = self.prepared.clone();
        for c in &found {
            let reason = format!("orphan: service {} is not in the file", c.service);
            let stop = self.stop(
                c,
                StopHow {
                    timeout: self.options.timeout,
                    removing: true,
                    hooks: false,
                },
                &reason,
                after.clone(),
            );
            let removed = remove_step(&mut self.plan, c, false, Phase::Create, &reason, stop);
            self.removed.insert(c.id.clone());
            self.prepared.push(removed);
        }
    }

    /// The ID of each service's first container (compose's `sorted()[0]`, by name), or a
    /// placeholder for the step that creates it: what `service:x` references resolve to.
    /// Services outside the plan (`--no-deps`) count with the containers the engine has.
    fn first_containers(&self) -> FirstContainers {
        let mut out = IndexMap::new();
        for (service, list) in &self.containers {
            if let Some(first) = list.iter().min_by(|a, b| a.target.name.cmp(&b.target.name)) {
                let entry = match &first.target.container {
                    ContainerRef::Existing(id) => (id.clone(), None),
                    ContainerRef::Created(step) => (placeholder(*step), Some(*step)),
                };
                out.insert(service.clone(), entry);
            }
        }
        for service in self.project.disabled.keys() {
            let mut list: Vec<&Container> = self
                .observed
                .service_containers(service)
                .into_iter()
                .filter(|c| !self.removed.contains(&c.id))
                .collect();
            list.sort_by(|a, b| a.name.cmp(&b.name));
            if let Some(first) = list.first() {
                out.insert(service.clone(), (first.id.clone(), None));
            }
        }
        out
    }

    fn converge(&mut self, images: &HashMap<String, String>) -> Result<(), PlanError> {
        let project = self.project;
        let graph = Graph::from_pairs(
            project
                .services
                .values()
                .map(|s| (s.name.clone(), self.create_prerequisites(s))),
        );
        for name in graph.order(false) {
            let service = &project.services[name];
            let first = self.first_containers();
            let References {
                deferred,
                known,
                config_hash,
            } = references(service, &first)?;
            let scale = u32::try_from(service.scale().max(0)).unwrap_or(0);
            if scale > 1
                && service
                    .container_name
                    .as_deref()
                    .is_some_and(|n| !n.is_empty())
            {
                return Err(PlanError::ScaleWithContainerName(service.name.clone()));
            }
            let named =
                self.options.services.is_empty() || self.options.services.iter().any(|n| n == name);
            let network_ids: Vec<String> = service
                .networks
                .keys()
                .map(|k| match self.networks.get(k) {
                    Some(NetworkState::Known(id)) => id.clone(),
                    // A network created by this plan has no container on it yet.
                    Some(NetworkState::Created) | None => format!("<network {k} to create>"),
                })
                .collect();
            let desired = DesiredService {
                name: name.to_string(),
                scale,
                config_hash,
                image_id: images.get(name).cloned().unwrap_or_default(),
                network_ids,
                volumes: named_volumes(project, service),
                policy: if named {
                    self.options.recreate
                } else {
                    self.options.recreate_dependencies
                },
            };
            let mut existing: Vec<Container> = self
                .observed
                .service_containers(name)
                .into_iter()
                .filter(|c| !self.removed.contains(&c.id))
                .cloned()
                .collect();
            for c in existing.iter_mut() {
                if self.exited.contains(&c.id) {
                    c.state = State::Exited;
                }
            }
            let actions = converge_service(&desired, &existing);
            let mut recreating = actions
                .iter()
                .any(|a| matches!(a, ContainerAction::Recreate { .. }));
            let actions: Vec<ContainerAction> = actions
                .into_iter()
                .map(|a| match a {
                    // A referenced container is created anew: its ID changes, so does the
                    // hash of a container that names it.
                    ContainerAction::Keep { container }
                        if !deferred.is_empty() && desired.policy != Recreate::Never =>
                    {
                        recreating = true;
                        ContainerAction::Recreate {
                            container,
                            reason: Divergence::ConfigHash,
                        }
                    }
                    other => other,
                })
                .collect();
            let mut after: Vec<StepId> = self.prepared.clone();
            for dep in self.create_prerequisites(service) {
                after.extend(self.converged.get(&dep).into_iter().flatten().copied());
            }
            if recreating {
                after.extend(self.stop_restarting_dependents(name));
            }
            let deferred = (!deferred.is_empty()).then(|| Deferred {
                services: deferred,
                known,
                hash: service.config_hash.clone(),
            });
            self.apply_actions(service, &desired, actions, &first, deferred, after)?;
        }
        Ok(())
    }

    /// The flag that forces `service`'s containers to be recreated.
    fn forced_by(&self, service: &str) -> &'static str {
        let options = self.options;
        let named = options.services.is_empty() || options.services.iter().any(|s| s == service);
        match (named, options.inherit) {
            (true, false) => "-V: anonymous volumes renewed",
            (true, true) => "--force-recreate",
            (false, _) => "--always-recreate-deps",
        }
    }

    /// The services whose containers must exist before this service's are created: those
    /// it shares a namespace or volumes with, and those it links to. Dependencies declared
    /// with `restart: true` converge first too, since recreating them stops this service.
    fn create_prerequisites(&self, service: &Service) -> Vec<String> {
        let mut deps: Vec<String> = self
            .graph
            .dependencies(&service.name)
            .filter(|(_, d)| d.restart)
            .map(|(name, _)| name.to_string())
            .collect();
        deps.extend(service.container_references());
        for link in &service.links {
            deps.push(link.split(':').next().unwrap_or_default().to_string());
        }
        deps
    }

    /// Before a service is recreated, compose stops the running containers of the services
    /// that depend on it with `restart: true` (`stopDependentContainers`); they are started
    /// again by the start phase.
    fn stop_restarting_dependents(&mut self, service: &str) -> Vec<StepId> {
        let dependents: Vec<Container> = self
            .graph
            .dependents(service)
            .into_iter()
            .filter(|(_, d)| d.restart)
            .flat_map(|(s, _)| self.observed.service_containers(s))
            .filter(|c| c.is_running() && !self.removed.contains(&c.id))
            .filter(|c| !self.stopped.contains_key(&c.id))
            .cloned()
            .collect();
        let reason =
            format!("{service} is recreated and this container depends on it with restart: true");
        let mut steps = Vec::new();
        for c in &dependents {
            let step = self.stop(
                c,
                StopHow {
                    timeout: self.options.timeout,
                    removing: false,
                    hooks: true,
                },
                &reason,
                self.prepared.clone(),
            );
            self.stopped.insert(c.id.clone(), step);
            self.exited.insert(c.id.clone());
            steps.push(step);
        }
        steps
    }

    fn apply_actions(
        &mut self,
        service: &Service,
        desired: &DesiredService,
        actions: Vec<ContainerAction>,
        first: &IndexMap<String, (String, Option<StepId>)>,
        deferred: Option<Deferred>,
        after: Vec<StepId>,
    ) -> Result<(), PlanError> {
        let project = self.project;
        let service_containers: IndexMap<String, String> = first
            .iter()
            .map(|(s, (id, _))| (s.clone(), id.clone()))
            .collect();
        let container_names: IndexMap<String, Vec<String>> = self
            .containers
            .iter()
            .map(|(s, list)| {
                (
                    s.clone(),
                    list.iter().map(|c| c.target.name.clone()).collect(),
                )
            })
            .collect();
        let reference_steps: Vec<StepId> = deferred
            .iter()
            .flat_map(|d| d.services.iter().map(|(_, s)| *s))
            .collect();
        let options = self.options;
        let spec_for = |number: u32,
                        name: String,
                        replace: Option<String>,
                        inherited: IndexMap<String, AnonymousVolume>|
         -> Result<_, PlanError> {
            let inputs = SpecInputs {
                project,
                service,
                number,
                name,
                config_hash: &desired.config_hash,
                image_id: &desired.image_id,
                replace,
                service_containers: &service_containers,
                service_container_names: &container_names,
                inherited_volumes: &inherited,
                api_version: options.api_version,
                proxy_env: &options.proxy_env,
                api_socket_config: None,
                files: &self.observed.files,
            };
            Ok(container_spec(&inputs)?)
        };
        let mut planned = Vec::new();
        let mut last = Vec::new();
        for action in actions {
            match action {
                ContainerAction::Create { number } => {
                    let name = project.container_name(service, number);
                    let (spec, warnings) = spec_for(number, name.clone(), None, IndexMap::new())?;
                    self.plan.warnings.extend(warnings);
                    let reason = format!(
                        "service {}: replica {number} of {} missing",
                        service.name, desired.scale
                    );
                    let after = [after.clone(), reference_steps.clone()].concat();
                    let (created, done) = self.create_steps(
                        spec,
                        deferred.clone(),
                        &reason,
                        after,
                        Report::new(container_subject(&name), Some(Word::Creating), None),
                        Word::Created,
                        &name,
                    );
                    last.push(done);
                    planned.push(Planned {
                        target: Target {
                            container: ContainerRef::Created(created),
                            name,
                        },
                        state: State::Created,
                    });
                }
                ContainerAction::Recreate { container, reason } => {
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
                    let (spec, warnings) =
                        spec_for(number, format!("{short}_{name}"), Some(replace), inherited)?;
                    self.plan.warnings.extend(warnings);
                    let why = match reason {
                        Divergence::Forced => self.forced_by(&service.name).to_string(),
                        _ => explain(
                            project,
                            self.observed,
                            service,
                            &container,
                            reason,
                            &spec,
                            deferred.as_ref(),
                        ),
                    };
                    let subject = container_subject(&container.name);
                    let mut before = [after.clone(), reference_steps.clone()].concat();
                    before.extend(self.stopped.get(&container.id).copied());
                    let (created, connected) = self.create_steps(
                        spec,
                        deferred.clone(),
                        &why,
                        before,
                        Report::new(subject.clone(), Some(Word::Recreate), None),
                        Word::Recreated,
                        &name,
                    );
                    // The connects reported nothing: the recreate ends at the rename.
                    let stop = self.plan.add(
                        Operation::StopContainer {
                            container: target(&container),
                            timeout: options.timeout,
                            removing: false,
                        },
                        why.clone(),
                        vec![connected],
                        Phase::Create,
                        Report::silent(),
                    );
                    let removed = self.plan.add(
                        Operation::RemoveContainer {
                            container: target(&container),
                            force: false,
                            volumes: false,
                            missing_ok: false,
                        },
                        why.clone(),
                        vec![stop],
                        Phase::Create,
                        Report::silent(),
                    );
                    let renamed = self.plan.add(
                        Operation::RenameContainer {
                            container: Target {
                                container: ContainerRef::Created(created),
                                name: format!("{short}_{name}"),
                            },
                            to: name.clone(),
                        },
                        why,
                        vec![removed],
                        Phase::Create,
                        Report::new(subject, None, Some(Word::Recreated)),
                    );
                    last.push(renamed);
                    planned.push(Planned {
                        target: Target {
                            container: ContainerRef::Created(created),
                            name,
                        },
                        state: State::Created,
                    });
                }
                ContainerAction::Keep { container } => {
                    let state = container.state;
                    let mut ready = after.clone();
                    ready.extend(self.stopped.get(&container.id).copied());
                    let word = (state == State::Running).then_some(Word::Running);
                    let kept = self.plan.add(
                        Operation::Keep {
                            container: target(&container),
                        },
                        "up to date",
                        ready.clone(),
                        Phase::Create,
                        Report::new(container_subject(&container.name), None, word),
                    );
                    last.push(kept);
                    planned.push(Planned {
                        target: target(&container),
                        state,
                    });
                }
                ContainerAction::Restart { container } => {
                    let step = self.plan.add(
                        Operation::StartContainer {
                            container: target(&container),
                        },
                        format!("up to date but {}", container.state.as_str()),
                        after.clone(),
                        Phase::Create,
                        Report::new(
                            container_subject(&container.name),
                            Some(Word::Restart),
                            Some(Word::Restarted),
                        ),
                    );
                    last.push(step);
                    planned.push(Planned {
                        target: target(&container),
                        state: State::Running,
                    });
                }
                ContainerAction::Remove { container } => {
                    let reason = format!(
                        "service {} scaled to {}: surplus replica",
                        service.name, desired.scale
                    );
                    let stop = self.stop(
                        &container,
                        StopHow {
                            timeout: options.timeout,
                            removing: true,
                            hooks: true,
                        },
                        &reason,
                        after.clone(),
                    );
                    last.push(remove_step(
                        &mut self.plan,
                        &container,
                        false,
                        Phase::Create,
                        &reason,
                        stop,
                    ));
                }
            }
        }
        planned.sort_by_key(|p| container_number(&p.target.name));
        self.containers.insert(service.name.clone(), planned);
        self.converged.insert(service.name.clone(), last);
        Ok(())
    }

    /// The create call and the network connects that follow it (API < 1.44); returns the
    /// create step and the last step. The last one says `end`.
    #[allow(clippy::too_many_arguments)]
    fn create_steps(
        &mut self,
        mut spec: crate::convert::ContainerSpec,
        deferred: Option<Deferred>,
        reason: &str,
        after: Vec<StepId>,
        mut report: Report,
        end: Word,
        name: &str,
    ) -> (StepId, StepId) {
        let connect = std::mem::take(&mut spec.connect);
        if connect.is_empty() {
            report.end = Some(end).filter(|w| *w == Word::Created);
        }
        let subject = report.subject.clone();
        let created = self.plan.add(
            Operation::CreateContainer {
                spec: Box::new(spec),
                deferred: deferred.map(Box::new),
            },
            reason,
            after,
            Phase::Create,
            report,
        );
        let mut last = created;
        let count = connect.len();
        for (i, (network, endpoint)) in connect.into_iter().enumerate() {
            let end = (i + 1 == count && end == Word::Created).then_some(end);
            last = self.plan.add(
                Operation::ConnectNetwork {
                    network,
                    container: Target {
                        container: ContainerRef::Created(created),
                        name: name.to_string(),
                    },
                    endpoint: Box::new(endpoint),
                },
                reason,
                vec![last],
                Phase::Create,
                Report::new(subject.clone(), None, end),
            );
        }
        (created, last)
    }

    /// Starts every service's stopped containers in dependency order, waiting for the
    /// `depends_on` conditions first (compose's `start`).
    fn start(&mut self) {
        let project = self.project;
        let graph = self.graph.clone();
        let mut started: IndexMap<String, Vec<StepId>> = IndexMap::new();
        for name in graph.order(false) {
            let service = &project.services[name];
            if service.scale() == 0 {
                started.insert(name.to_string(), Vec::new());
                continue;
            }
            let mut after = Vec::new();
            for (dep, _) in graph.dependencies(name) {
                after.extend(started.get(dep).into_iter().flatten().copied());
            }
            let mut targets = Vec::new();
            for (dep, config) in graph.dependencies(name) {
                // `service_started` needs no wait: the order is enough. Disabled
                // (`--no-deps`, profiles) or without replicas: not waited for.
                let Some(condition) = config.condition else {
                    continue;
                };
                if !graph.waits_for(dep) {
                    continue;
                }
                let list: Vec<Target> = self
                    .containers
                    .get(dep)
                    .into_iter()
                    .flatten()
                    .map(|p| p.target.clone())
                    .collect();
                if list.is_empty() {
                    let missing = PlanError::MissingDependency {
                        service: service.name.clone(),
                        dependency: dep.to_string(),
                    };
                    if config.required {
                        after = vec![self.refuse(missing, after)];
                    } else {
                        self.plan.warnings.push(missing.to_string());
                    }
                    continue;
                }
                targets.push(WaitFor {
                    service: dep.to_string(),
                    containers: list,
                    condition,
                    required: config.required,
                });
            }
            if !targets.is_empty() {
                let wait = self.plan.add(
                    Operation::Wait {
                        targets,
                        timeout: self.options.wait_timeout,
                        purpose: WaitPurpose::Dependencies,
                    },
                    format!("before {name} starts"),
                    after.clone(),
                    Phase::Start,
                    Report::silent(),
                );
                after = vec![wait];
            }
            let list = self.containers.get(name).cloned().unwrap_or_default();
            if list.is_empty() {
                let step = self.refuse(PlanError::NothingToStart(name.to_string()), after);
                started.insert(name.to_string(), vec![step]);
                continue;
            }
            for planned in list
                .iter()
                .filter(|p| !matches!(p.state, State::Running | State::Restarting | State::Paused))
            {
                // Secrets and configs given inline are copied in before each start.
                let mut before = after.clone();
                match injected_files(project, service, None) {
                    Ok(files) => {
                        for file in files {
                            before = vec![self.plan.add(
                                Operation::CopyFile {
                                    container: planned.target.clone(),
                                    file,
                                },
                                format!("{} is given inline", "secret or config"),
                                before,
                                Phase::Start,
                                Report::silent(),
                            )];
                        }
                    }
                    Err(e) => before = vec![self.refuse(e.into(), before)],
                }
                let step = start_steps(
                    &mut self.plan,
                    service,
                    &planned.target,
                    &log_source(project, &planned.target.name),
                    "not running",
                    before,
                );
                // compose starts a service's containers one after the other.
                after = vec![step];
            }
            started.insert(name.to_string(), after);
        }
    }

    fn refuse(&mut self, error: PlanError, after: Vec<StepId>) -> StepId {
        self.plan.add(
            Operation::Refuse { error },
            String::new(),
            after,
            Phase::Start,
            Report::silent(),
        )
    }

    /// `up --wait`: every service running or healthy (or completed, for those others wait
    /// on to complete).
    fn wait_for_project(&mut self) {
        let project = self.project;
        let mut targets = Vec::new();
        for name in project.services.keys() {
            let completed = self
                .graph
                .dependents(name)
                .iter()
                .any(|(_, d)| d.condition == Some(Condition::CompletedSuccessfully));
            let condition = if completed {
                Condition::CompletedSuccessfully
            } else {
                Condition::RunningOrHealthy
            };
            let list: Vec<Target> = self
                .containers
                .get(name)
                .into_iter()
                .flatten()
                .map(|p| p.target.clone())
                .collect();
            if list.is_empty() {
                continue;
            }
            targets.push(WaitFor {
                service: name.clone(),
                containers: list,
                condition,
                required: true,
            });
        }
        if targets.is_empty() {
            return;
        }
        self.plan.add(
            Operation::Wait {
                targets,
                timeout: self.options.wait_timeout,
                purpose: WaitPurpose::Application,
            },
            "--wait",
            Vec::new(),
            Phase::Wait,
            Report::silent(),
        );
    }
}

/// How a container is stopped.
pub(crate) struct StopHow {
    pub timeout: Option<i32>,
    /// The stop of a removal (a container already gone counts as removed).
    pub removing: bool,
    /// Whether its `pre_stop` hooks run first.
    pub hooks: bool,
}

/// The steps that stop `container`: its `pre_stop` hooks (the first says `Stopping`), then
/// the stop (`Stopped`); returns the stop.
pub(crate) fn stop_steps(
    plan: &mut Plan,
    project: &Project,
    container: &Container,
    how: StopHow,
    phase: Phase,
    reason: &str,
    after: Vec<StepId>,
) -> StepId {
    let subject = container_subject(&container.name);
    let hooks = if how.hooks {
        project
            .services
            .get(&container.service)
            .map(|s| s.pre_stop.clone())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut after = after;
    let mut begin = Some(Word::Stopping);
    for hook in hooks {
        let service = &project.services[&container.service];
        after = vec![plan.add(
            Operation::RunHook {
                container: target(container),
                hook,
                service: service.name.clone(),
                tty: service.tty,
                source: format!("{} ->", log_source(project, &container.name)),
                before_stop: true,
            },
            format!("pre_stop hook of {}", service.name),
            after,
            phase,
            Report::new(subject.clone(), begin.take(), None),
        )];
    }
    plan.add(
        Operation::StopContainer {
            container: target(container),
            timeout: how.timeout,
            removing: how.removing,
        },
        reason,
        after,
        phase,
        Report::new(subject, begin, Some(Word::Stopped)),
    )
}

/// The removal of a stopped `container`, after `stop`.
pub(crate) fn remove_step(
    plan: &mut Plan,
    container: &Container,
    volumes: bool,
    phase: Phase,
    reason: &str,
    stop: StepId,
) -> StepId {
    plan.add(
        Operation::RemoveContainer {
            container: target(container),
            force: true,
            volumes,
            missing_ok: true,
        },
        reason,
        vec![stop],
        phase,
        Report::new(
            container_subject(&container.name),
            Some(Word::Removing),
            Some(Word::Removed),
        ),
    )
}

/// The steps that start a container: the start (`Starting`), then its `post_start` hooks
/// (the last says `Started`); returns the last.
pub(crate) fn start_steps(
    plan: &mut Plan,
    service: &Service,
    container: &Target,
    source: &str,
    reason: &str,
    after: Vec<StepId>,
) -> StepId {
    let subject = container_subject(&container.name);
    let hooks = service.post_start.clone();
    let count = hooks.len();
    let mut last = plan.add(
        Operation::StartContainer {
            container: container.clone(),
        },
        reason,
        after,
        Phase::Start,
        Report::new(
            subject.clone(),
            Some(Word::Starting),
            (count == 0).then_some(Word::Started),
        ),
    );
    for (i, hook) in hooks.into_iter().enumerate() {
        last = plan.add(
            Operation::RunHook {
                container: container.clone(),
                hook,
                service: service.name.clone(),
                tty: service.tty,
                source: format!("{source} ->"),
                before_stop: false,
            },
            format!("post_start hook of {}", service.name),
            vec![last],
            Phase::Start,
            Report::new(
                subject.clone(),
                None,
                (i + 1 == count).then_some(Word::Started),
            ),
        );
    }
    last
}

/// The name compose shows for a container in logs: without the `<project><sep>` prefix.
pub fn log_source(project: &Project, name: &str) -> String {
    let prefix = format!("{}{}", project.name, project.separator.as_str());
    name.strip_prefix(&prefix).unwrap_or(name).to_string()
}

/// The number at the end of a container name (`p-web-3` → 3), for ordering.
fn container_number(name: &str) -> u32 {
    name.rsplit(['-', '_'])
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Engine names of the named (non-anonymous) volumes a service mounts.
fn named_volumes(project: &Project, service: &Service) -> Vec<String> {
    service
        .volumes
        .iter()
        .filter(|v| v.kind == Some(VolumeType::Volume))
        .filter_map(|v| v.source.as_deref())
        .filter(|s| !s.is_empty() && project.volumes.contains_key(*s))
        .map(|s| project.volume_name(s))
        .collect()
}

/// The create call of network `key` (compose's `ensureNetwork`).
fn network_request(project: &Project, key: &str) -> NetworkCreateRequest {
    let network = &project.networks[key];
    let mut net_labels: HashMap<String, String> = network.labels.clone().into_iter().collect();
    net_labels.extend(project.project_labels());
    net_labels.insert(labels::NETWORK.into(), key.to_string());
    net_labels.insert(labels::CONFIG_HASH.into(), network.config_hash.clone());
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
    NetworkCreateRequest {
        name: project.network_name(key),
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
    }
}

/// The create call of volume `key` (compose's `ensureVolume`).
fn volume_request(project: &Project, key: &str) -> VolumeCreateRequest {
    let volume = &project.volumes[key];
    let mut vol_labels: HashMap<String, String> = volume.labels.clone().into_iter().collect();
    vol_labels.extend(project.project_labels());
    vol_labels.insert(labels::VOLUME.into(), key.to_string());
    vol_labels.insert(labels::CONFIG_HASH.into(), volume.config_hash.clone());
    VolumeCreateRequest {
        name: Some(project.volume_name(key)),
        driver: volume.driver.clone(),
        driver_opts: (!volume.driver_opts.is_empty())
            .then(|| volume.driver_opts.clone().into_iter().collect()),
        labels: Some(vol_labels),
        ..Default::default()
    }
}

/// Each service's first container (its ID, or a placeholder and the step that creates it):
/// what a reference to the service (`network_mode: service:`, `volumes_from`) resolves to.
pub(crate) type FirstContainers = IndexMap<String, (String, Option<StepId>)>;

/// A service's references split into containers this plan creates (`deferred`) and ones
/// that exist (`known`), and its config hash, which is known only when none is deferred.
pub(crate) struct References {
    pub deferred: Vec<(String, StepId)>,
    pub known: Vec<(String, String)>,
    pub config_hash: String,
}

pub(crate) fn references(
    service: &Service,
    first: &FirstContainers,
) -> Result<References, PlanError> {
    let mut deferred = Vec::new();
    let mut known = Vec::new();
    for s in service.container_references() {
        match first.get(&s) {
            Some((_, Some(step))) => deferred.push((s, *step)),
            Some((id, None)) => known.push((s, id.clone())),
            None => {}
        }
    }
    let config_hash = if deferred.is_empty() {
        service
            .config_hash
            .resolve(&|s| first.get(s).map(|(id, _)| id.clone()))
            .map_err(PlanError::Unmarshallable)?
    } else {
        // Known once the referenced containers exist: the existing ones diverge.
        "<config hash>".to_string()
    };
    Ok(References {
        deferred,
        known,
        config_hash,
    })
}
