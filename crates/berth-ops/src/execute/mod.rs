//! The executor: runs any plan, each step once the steps it waits for are done, as many at
//! once as `--parallel` allows, and reports compose's progress events for each. It decides
//! nothing: what to call, in which order and why is the plan's; how a call fails and what
//! compose prints about it is the operation's.
//!
//! Under `--dry-run` it holds only the engine's read calls ([`berth_engine::ReadOnly`]):
//! it reports the same events, and it cannot change anything.

mod hooks;
mod pull;
mod wait;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use berth_engine::{Engine, EngineError, ReadOnly};
use berth_plan::plan::{ContainerRef, Operation, Phase, Step, StepId, Target, Word};
use berth_plan::Plan;
use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::sync::Semaphore;

use crate::attach::LogConsumer;
use crate::error::{OpsError, OpsResult};
use crate::events::{status, Event, Progress, Status};
pub use pull::PullOptions;

/// What the executor may call: the whole engine, or (dry run) its read calls only.
#[derive(Clone, Copy)]
pub enum Hands<'a> {
    Live(&'a Engine),
    DryRun(ReadOnly<'a>),
}

impl<'a> Hands<'a> {
    /// The live engine, or nothing in a dry run.
    pub fn live(&self) -> Option<&'a Engine> {
        match self {
            Hands::Live(engine) => Some(engine),
            Hands::DryRun(_) => None,
        }
    }

    pub fn read(&self) -> ReadOnly<'a> {
        match self {
            Hands::Live(engine) => engine.read_only(),
            Hands::DryRun(read) => *read,
        }
    }

    pub fn is_dry_run(&self) -> bool {
        matches!(self, Hands::DryRun(_))
    }
}

/// How any plan is run: `--dry-run`, `--parallel`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    pub dry_run: bool,
    pub parallel: Option<usize>,
}

impl RunOptions {
    /// The executor's hands for a command: the engine, or its read calls under `--dry-run`.
    pub fn hands(self, engine: &Engine) -> Hands<'_> {
        if self.dry_run {
            Hands::DryRun(engine.read_only())
        } else {
            Hands::Live(engine)
        }
    }
}

/// Reports the plan's warnings, then runs it.
pub async fn execute(
    engine: &Engine,
    plan: &Plan,
    run: RunOptions,
    progress: &dyn Progress,
) -> OpsResult<Outcome> {
    for w in &plan.warnings {
        progress.warning(w);
    }
    Executor::new(run.hands(engine), progress, run.parallel)
        .run(plan)
        .await
}

/// Runs plans against one engine, reporting to one progress display.
pub struct Executor<'a> {
    pub hands: Hands<'a>,
    pub progress: &'a dyn Progress,
    /// `--parallel` / `COMPOSE_PARALLEL_LIMIT`: how many engine operations run at once.
    parallel: Option<usize>,
    limit: Option<Semaphore>,
    /// Where the output of hooks goes when it is shown (attached `up`); without it hooks
    /// run detached.
    hook_output: Option<&'a dyn LogConsumer>,
    pull: PullOptions,
}

/// What running a plan left behind: the IDs its steps created, and which containers were
/// found gone on the way. Runs of parts of one plan share it.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Step → the ID of the container, network or (pulled) image it made.
    pub created: HashMap<StepId, String>,
    /// Steps already run (by an earlier part).
    done: HashSet<StepId>,
    /// Containers a `pre_stop` hook found gone or stopped: their stop is left out, as
    /// compose leaves it.
    left_alone: HashSet<ContainerRef>,
    /// Containers a removal's stop found gone: they count as removed.
    gone: HashSet<ContainerRef>,
}

impl Outcome {
    /// The engine ID a step's target refers to.
    fn id(&self, target: &Target) -> OpsResult<String> {
        match &target.container {
            ContainerRef::Existing(id) => Ok(id.clone()),
            ContainerRef::Created(step) => self
                .created
                .get(step)
                .cloned()
                .ok_or_else(|| OpsError::NotCreated(target.name.clone())),
        }
    }
}

/// How a run treats a failed step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Stop scheduling, return the first error (compose's convergence).
    Stop,
    /// Run every step, return the first error at the end (compose's pulls).
    Finish,
}

impl<'a> Executor<'a> {
    pub fn new(hands: Hands<'a>, progress: &'a dyn Progress, parallel: Option<usize>) -> Self {
        let parallel = parallel.filter(|n| *n > 0);
        Executor {
            hands,
            progress,
            parallel,
            limit: parallel.map(Semaphore::new),
            hook_output: None,
            pull: PullOptions::default(),
        }
    }

    /// Shows the output of the hooks it runs on `consumer`.
    pub fn with_hook_output(mut self, consumer: &'a dyn LogConsumer) -> Self {
        self.hook_output = Some(consumer);
        self
    }

