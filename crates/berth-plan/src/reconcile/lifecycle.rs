//! The verbs that act on existing containers: `start`, `stop`, `restart`, `kill`, `pause`,
//! `unpause` and `rm`. Each orders the services by the one dependency graph, taken from
//! the loaded file or, with only the project name, from the containers' labels.

use std::time::Duration;

use berth_model::compose::Project;

use super::up::{log_source, start_steps, stop_steps, StopHow};
use super::PlanError;
use crate::convert::injected_files;
use crate::graph::{Graph, Widen};
use crate::observed::{Container, Observed, State};
use crate::plan::{
    ContainerRef, Operation, Phase, Plan, Report, StepId, Target, WaitFor, WaitPurpose, Word,
};

fn target(c: &Container) -> Target {
    Target {
        container: ContainerRef::Existing(c.id.clone()),
        name: c.name.clone(),
    }
}

fn subject(c: &Container) -> String {
    format!("Container {}", c.name)
}

/// The service containers of `observed` (no one-off ones).
fn service_containers(observed: &Observed) -> Vec<Container> {
    observed
        .containers
        .iter()
        .filter(|c| !c.oneoff)
        .cloned()
        .collect()
}

/// Walks `graph` (dependencies first, or dependents first with `reverse`), giving each
/// service the steps it must come after; `visit` returns the service's last steps.
fn walk(
    plan: &mut Plan,
    graph: &Graph,
    reverse: bool,
    mut visit: impl FnMut(&mut Plan, &str, Vec<StepId>) -> Result<Vec<StepId>, PlanError>,
) -> Result<(), PlanError> {
    let mut done: indexmap::IndexMap<String, Vec<StepId>> = indexmap::IndexMap::new();
    for service in graph.order(reverse) {
        let after: Vec<StepId> = graph
            .prerequisites(service, reverse)
            .iter()
            .flat_map(|p| done.get(*p).cloned().unwrap_or_default())
            .collect();
        let last = visit(plan, service, after.clone())?;
        done.insert(
            service.to_string(),
            if last.is_empty() { after } else { last },
        );
    }
    Ok(())
}

