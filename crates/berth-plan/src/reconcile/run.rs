//! `run`: a one-off container of one service (compose's `RunOneOffContainer`). Its
//! dependencies are brought up first by the plan `up` makes for the project without that
//! service (compose's `startDependencies`: `Create` then `Start`); then, in the last phase,
//! a wait for the service's own `depends_on` conditions, the one-off container's creation
//! (named and labelled as compose names them: `oneoff=True`, a slug, no number), the files
//! copied into it, and its start. None of the last phase is shown in the progress display,
//! as compose shows none of it.

use berth_model::compose::Project;
use berth_model::labels;
use indexmap::IndexMap;

use super::up::{reconcile_up, references, FirstContainers, References, UpOptions};
use super::PlanError;
use crate::convert::{container_spec, injected_files, ContainerSpec, SpecInputs};
use crate::graph::Graph;
use crate::observed::{Container, Observed};
use crate::plan::{
    placeholder, ContainerRef, Deferred, Operation, Phase, Plan, Report, StepId, Target, WaitFor,
    WaitPurpose,
};

/// `run`'s options, as the command line resolved them. The service itself already carries
/// the flags that change it (command, TTY, name…: `berth_loader::run`).
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub service: String,
    /// How the dependencies are brought up (as compose's `Create` with default options).
    pub up: UpOptions,
    /// `--no-deps`: the service's `depends_on` conditions are not waited for.
    pub no_deps: bool,
    /// `--rm`: the engine removes the container once it exits.
    pub auto_remove: bool,
    /// `-i`: the container's stdin is attached (and closed once the input ends).
    pub interactive: bool,
    /// `--use-aliases`: the service's network aliases, not only the container's name.
    pub use_aliases: bool,
    /// The container's `com.docker.compose.slug` (its name ends with the first 12 of it).
    pub slug: String,
    /// Whether berth's standard input is a terminal: a TTY with stdin attached needs one.
    pub stdin_is_terminal: bool,
}

/// The plan of `run`, the one-off container it creates, and the step that starts it (an
/// attached run attaches before that step).
#[derive(Debug, Clone)]
pub struct RunPlan {
    pub plan: Plan,
    pub container: Target,
    pub start: StepId,
}

/// Plans `run` of `options.service`.
pub fn reconcile_run(
    project: &Project,
    observed: &Observed,
    options: &RunOptions,
) -> Result<RunPlan, PlanError> {
    let service = project
        .services
        .get(&options.service)
        .ok_or_else(|| PlanError::NoSuchService(options.service.clone()))?;
    if let Some(built) = needs_build(project, observed, &options.service) {
        return Err(built);
    }
    let mut dependencies = project.clone();
    if let Some((name, disabled)) = dependencies.services.shift_remove_entry(&options.service) {
        dependencies.disabled.insert(name, disabled);
    }
    let up = reconcile_up(&dependencies, observed, &options.up)?;
    let mut plan = up.plan;

    // Each service's first container (by name): created by the plan, or on the engine.
    let mut first = FirstContainers::new();
    let mut names: IndexMap<String, Vec<String>> = IndexMap::new();
    for (name, list) in &up.containers {
        names.insert(name.clone(), list.iter().map(|t| t.name.clone()).collect());
        if let Some(target) = list.iter().min_by(|a, b| a.name.cmp(&b.name)) {
            let entry = match &target.container {
                ContainerRef::Existing(id) => (id.clone(), None),
                ContainerRef::Created(step) => (placeholder(*step), Some(*step)),
            };
            first.insert(name.clone(), entry);
        }
    }
    for name in dependencies.disabled.keys() {
        let mut list: Vec<&Container> = observed.service_containers(name);
        list.sort_by(|a, b| a.name.cmp(&b.name));
        names
            .entry(name.clone())
            .or_insert_with(|| list.iter().map(|c| c.name.clone()).collect());
        if let Some(c) = list.first() {
            first.entry(name.clone()).or_insert((c.id.clone(), None));
        }
    }

    let mut after = Vec::new();
    // compose checks once the dependencies are up.
    if service.tty && options.interactive && !options.stdin_is_terminal {
        after.push(plan.add(
            Operation::Refuse {
                error: PlanError::InputNotTty,
            },
            String::new(),
            Vec::new(),
            Phase::Run,
            Report::silent(),
        ));
    }
    if !options.no_deps {
        if let Some(wait) =
            wait_for_dependencies(&mut plan, project, &up.containers, service, after.clone())
        {
            after = vec![wait];
        }
    }

    let References {
        deferred,
        known,
        config_hash,
    } = references(service, &first)?;
    let image_id = observed
        .image(&service.image_name(project))
        .map(|i| i.id.clone())
        .unwrap_or_default();
    let service_containers: IndexMap<String, String> = first
        .iter()
        .map(|(s, (id, _))| (s.clone(), id.clone()))
        .collect();
    let name = project.container_name(service, 0);
    let inherited = IndexMap::new();
    let inputs = SpecInputs {
        project,
        service,
        number: 0,
        name: name.clone(),
        config_hash: &config_hash,
        image_id: &image_id,
        replace: None,
        service_containers: &service_containers,
        service_container_names: &names,
        inherited_volumes: &inherited,
        api_version: options.up.api_version,
        proxy_env: &options.up.proxy_env,
        api_socket_config: None,
        files: &observed.files,
    };
    let (mut spec, warnings) = container_spec(&inputs)?;
    plan.warnings.extend(warnings);
    one_off(&mut spec, options, service.stdin_open);
    let connect = std::mem::take(&mut spec.connect);
    let reason = format!("one-off container of service {}", service.name);
    let created = plan.add(
        Operation::CreateContainer {
            spec: Box::new(spec),
            deferred: (!deferred.is_empty()).then(|| {
                Box::new(Deferred {
                    services: deferred.clone(),
                    known,
                    hash: service.config_hash.clone(),
                })
            }),
        },
        reason.clone(),
        [after, deferred.iter().map(|(_, s)| *s).collect()].concat(),
        Phase::Run,
        Report::silent(),
    );
    let container = Target {
        container: ContainerRef::Created(created),
        name,
    };
    let mut last = created;
    for (network, endpoint) in connect {
        last = plan.add(
            Operation::ConnectNetwork {
                network,
                container: container.clone(),
                endpoint: Box::new(endpoint),
            },
            reason.clone(),
            vec![last],
            Phase::Run,
            Report::silent(),
        );
    }
    for file in injected_files(project, service, None)? {
        last = plan.add(
            Operation::CopyFile {
                container: container.clone(),
                file,
            },
            "secret or config is given inline",
            vec![last],
            Phase::Run,
            Report::silent(),
        );
    }
    let start = plan.add(
        Operation::StartContainer {
            container: container.clone(),
        },
        reason,
        vec![last],
        Phase::Run,
        Report::silent(),
    );
    Ok(RunPlan {
        plan,
        container,
        start,
    })
}

