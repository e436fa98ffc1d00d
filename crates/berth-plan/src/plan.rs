//! The plan: what a verb will do, as a graph of steps that are each one engine call, with
//! the reason for each and the steps it waits for. Reconciliation builds it, the executor in
//! berth-ops runs it, and `berth plan` prints it ([`Plan::text`], [`Plan::to_json`]).

use std::fmt::Write as _;
use std::time::Duration;

use berth_model::compose::ServiceHook;
use bollard_stubs::models::{EndpointSettings, NetworkCreateRequest, VolumeCreateRequest};
use serde_json::{json, Value as Json};

use crate::convert::{ContainerSpec, InjectedFile};
use crate::graph::Condition;
use crate::reconcile::PlanError;

/// A step's index in its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepId(pub usize);

/// A container a step acts on: one the engine has, or the one an earlier step creates (its
/// ID is only known once that step ran; the executor resolves it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContainerRef {
    Existing(String),
    Created(StepId),
}

/// A container as steps name it: the reference and the name compose reports it under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub container: ContainerRef,
    pub name: String,
}

/// When a step runs: a phase starts once every step of the phases before it is done (so a
/// step's dependencies are those of its own phase). Attached `up` attaches to the
/// containers between the create and start phases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Pull,
    Create,
    Start,
    Wait,
    /// `run`'s one-off container, once its dependencies are up.
    Run,
}

/// The word compose prints for a step in its progress display (`Container p-web-1  Created`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Creating,
    Created,
    Recreate,
    Recreated,
    Starting,
    Started,
    Running,
    Restart,
    Restarted,
    Restarting,
    Stopping,
    Stopped,
    Killing,
    Killed,
    Removing,
    Removed,
    Paused,
    Unpaused,
}

impl Word {
    pub fn as_str(self) -> &'static str {
        match self {
            Word::Creating => "Creating",
            Word::Created => "Created",
            Word::Recreate => "Recreate",
            Word::Recreated => "Recreated",
            Word::Starting => "Starting",
            Word::Started => "Started",
            Word::Running => "Running",
            Word::Restart => "Restart",
            Word::Restarted => "Restarted",
            Word::Restarting => "Restarting",
            Word::Stopping => "Stopping",
            Word::Stopped => "Stopped",
            Word::Killing => "Killing",
            Word::Killed => "Killed",
            Word::Removing => "Removing",
            Word::Removed => "Removed",
            Word::Paused => "Paused",
            Word::Unpaused => "Unpaused",
        }
    }

    /// Whether the word ends a task (compose's `Done` status) rather than starts one.
    pub fn is_done(self) -> bool {
        matches!(
            self,
            Word::Created
                | Word::Recreated
                | Word::Started
                | Word::Running
                | Word::Restarted
                | Word::Stopped
                | Word::Killed
                | Word::Removed
                | Word::Paused
                | Word::Unpaused
        )
    }
}

/// What the progress display says about a step: the object (`Container p-web-1`) and the
/// words printed before and after the call. Several steps can share an object: a recreate
/// says `Recreate` at its first call and `Recreated` after its last.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub subject: String,
    pub begin: Option<Word>,
    pub end: Option<Word>,
}

impl Report {
    pub fn new(subject: impl Into<String>, begin: Option<Word>, end: Option<Word>) -> Report {
        Report {
            subject: subject.into(),
            begin,
            end,
        }
    }

    pub fn silent() -> Report {
        Report::default()
    }
}

/// What a wait step waits for: the containers of one dependency.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitFor {
    pub service: String,
    pub containers: Vec<Target>,
    pub condition: Condition,
    /// `required: false` turns a failure into a warning.
    pub required: bool,
}

/// Why a plan waits: before a service starts, for its dependencies; or at the end of
/// `up --wait`, for the whole application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitPurpose {
    Dependencies,
    Application,
}