/// Before `dependant` starts: a wait for its dependencies whose condition is not
/// `service_started`, as `graph` records them (compose's `waitDependencies`).
fn wait_dependencies(
    plan: &mut Plan,
    graph: &Graph,
    dependant: &str,
    containers: &[Container],
    timeout: Option<Duration>,
    after: Vec<StepId>,
) -> Result<Vec<StepId>, PlanError> {
    let mut targets = Vec::new();
    for (dep, config) in graph.dependencies(dependant) {
        let Some(condition) = config.condition else {
            continue;
        };
        if !graph.contains(dep) {
            return Err(PlanError::NoSuchService(dep.to_string()));
        }
        if !graph.waits_for(dep) {
            continue;
        }
        let list: Vec<Target> = containers
            .iter()
            .filter(|c| c.service == dep)
            .map(target)
            .collect();
        if list.is_empty() {
            let missing = PlanError::MissingDependency {
                service: dependant.to_string(),
                dependency: dep.to_string(),
            };
            if config.required {
                return Err(missing);
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
    if targets.is_empty() {
        return Ok(after);
    }
    Ok(vec![plan.add(
        Operation::Wait {
            targets,
            timeout,
            purpose: WaitPurpose::Dependencies,
        },
        format!("before {dependant} starts"),
        after,
        Phase::Start,
        Report::silent(),
    )])
}

#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// Bounds each service's wait for its dependencies.
    pub wait_timeout: Option<Duration>,
}

/// Plans `start` of project `name`: the stopped containers, in dependency order, after the
/// `depends_on` conditions. `project` is the loaded file (its services selected); without
/// it the services come from the labels. Nothing is created.
pub fn reconcile_start(
    name: &str,
    project: Option<&Project>,
    observed: &Observed,
    options: &StartOptions,
) -> Result<Plan, PlanError> {
    let containers = service_containers(observed);
    let graph = match project {
        Some(p) => Graph::of_project(p),
        None => {
            if containers.is_empty() {
                return Err(PlanError::NoContainers(name.to_string()));
            }
            let graph = Graph::of_labels(&containers);
            if let Some(missing) = options.services.iter().find(|s| !graph.contains(s)) {
                return Err(PlanError::NoSuchServiceRunning(missing.clone()));
            }
            graph
                .select(&options.services, Widen::Dependencies)
                .map_err(PlanError::NoSuchService)?
        }
    };
    let mut plan = Plan::default();
    walk(&mut plan, &graph, false, |plan, service, after| {
        if project.is_some() && graph.scale(service) == Some(0) {
            // `deploy.replicas: 0` is skipped before waiting.
            return Ok(Vec::new());
        }
        let mut after = wait_dependencies(
            plan,
            &graph,
            service,
            &containers,
            options.wait_timeout,
            after,
        )?;
        if containers.is_empty() {
            if graph.scale(service) == Some(0) {
                return Ok(after);
            }
            let refuse = plan.add(
                Operation::Refuse {
                    error: PlanError::NothingToStart(service.to_string()),
                },
                "",
                after,
                Phase::Start,
                Report::silent(),
            );
            return Ok(vec![refuse]);
        }
        let spec = project.and_then(|p| Some((p, p.services.get(service)?)));
        for c in containers
            .iter()
            .filter(|c| c.service == service && c.state != State::Running)
        {
            // Secrets and configs given inline are copied in before each start.
            if let Some((p, s)) = spec {
                let files = injected_files(p, s, None)?;
                for file in files {
                    after = vec![plan.add(
                        Operation::CopyFile {
                            container: target(c),
                            file,
                        },
                        "a secret or config given inline",
                        after,
                        Phase::Start,
                        Report::silent(),
                    )];
                }
            }
            after = vec![match spec {
                Some((p, s)) => start_steps(
                    plan,
                    s,
                    &target(c),
                    &log_source(p, &c.name),
                    c.state.as_str(),
                    after,
                ),
                None => plan.add(
                    Operation::StartContainer {
                        container: target(c),
                    },
                    c.state.as_str(),
                    after,
                    Phase::Start,
                    Report::new(subject(c), Some(Word::Starting), Some(Word::Started)),
                ),
            }];
        }
        Ok(after)
    })?;
    Ok(plan)
}

#[derive(Debug, Clone, Default)]
pub struct StopOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// `-t`: seconds before the engine kills (`None`: the container's own stop timeout).
    pub timeout: Option<i32>,
}

/// Plans `stop`: dependents before their dependencies, the containers of one service
/// together (compose's `InReverseDependencyOrder`), after their `pre_stop` hooks.
pub fn reconcile_stop(
    project: Option<&Project>,
    observed: &Observed,
    options: &StopOptions,
) -> Result<Plan, PlanError> {
    let containers = service_containers(observed);
    let graph = match project {
        Some(p) => Graph::of_project(p),
        None => Graph::of_labels(&containers),
    };
    let selected: Vec<String> = if options.services.is_empty() {
        graph.services().map(str::to_string).collect()
    } else {
        options.services.clone()
    };
    let empty = Project::default();
    let mut plan = Plan::default();
    walk(&mut plan, &graph, true, |plan, service, after| {
        if !selected.iter().any(|s| s == service) {
            return Ok(Vec::new());
        }
        let how = |_: &Container| StopHow {
            timeout: options.timeout,
            removing: false,
            hooks: project.is_some(),
        };
        Ok(containers
            .iter()
            .filter(|c| c.service == service)
            .map(|c| {
                stop_steps(
                    plan,
                    project.unwrap_or(&empty),
                    c,
                    how(c),
                    Phase::Create,
                    "stop",
                    after.clone(),
                )
            })
            .collect())
    })?;
    Ok(plan)
}

#[derive(Debug, Clone, Default)]
pub struct RestartOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// `--no-deps`: leave the dependents alone.
    pub no_deps: bool,
    /// `-t`: seconds before the engine kills (`None`: the container's own stop timeout).
    pub timeout: Option<i32>,
}