    /// How the pulls it runs report and authenticate.
    pub fn with_pull_options(mut self, options: PullOptions) -> Self {
        self.pull = options;
        self
    }

    /// The same engine and settings, reporting to `progress` (and hooks to `hook_output`).
    pub fn reporting_to(
        &self,
        progress: &'a dyn Progress,
        hook_output: Option<&'a dyn LogConsumer>,
    ) -> Executor<'a> {
        Executor {
            hook_output,
            pull: self.pull.clone(),
            ..Executor::new(self.hands, progress, self.parallel)
        }
    }

    async fn permit(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        match &self.limit {
            Some(s) => s.acquire().await.ok(),
            None => None,
        }
    }

    /// Runs the whole plan.
    pub async fn run(&self, plan: &Plan) -> OpsResult<Outcome> {
        let mut outcome = Outcome::default();
        self.run_part(plan, &mut outcome, |_| true, OnError::Stop)
            .await?;
        Ok(outcome)
    }

    /// Runs the steps of `plan` that `select` picks (those it does not pick count as done),
    /// recording what they create in `outcome`.
    pub async fn run_part(
        &self,
        plan: &Plan,
        outcome: &mut Outcome,
        select: impl Fn(&Step) -> bool,
        on_error: OnError,
    ) -> OpsResult<()> {
        let state = Mutex::new(std::mem::take(outcome));
        let result = self.walk(plan, &state, select, on_error).await;
        *outcome = state.into_inner().unwrap_or_else(|e| e.into_inner());
        result
    }

    /// Runs the picked steps phase after phase (a phase starts once the one before is
    /// done), each phase as its steps' dependencies allow.
    async fn walk(
        &self,
        plan: &Plan,
        state: &Mutex<Outcome>,
        select: impl Fn(&Step) -> bool,
        on_error: OnError,
    ) -> OpsResult<()> {
        let mut phases: Vec<Phase> = plan.steps.iter().map(|s| s.phase).collect();
        phases.sort();
        phases.dedup();
        let mut first_error = None;
        for phase in phases {
            let picked: Vec<&Step> = plan
                .steps
                .iter()
                .filter(|s| s.phase == phase && select(s))
                .collect();
            if let Err(e) = self.walk_phase(&picked, state, on_error).await {
                if on_error == OnError::Stop {
                    return Err(e);
                }
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    async fn walk_phase(
        &self,
        picked: &[&Step],
        state: &Mutex<Outcome>,
        on_error: OnError,
    ) -> OpsResult<()> {
        let ours: HashSet<StepId> = picked.iter().map(|s| s.id).collect();
        let mut done: HashSet<StepId> = lock(state).done.clone();
        let mut started: HashSet<StepId> = HashSet::new();
        let mut running = FuturesUnordered::new();
        let mut first_error = None;
        loop {
            for step in picked {
                let ready = step
                    .after
                    .iter()
                    .all(|a| done.contains(a) || !ours.contains(a));
                if !started.contains(&step.id) && ready {
                    started.insert(step.id);
                    let id = step.id;
                    running.push(async move { (id, self.step(step, state).await) });
                }
            }
            match running.next().await {
                Some((id, Ok(()))) => {
                    done.insert(id);
                    lock(state).done.insert(id);
                }
                Some((id, Err(e))) => match on_error {
                    OnError::Stop => return Err(e),
                    OnError::Finish => {
                        done.insert(id);
                        first_error.get_or_insert(e);
                    }
                },
                None => break,
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    fn report(&self, subject: &str, word: Option<Word>) {
        if let Some(word) = word {
            let state = if word.is_done() {
                Status::Done
            } else {
                Status::Working
            };
            self.progress
                .event(Event::new(subject, state, word.as_str()));
        }
    }

    /// Runs one step: its first event, the call, its last event.
    async fn step(&self, step: &Step, state: &Mutex<Outcome>) -> OpsResult<()> {
        let subject = step.report.subject.as_str();
        let skipped = match &step.op {
            Operation::StopContainer { container, .. } => {
                lock(state).left_alone.contains(&container.container)
            }
            Operation::RemoveContainer { container, .. } => {
                lock(state).gone.contains(&container.container)
            }
            _ => false,
        };
        if skipped {
            return Ok(());
        }
        let engine_call = !matches!(
            step.op,
            Operation::Wait { .. }
                | Operation::Keep { .. }
                | Operation::Refuse { .. }
                | Operation::RunHook { .. }
                | Operation::CopyFile { .. }
        );
        let _permit = if engine_call {
            self.permit().await
        } else {
            None
        };
        self.report(subject, step.report.begin);
        match self.call(step, state).await? {
            Done::Reported => {}
            Done::Normally => self.report(subject, step.report.end),
        }
        Ok(())
    }

    /// The operation's engine call (none in a dry run), with its own failure events.
    async fn call(&self, step: &Step, state: &Mutex<Outcome>) -> OpsResult<Done> {
        let subject = step.report.subject.as_str();
        let live = self.hands.live();
        let id_of = |t: &Target| lock(state).id(t);
        match &step.op {
            Operation::PullImage {
                name,
                image,
                platform,
                buildable,
                has_build,
            } => {
                let pulled = self
                    .pull_image(name, image, platform.as_deref(), *has_build)
                    .await;
                match pulled {
                    Ok(id) => {
                        lock(state).created.insert(step.id, id);
                    }
                    // The image can be built instead.
                    Err(_) if *buildable => {}
                    Err(e) => return Err(e),
                }
            }
            Operation::CreateNetwork { name, request } => {
                let id = match live {
                    None => format!("dryRun{name}"),
                    Some(engine) => match engine.create_network(request.clone()).await {
                        Ok(id) => id,
                        Err(e) => {
                            self.progress.event(status::error(subject));
                            return Err(OpsError::CreateNetwork {
                                name: name.clone(),
                                source: e,
                            });
                        }
                    },
                };
                lock(state).created.insert(step.id, id);
            }
            Operation::RemoveNetwork {
                name,
                id,
                if_unused,
            } => {
                if *if_unused {
                    let inspect = self.hands.read().inspect_network(id).await?;
                    let Some(inspect) = inspect else {
                        self.progress.event(Event::new(
                            subject,
                            Status::Warning,
                            "No resource found to remove",
                        ));
                        return Ok(Done::Reported);
                    };
                    // In a dry run the containers were not removed: compose's dry-run
                    // client finds the network still in use too.
                    if inspect.containers.is_some_and(|c| !c.is_empty()) {
                        self.progress.event(Event::new(
                            subject,
                            Status::Warning,
                            "Resource is still in use",
                        ));
                        return Ok(Done::Reported);
                    }
                }
                if let Some(engine) = live {
                    match engine.remove_network(id).await {
                        Ok(()) => {}
                        Err(e) if e.is_not_found() && *if_unused => return Ok(Done::Reported),
                        Err(e) => {
                            self.progress.event(status::error(subject));
                            return Err(OpsError::RemoveNetwork {
                                name: name.clone(),
                                source: e,
                            });
                        }
                    }
                }
            }
            Operation::DisconnectNetwork { network, container } => {
                if let Some(engine) = live {
                    engine
                        .disconnect_network(network, &id_of(container)?, true)
                        .await?;
                }
            }
            Operation::ConnectNetwork {
                network,
                container,
                endpoint,
            } => {
                if let Some(engine) = live {
                    let result = engine
                        .connect_network(network, &id_of(container)?, (**endpoint).clone())
                        .await;
                    if let Err(e) = result {
                        self.progress.event(status::failed(subject, &e.to_string()));
                        return Err(e.into());
                    }
                }
            }
            Operation::CreateVolume { request, .. } => {
                if let Some(engine) = live {
                    if let Err(e) = engine.create_volume(request.clone()).await {
                        self.progress.event(status::error(subject));
                        return Err(e.into());
                    }
                }
            }
            Operation::RemoveVolume { name } => {
                if let Some(engine) = live {
                    return self
                        .removed(subject, engine.remove_volume(name).await)
                        .await;
                }
            }
            Operation::RemoveImage { reference } => {
                if let Some(engine) = live {
                    return self
                        .removed(subject, engine.remove_image(reference).await)
                        .await;
                }
            }
            Operation::CreateContainer { spec, deferred } => {
                let id = match live {
                    None => format!("dryRun{}", spec.name),
                    Some(engine) => {
                        let mut spec = (**spec).clone();
                        if let Some(deferred) = deferred {
                            let ids = deferred
                                .services
                                .iter()
                                .map(|(service, step)| {
                                    let made = lock(state).created.get(step).cloned();
                                    Ok((*step, made.ok_or(OpsError::NotCreated(service.clone()))?))
                                })
                                .collect::<OpsResult<Vec<_>>>()?;
                            deferred.fill(&mut spec, &ids)?;
                        }
                        let created = engine
                            .create_container_with_mac(
                                &spec.name,
                                spec.platform.as_deref(),
                                spec.body,
                                spec.mac_address.as_deref(),
                            )
                            .await;
                        match created {
                            Ok(id) => id,
                            Err(e) => {
                                self.progress.event(status::failed(subject, &e.to_string()));
                                return Err(e.into());
                            }
                        }
                    }
                };
                lock(state).created.insert(step.id, id);
            }
            Operation::CopyFile { container, file } => {
                if let Some(engine) = live {
                    engine
                        .upload_archive(&id_of(container)?, "/", crate::archive::single_file(file))
                        .await?;
                }
            }
            Operation::StartContainer { container } => {
                if let Some(engine) = live {
                    // compose's startService returns the error without an event.
                    engine.start_container(&id_of(container)?).await?;
                }
            }
            Operation::StopContainer {
                container,
                timeout,
                removing,
            } => {
                if let Some(engine) = live {
                    if let Err(e) = engine.stop_container(&id_of(container)?, *timeout).await {
                        if e.is_not_found() && *removing {
                            lock(state).gone.insert(container.container.clone());
                            self.progress.event(status::removed(subject));
                            return Ok(Done::Reported);
                        }
                        if !e.is_not_found() {
                            self.progress
                                .event(status::failed(subject, "Error while Stopping"));
                        }
                        return Err(e.into());
                    }
                }
            }
            Operation::KillContainer { container, signal } => {
                if let Some(engine) = live {
                    if let Err(e) = engine.kill_container(&id_of(container)?, signal).await {
                        self.progress
                            .event(status::failed(subject, "Error while Killing"));
                        return Err(e.into());
                    }
                }
            }
            Operation::RemoveContainer {
                container,
                force,
                volumes,
                missing_ok,
            } => {
                if let Some(engine) = live {
                    let result = engine
                        .remove_container(&id_of(container)?, *force, *volumes)
                        .await;
                    match result {
                        Ok(()) => {}
                        Err(e) if *missing_ok && (e.is_not_found() || e.is_conflict()) => {}
                        Err(e) => {
                            if *missing_ok {
                                self.progress
                                    .event(status::failed(subject, "Error while Removing"));
                            }
                            return Err(e.into());
                        }
                    }
                }
            }
            Operation::RenameContainer { container, to } => {
                if let Some(engine) = live {
                    engine.rename_container(&id_of(container)?, to).await?;
                }
            }
            Operation::RestartContainer { container, timeout } => {
                if let Some(engine) = live {
                    engine
                        .restart_container(&id_of(container)?, *timeout)
                        .await?;
                }
            }
            Operation::PauseContainer { container } => {
                if let Some(engine) = live {
                    engine.pause_container(&id_of(container)?).await?;
                }
            }
            Operation::UnpauseContainer { container } => {
                if let Some(engine) = live {
                    engine.unpause_container(&id_of(container)?).await?;
                }
            }
            Operation::RunHook {
                container,
                hook,
                service,
                tty,
                source,
                before_stop,
            } => {
                let id = id_of(container)?;
                match self.run_hook(&id, hook, service, *tty, source).await {
                    // A container a `pre_stop` hook finds gone or stopped is left as it
                    // is, without its stop, as compose leaves it.
                    Err(OpsError::Engine(e))
                        if *before_stop && (e.is_not_found() || e.is_conflict()) =>
                    {
                        lock(state).left_alone.insert(container.container.clone());
                        return Ok(Done::Reported);
                    }
                    other => other?,
                }
            }
            Operation::Wait {
                targets,
                timeout,
                purpose,
            } => {
                let ids: Vec<Vec<(String, String)>> = targets
                    .iter()
                    .map(|t| {
                        t.containers
                            .iter()
                            .map(|c| Ok((id_of(c)?, c.name.clone())))
                            .collect::<OpsResult<Vec<_>>>()
                    })
                    .collect::<OpsResult<_>>()?;
                self.wait(targets, &ids, *timeout, *purpose).await?;
            }
            Operation::Keep { .. } => {}
            Operation::Refuse { error } => return Err(error.clone().into()),
        }
        Ok(Done::Normally)
    }

    /// A removal's outcome with compose's events: in use is a warning, already gone is done.
    async fn removed(&self, subject: &str, result: Result<(), EngineError>) -> OpsResult<Done> {
        match result {
            Ok(()) => Ok(Done::Normally),
            Err(e) if e.is_conflict() && !subject.is_empty() => {
                self.progress.event(Event::new(
                    subject,
                    Status::Warning,
                    "Resource is still in use",
                ));
                Ok(Done::Reported)
            }
            Err(e) if e.is_not_found() && !subject.is_empty() => {
                self.progress.event(Event::new(
                    subject,
                    Status::Done,
                    "Warning: No resource found to remove",
                ));
                Ok(Done::Reported)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Whether a step's last event is still to be reported.
enum Done {
    Normally,
    /// The operation reported its own outcome (a warning, a gone container).
    Reported,
}

fn lock(state: &Mutex<Outcome>) -> std::sync::MutexGuard<'_, Outcome> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}