/// A service's references to containers other steps create (`network_mode: service:x`,
/// `volumes_from`): the executor puts their IDs into the create call and the config hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Deferred {
    /// Service → the step creating its first container.
    pub services: Vec<(String, StepId)>,
    /// Service → the ID of its first container, for the references already known.
    pub known: Vec<(String, String)>,
    pub hash: berth_model::hash::ConfigHash,
}

/// What a planned create call says in place of the ID of the container step `step`
/// creates.
pub fn placeholder(step: StepId) -> String {
    format!("<container of step {}>", step.0 + 1)
}

impl Deferred {
    /// Completes `spec` once the referenced containers exist (`created`: the ID each of
    /// [`Deferred::services`]' steps created): their IDs in place of the placeholders, and
    /// the config hash computed with them, as compose computes it.
    pub fn fill(
        &self,
        spec: &mut ContainerSpec,
        created: &[(StepId, String)],
    ) -> Result<(), PlanError> {
        let mut ids: Vec<(String, String)> = self.known.clone();
        let mut replace: Vec<(String, String)> = Vec::new();
        for (service, step) in &self.services {
            let Some((_, id)) = created.iter().find(|(s, _)| s == step) else {
                continue;
            };
            replace.push((placeholder(*step), id.clone()));
            ids.push((service.clone(), id.clone()));
        }
        let fill = |text: &mut String| {
            for (from, to) in &replace {
                if text.contains(from.as_str()) {
                    *text = text.replace(from.as_str(), to);
                }
            }
        };
        if let Some(host) = spec.body.host_config.as_mut() {
            for field in [
                &mut host.network_mode,
                &mut host.ipc_mode,
                &mut host.pid_mode,
            ]
            .into_iter()
            .flatten()
            {
                fill(field);
            }
            for entry in host.volumes_from.iter_mut().flatten() {
                fill(entry);
            }
        }
        let hash = self
            .hash
            .resolve(&|s| ids.iter().find(|(k, _)| k == s).map(|(_, id)| id.clone()))
            .map_err(PlanError::Unmarshallable)?;
        spec.body
            .labels
            .get_or_insert_with(Default::default)
            .insert(berth_model::labels::CONFIG_HASH.to_string(), hash);
        Ok(())
    }
}

/// One engine call.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// Pull `image`; `name` is what the events say (the service, or `svc:volume N`).
    PullImage {
        name: String,
        image: String,
        platform: Option<String>,
        /// The service could build the image instead: a failed pull is not an error.
        buildable: bool,
        has_build: bool,
    },
    CreateNetwork {
        name: String,
        request: NetworkCreateRequest,
    },
    /// Remove a network; `if_unused`: only when no container is attached (`down`).
    RemoveNetwork {
        name: String,
        id: String,
        if_unused: bool,
    },
    DisconnectNetwork {
        network: String,
        container: Target,
    },
    ConnectNetwork {
        network: String,
        container: Target,
        endpoint: Box<EndpointSettings>,
    },
    CreateVolume {
        name: String,
        request: VolumeCreateRequest,
    },
    RemoveVolume {
        name: String,
    },
    RemoveImage {
        reference: String,
    },
    CreateContainer {
        spec: Box<ContainerSpec>,
        deferred: Option<Box<Deferred>>,
    },
    CopyFile {
        container: Target,
        file: InjectedFile,
    },
    StartContainer {
        container: Target,
    },
    /// Stop; `removing`: the stop of a removal, where a container already gone counts as
    /// removed.
    StopContainer {
        container: Target,
        timeout: Option<i32>,
        removing: bool,
    },
    KillContainer {
        container: Target,
        signal: String,
    },
    /// Remove; `missing_ok`: a container already gone (or being removed) counts as
    /// removed, as in compose's removals of the containers it stopped.
    RemoveContainer {
        container: Target,
        force: bool,
        volumes: bool,
        missing_ok: bool,
    },
    RenameContainer {
        container: Target,
        to: String,
    },
    RestartContainer {
        container: Target,
        timeout: Option<i32>,
    },
    PauseContainer {
        container: Target,
    },
    UnpauseContainer {
        container: Target,
    },
    /// A `post_start` or `pre_stop` command, through the engine's exec.
    RunHook {
        container: Target,
        hook: ServiceHook,
        /// The service's name (a failure reads `<service> hook exited with status N`).
        service: String,
        tty: bool,
        /// The prefix of the hook's output lines when they are shown (`<container> ->`).
        source: String,
        /// A `pre_stop` hook: a container it finds gone or stopped is left alone, its stop
        /// left out.
        before_stop: bool,
    },
    /// Wait for conditions on containers, polling the engine (no change).
    Wait {
        targets: Vec<WaitFor>,
        /// Bounds the whole wait.
        timeout: Option<Duration>,
        /// What the wait is for (its error when it runs out of time says so).
        purpose: WaitPurpose,
    },
    /// No call: the container is as the file wants it (reported as `Running` if it runs).
    Keep {
        container: Target,
    },
    /// No call: the plan fails here, where compose fails (after what came before).
    Refuse {
        error: PlanError,
    },
}