/// An image the service would have to build (berth cannot build yet).
fn needs_build(project: &Project, observed: &Observed, service: &str) -> Option<PlanError> {
    let service = &project.services[service];
    let image = service.image_name(project);
    (service.build.is_some() && observed.image(&image).is_none()).then(|| PlanError::NeedsBuild {
        service: service.name.clone(),
        image,
    })
}

/// compose's `waitDependencies` for the one-off container: its dependencies' conditions
/// (`service_started` needs no wait: they were started before).
fn wait_for_dependencies(
    plan: &mut Plan,
    project: &Project,
    containers: &IndexMap<String, Vec<Target>>,
    service: &berth_model::compose::Service,
    after: Vec<StepId>,
) -> Option<StepId> {
    let graph = Graph::of_project(project);
    let mut targets = Vec::new();
    for (dep, config) in graph.dependencies(&service.name) {
        let Some(condition) = config.condition else {
            continue;
        };
        if !graph.waits_for(dep) {
            continue;
        }
        let list = containers.get(dep).cloned().unwrap_or_default();
        if list.is_empty() {
            let missing = PlanError::MissingDependency {
                service: service.name.clone(),
                dependency: dep.to_string(),
            };
            if config.required {
                return Some(plan.add(
                    Operation::Refuse { error: missing },
                    String::new(),
                    after,
                    Phase::Run,
                    Report::silent(),
                ));
            }
            plan.warnings.push(missing.to_string());
            continue;
        }
        targets.push(WaitFor {
            service: dep.to_string(),
            containers: list,
            condition,
            required: config.required,
        });
    }
    (!targets.is_empty()).then(|| {
        plan.add(
            Operation::Wait {
                targets,
                timeout: None,
                purpose: WaitPurpose::Dependencies,
            },
            format!("before the one-off container of {} starts", service.name),
            after,
            Phase::Run,
            Report::silent(),
        )
    })
}

/// What makes a service container a one-off one: compose's labels (`oneoff=True`, the
/// slug, no number), stdin attached with `-i`, `--rm`, and no network alias but the
/// container's name unless `--use-aliases`.
fn one_off(spec: &mut ContainerSpec, options: &RunOptions, stdin_open: bool) {
    if let Some(l) = spec.body.labels.as_mut() {
        l.remove(labels::CONTAINER_NUMBER);
        l.insert(labels::ONEOFF.into(), "True".into());
        l.insert(labels::SLUG.into(), options.slug.clone());
    }
    spec.body.attach_stdin = Some(options.interactive);
    spec.body.stdin_once = Some(options.interactive && stdin_open);
    if let Some(host) = spec.body.host_config.as_mut() {
        host.auto_remove = Some(options.auto_remove);
    }
    if options.use_aliases {
        return;
    }
    let endpoints = spec
        .body
        .networking_config
        .iter_mut()
        .flat_map(|n| n.endpoints_config.iter_mut().flat_map(|m| m.values_mut()))
        .chain(spec.connect.iter_mut().map(|(_, e)| e));
    for endpoint in endpoints {
        if let Some(aliases) = endpoint.aliases.as_mut() {
            aliases.truncate(1);
        }
    }
}