/// Plans `restart`: the containers as they are (the configuration is not applied again),
/// in dependency order; dependents declared with `depends_on.restart: true` are restarted
/// too, after the service they depend on, unless `--no-deps`. Each restart sits between
/// the container's `pre_stop` and `post_start` hooks.
pub fn reconcile_restart(
    project: Option<&Project>,
    observed: &Observed,
    options: &RestartOptions,
) -> Result<Plan, PlanError> {
    let containers = service_containers(observed);
    let mut graph = match project {
        Some(p) => Graph::of_project(p),
        None => Graph::of_labels(&containers),
    };
    let unknown = PlanError::NoSuchService;
    if options.no_deps {
        graph = graph
            .select(&options.services, Widen::Nothing)
            .map_err(unknown)?;
    }
    // Only the `restart: true` relations matter here (compose drops the others).
    graph.retain_dependencies(|d| d.restart);
    let graph = graph
        .select(&options.services, Widen::Dependents)
        .map_err(unknown)?;
    let mut plan = Plan::default();
    walk(&mut plan, &graph, false, |plan, service, after| {
        let after = wait_dependencies(plan, &graph, service, &containers, None, after)?;
        let spec = project.and_then(|p| Some((p, p.services.get(service)?)));
        let mut last = Vec::new();
        for c in containers.iter().filter(|c| c.service == service) {
            let mut before = after.clone();
            let hook = |plan: &mut Plan, hook, before| {
                let (p, s) = spec.expect("hooks come from the project");
                plan.add(
                    Operation::RunHook {
                        container: target(c),
                        hook,
                        service: s.name.clone(),
                        tty: s.tty,
                        source: format!("{} ->", log_source(p, &c.name)),
                        before_stop: false,
                    },
                    "hook of the restart",
                    before,
                    Phase::Start,
                    Report::silent(),
                )
            };
            for h in spec.map(|(_, s)| s.pre_stop.clone()).unwrap_or_default() {
                before = vec![hook(plan, h, before)];
            }
            let mut step = plan.add(
                Operation::RestartContainer {
                    container: target(c),
                    timeout: options.timeout,
                },
                "restart",
                before,
                Phase::Start,
                Report::new(subject(c), Some(Word::Restarting), Some(Word::Started)),
            );
            for h in spec.map(|(_, s)| s.post_start.clone()).unwrap_or_default() {
                step = hook(plan, h, vec![step]);
            }
            last.push(step);
        }
        Ok(last)
    })?;
    Ok(plan)
}

#[derive(Debug, Clone)]
pub struct KillOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    /// `-s`: the signal, as the engine takes it (`SIGKILL`, `TERM`, `9`).
    pub signal: String,
    /// `--remove-orphans`: also signal containers of services the file no longer has.
    pub remove_orphans: bool,
}

impl Default for KillOptions {
    fn default() -> Self {
        KillOptions {
            services: Vec::new(),
            signal: "SIGKILL".into(),
            remove_orphans: false,
        }
    }
}

/// Plans `kill`: the signal to the running containers of the selected services (one-off
/// ones included), all at once. An empty plan means there is nothing to kill.
pub fn reconcile_kill(
    project: Option<&Project>,
    observed: &Observed,
    options: &KillOptions,
) -> Plan {
    let mut plan = Plan::default();
    for c in observed
        .containers
        .iter()
        .filter(|c| c.is_running() || c.state == State::Paused)
        .filter(|c| options.services.is_empty() || options.services.contains(&c.service))
        .filter(|c| match project {
            Some(p) if !options.remove_orphans => p.services.contains_key(&c.service),
            _ => true,
        })
    {
        plan.add(
            Operation::KillContainer {
                container: target(c),
                signal: options.signal.clone(),
            },
            "kill",
            Vec::new(),
            Phase::Create,
            Report::new(subject(c), Some(Word::Killing), Some(Word::Killed)),
        );
    }
    plan
}

/// Plans `pause` (or `unpause`): the running containers of the selected services, all at
/// once; compose reports only the outcome. The engine lists paused containers among the
/// running ones: compose acts on both and lets the engine refuse.
pub fn reconcile_pause(
    project: Option<&Project>,
    observed: &Observed,
    services: &[String],
    pause: bool,
) -> Plan {
    let mut plan = Plan::default();
    for c in observed
        .containers
        .iter()
        .filter(|c| !c.oneoff && (c.is_running() || c.state == State::Paused))
        .filter(|c| services.is_empty() || services.contains(&c.service))
        .filter(|c| project.is_none_or(|p| p.services.contains_key(&c.service)))
    {
        let (op, word) = if pause {
            (
                Operation::PauseContainer {
                    container: target(c),
                },
                Word::Paused,
            )
        } else {
            (
                Operation::UnpauseContainer {
                    container: target(c),
                },
                Word::Unpaused,
            )
        };
        plan.add(
            op,
            if pause { "pause" } else { "unpause" },
            Vec::new(),
            Phase::Create,
            Report::new(subject(c), None, Some(word)),
        );
    }
    plan
}

/// Plans `rm` of `containers` (stopped ones, as the command found them), all at once.
pub fn reconcile_rm(containers: &[Container], force: bool, volumes: bool) -> Plan {
    let mut plan = Plan::default();
    for c in containers {
        plan.add(
            Operation::RemoveContainer {
                container: target(c),
                force,
                volumes,
                missing_ok: false,
            },
            "stopped",
            Vec::new(),
            Phase::Create,
            Report::new(subject(c), Some(Word::Removing), Some(Word::Removed)),
        );
    }
    plan
}