impl Operation {
    /// Whether the step changes something on the engine.
    pub fn changes(&self) -> bool {
        !matches!(
            self,
            Operation::Wait { .. } | Operation::Keep { .. } | Operation::Refuse { .. }
        )
    }
}

/// One step: an operation, why, and the steps it waits for.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: StepId,
    pub op: Operation,
    pub reason: String,
    pub after: Vec<StepId>,
    pub phase: Phase,
    pub report: Report,
}

/// The steps of a verb, in the order they were planned (which respects the dependencies),
/// and the warnings compose prints while deciding them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub warnings: Vec<String>,
}

impl Plan {
    /// Adds a step; returns its ID.
    pub fn add(
        &mut self,
        op: Operation,
        reason: impl Into<String>,
        after: Vec<StepId>,
        phase: Phase,
        report: Report,
    ) -> StepId {
        let id = StepId(self.steps.len());
        let mut after = after;
        after.sort();
        after.dedup();
        self.steps.push(Step {
            id,
            op,
            reason: reason.into(),
            after,
            phase,
            report,
        });
        id
    }

    pub fn step(&self, id: StepId) -> &Step {
        &self.steps[id.0]
    }

    /// Whether running the plan would change anything on the engine.
    pub fn has_changes(&self) -> bool {
        self.steps.iter().any(|s| s.op.changes())
    }

    /// Appends `other`'s steps after this plan's, shifting their IDs.
    pub fn append(&mut self, other: Plan) {
        let offset = self.steps.len();
        let shift = |id: StepId| StepId(id.0 + offset);
        for mut step in other.steps {
            step.id = shift(step.id);
            step.after = step.after.into_iter().map(shift).collect();
            step.op = step.op.shifted(offset);
            self.steps.push(step);
        }
        self.warnings.extend(other.warnings);
    }

    /// The plan as a person reads it: one line per step (number, what, on which object),
    /// then why and what it waits for; a last line says what the plan amounts to.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for w in &self.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        for step in &self.steps {
            let _ = write!(out, "{:>3}. {}", step.id.0 + 1, step.op.describe(self));
            if !step.reason.is_empty() {
                let _ = write!(out, " — {}", step.reason);
            }
            if !step.after.is_empty() {
                let list: Vec<String> = step.after.iter().map(|a| (a.0 + 1).to_string()).collect();
                let _ = write!(out, " (after {})", list.join(", "));
            }
            out.push('\n');
        }
        let changes = self.steps.iter().filter(|s| s.op.changes()).count();
        match changes {
            0 => out.push_str("Nothing to change.\n"),
            1 => out.push_str("1 step changes the engine.\n"),
            n => {
                let _ = writeln!(out, "{n} steps change the engine.");
            }
        }
        out
    }

    /// The plan for machines (`berth plan --format json`).
    pub fn to_json(&self) -> Json {
        let steps: Vec<Json> = self
            .steps
            .iter()
            .map(|s| {
                json!({
                    "step": s.id.0 + 1,
                    "operation": s.op.kind(),
                    "object": s.op.object(),
                    "description": s.op.describe(self),
                    "reason": s.reason,
                    "after": s.after.iter().map(|a| a.0 + 1).collect::<Vec<_>>(),
                    "phase": format!("{:?}", s.phase).to_lowercase(),
                    "changes": s.op.changes(),
                })
            })
            .collect();
        json!({
            "changes": self.has_changes(),
            "warnings": self.warnings,
            "steps": steps,
        })
    }

    /// The name of the container a reference points at, for the text form.
    fn container_label(&self, target: &Target) -> String {
        match &target.container {
            ContainerRef::Existing(_) => target.name.clone(),
            ContainerRef::Created(step) => format!("{} (from step {})", target.name, step.0 + 1),
        }
    }
}

impl std::fmt::Display for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl Operation {
    /// A short name of the kind of call (the JSON form's `operation`).
    pub fn kind(&self) -> &'static str {
        match self {
            Operation::PullImage { .. } => "pull_image",
            Operation::CreateNetwork { .. } => "create_network",
            Operation::RemoveNetwork { .. } => "remove_network",
            Operation::DisconnectNetwork { .. } => "disconnect_network",
            Operation::ConnectNetwork { .. } => "connect_network",
            Operation::CreateVolume { .. } => "create_volume",
            Operation::RemoveVolume { .. } => "remove_volume",
            Operation::RemoveImage { .. } => "remove_image",
            Operation::CreateContainer { .. } => "create_container",
            Operation::CopyFile { .. } => "copy_file",
            Operation::StartContainer { .. } => "start_container",
            Operation::StopContainer { .. } => "stop_container",
            Operation::KillContainer { .. } => "kill_container",
            Operation::RemoveContainer { .. } => "remove_container",
            Operation::RenameContainer { .. } => "rename_container",
            Operation::RestartContainer { .. } => "restart_container",
            Operation::PauseContainer { .. } => "pause_container",
            Operation::UnpauseContainer { .. } => "unpause_container",
            Operation::RunHook { .. } => "run_hook",
            Operation::Wait { .. } => "wait",
            Operation::Keep { .. } => "keep",
            Operation::Refuse { .. } => "refuse",
        }
    }

    /// The container the step acts on, if it acts on one that exists before it.
    pub fn target(&self) -> Option<&Target> {
        match self {
            Operation::DisconnectNetwork { container, .. }
            | Operation::ConnectNetwork { container, .. }
            | Operation::CopyFile { container, .. }
            | Operation::StartContainer { container }
            | Operation::StopContainer { container, .. }
            | Operation::KillContainer { container, .. }
            | Operation::RemoveContainer { container, .. }
            | Operation::RenameContainer { container, .. }
            | Operation::RestartContainer { container, .. }
            | Operation::PauseContainer { container }
            | Operation::UnpauseContainer { container }
            | Operation::RunHook { container, .. }
            | Operation::Keep { container } => Some(container),
            _ => None,
        }
    }

    /// The object the step acts on, by name.
    pub fn object(&self) -> String {
        if let Some(target) = self.target() {
            return target.name.clone();
        }
        match self {
            Operation::PullImage { image, .. } => image.clone(),
            Operation::CreateNetwork { name, .. }
            | Operation::RemoveNetwork { name, .. }
            | Operation::CreateVolume { name, .. }
            | Operation::RemoveVolume { name } => name.clone(),
            Operation::RemoveImage { reference } => reference.clone(),
            Operation::CreateContainer { spec, .. } => spec.name.clone(),
            Operation::Wait { targets, .. } => targets
                .iter()
                .map(|t| t.service.clone())
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        }
    }

    /// What the step does, in words.
    pub fn describe(&self, plan: &Plan) -> String {
        let c = |t: &Target| plan.container_label(t);
        match self {
            Operation::PullImage { image, .. } => format!("pull image {image}"),
            Operation::CreateNetwork { name, .. } => format!("create network {name}"),
            Operation::RemoveNetwork { name, .. } => format!("remove network {name}"),
            Operation::DisconnectNetwork { network, container } => {
                format!(
                    "disconnect container {} from network {network}",
                    c(container)
                )
            }
            Operation::ConnectNetwork {
                network, container, ..
            } => format!("connect container {} to network {network}", c(container)),
            Operation::CreateVolume { name, .. } => format!("create volume {name}"),
            Operation::RemoveVolume { name } => format!("remove volume {name}"),
            Operation::RemoveImage { reference } => format!("remove image {reference}"),
            Operation::CreateContainer { spec, .. } => {
                let image = spec.body.image.as_deref().unwrap_or_default();
                format!("create container {} from {image}", spec.name)
            }
            Operation::CopyFile { container, file } => {
                format!("copy {} into container {}", file.target, c(container))
            }
            Operation::StartContainer { container } => format!("start container {}", c(container)),
            Operation::StopContainer {
                container, timeout, ..
            } => match timeout {
                Some(t) => format!("stop container {} (timeout {t}s)", c(container)),
                None => format!("stop container {}", c(container)),
            },
            Operation::KillContainer { container, signal } => {
                format!("kill container {} with {signal}", c(container))
            }
            Operation::RemoveContainer { container, .. } => {
                format!("remove container {}", c(container))
            }
            Operation::RenameContainer { container, to } => {
                format!("rename container {} to {to}", c(container))
            }
            Operation::RestartContainer { container, .. } => {
                format!("restart container {}", c(container))
            }
            Operation::PauseContainer { container } => format!("pause container {}", c(container)),
            Operation::UnpauseContainer { container } => {
                format!("unpause container {}", c(container))
            }
            Operation::RunHook {
                container, hook, ..
            } => format!(
                "run hook [{}] in container {}",
                hook.command.join(" "),
                c(container)
            ),
            Operation::Wait { targets, .. } => {
                let what: Vec<String> = targets
                    .iter()
                    .map(|t| format!("{} {}", t.service, t.condition.describe()))
                    .collect();
                format!("wait until {}", what.join(", "))
            }
            Operation::Keep { container } => format!("keep container {}", c(container)),
            Operation::Refuse { error } => format!("fail: {error}"),
        }
    }

    /// The operation with its step references moved by `offset` (see [`Plan::append`]).
    fn shifted(self, offset: usize) -> Operation {
        let shift_ref = |r: &mut ContainerRef| {
            if let ContainerRef::Created(StepId(n)) = r {
                *n += offset;
            }
        };
        let mut op = self;
        match &mut op {
            Operation::Wait { targets, .. } => {
                for t in targets {
                    for c in &mut t.containers {
                        shift_ref(&mut c.container);
                    }
                }
            }
            Operation::CreateContainer {
                deferred: Some(d), ..
            } => {
                for (_, StepId(n)) in &mut d.services {
                    *n += offset;
                }
            }
            other => {
                if let Some(target) = other.target_mut() {
                    shift_ref(&mut target.container);
                }
            }
        }
        op
    }

    fn target_mut(&mut self) -> Option<&mut Target> {
        match self {
            Operation::DisconnectNetwork { container, .. }
            | Operation::ConnectNetwork { container, .. }
            | Operation::CopyFile { container, .. }
            | Operation::StartContainer { container }
            | Operation::StopContainer { container, .. }
            | Operation::KillContainer { container, .. }
            | Operation::RemoveContainer { container, .. }
            | Operation::RenameContainer { container, .. }
            | Operation::RestartContainer { container, .. }
            | Operation::PauseContainer { container }
            | Operation::UnpauseContainer { container }
            | Operation::RunHook { container, .. }
            | Operation::Keep { container } => Some(container),
            _ => None,
        }
    }
}
