//! `run`: observe, pull, plan with berth-plan's `reconcile_run`, and execute: the
//! dependencies with the progress display, then the one-off container without it (as
//! compose shows none of it). Detached, it is started and its ID returned; attached, its
//! streams are attached before the start (stdin too with `-i`), its output handed to the
//! caller, its TTY sized, the signals the caller catches forwarded to it, and its exit code
//! returned. Nothing here touches the terminal: the command line owns it.

use berth_engine::{Engine, Output, ReadOnly, RunEvent};
use berth_model::compose::Project;
use berth_plan::plan::{ContainerRef, Phase};
use berth_plan::reconcile::pull::reconcile_pulls;
use berth_plan::reconcile::run::{reconcile_run, RunOptions as PlanOptions};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

use crate::error::OpsResult;
use crate::events::{Progress, Silent};
use crate::execute::{Executor, OnError, Outcome, PullOptions, RunOptions as HowToRun};
use crate::{observe, up};

/// `run`'s options, as the command line resolved them.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub plan: PlanOptions,
    pub pull: PullOptions,
    pub run: HowToRun,
    pub detach: bool,
}

/// Where an attached run's output goes.
pub trait RunOutput: Send + Sync {
    fn stdout(&self, bytes: &[u8]);
    fn stderr(&self, bytes: &[u8]);
}

/// What an attached run exchanges with the user, through the command line.
pub struct RunIo<'a> {
    /// The input, chunk by chunk (the channel closing is its end), with `-i`.
    pub input: Option<mpsc::Receiver<Vec<u8>>>,
    pub output: &'a dyn RunOutput,
    /// The terminal's size now and on each change (rows, columns), with a TTY.
    pub resizes: Option<mpsc::UnboundedReceiver<(u16, u16)>>,
    /// Signals to pass on to the container (`SIGINT`…), as the docker CLI forwards them.
    pub signals: mpsc::UnboundedReceiver<String>,
    /// Called once the one-off container exists, before it is attached to (the progress
    /// display ends there).
    pub created: &'a (dyn Fn() + Sync),
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// Started in the background (`-d`): the container's ID.
    Detached(String),
    /// Attached until it exited, with this code.
    Exited(i64),
}

/// Runs `run`: `io` is used by an attached run (`None` with `-d`).
pub async fn run(
    engine: &Engine,
    project: &Project,
    options: &RunOptions,
    progress: &dyn Progress,
    io: Option<RunIo<'_>>,
) -> OpsResult<RunOutcome> {
    let executor = Executor::new(options.run.hands(engine), progress, options.run.parallel)
        .with_pull_options(options.pull.clone());
    let mut observed = observe::observe_up(executor.hands.read(), project).await?;
    up::pull(&executor, project, &mut observed).await?;
    let mut plan_options = options.plan.clone();
    plan_options.up.api_version = executor.hands.read().api_version();
    let planned = reconcile_run(project, &observed, &plan_options)?;
    let plan = &planned.plan;
    for w in &plan.warnings {
        progress.warning(w);
    }
    let mut outcome = Outcome::default();
    executor
        .run_part(plan, &mut outcome, |s| s.phase < Phase::Run, OnError::Stop)
        .await?;
    let silent = Silent(progress);
    let quiet = executor.reporting_to(&silent, None);
    let start = planned.start;
    quiet
        .run_part(
            plan,
            &mut outcome,
            |s| s.phase == Phase::Run && s.id != start,
            OnError::Stop,
        )
        .await?;
    let id = match &planned.container.container {
        ContainerRef::Created(step) => outcome.created.get(step).cloned().unwrap_or_default(),
        ContainerRef::Existing(id) => id.clone(),
    };
    let Some(io) = io.filter(|_| !options.detach) else {
        quiet
            .run_part(plan, &mut outcome, |s| s.id == start, OnError::Stop)
            .await?;
        return Ok(RunOutcome::Detached(id));
    };
    (io.created)();
    let Some(engine) = executor.hands.live() else {
        return Ok(RunOutcome::Exited(0));
    };
    let tty = project
        .services
        .get(&options.plan.service)
        .is_some_and(|s| s.tty);
    attached(
        &quiet,
        plan,
        &mut outcome,
        start,
        engine,
        &id,
        options,
        tty,
        io,
    )
    .await
}

/// What `run` would do, without doing it: the pulls it would make, then the rest as the
/// engine is now.
pub async fn plan(
    engine: ReadOnly<'_>,
    project: &Project,
    options: &RunOptions,
) -> OpsResult<berth_plan::Plan> {
    let observed = observe::observe_up(engine, project).await?;
    let mut plan = reconcile_pulls(project, &observed, up::now())?;
    let mut plan_options = options.plan.clone();
    plan_options.up.api_version = engine.api_version();
    plan.append(reconcile_run(project, &observed, &plan_options)?.plan);
    Ok(plan)
}

/// The docker CLI's `RunStart` when attached: attach, register the wait, start, then pass
/// input, output, sizes and signals until the output ends; the wait gives the exit code.
#[allow(clippy::too_many_arguments)]
async fn attached(
    executor: &Executor<'_>,
    plan: &berth_plan::Plan,
    outcome: &mut Outcome,
    start: berth_plan::plan::StepId,
    engine: &Engine,
    id: &str,
    options: &RunOptions,
    project_tty: bool,
    io: RunIo<'_>,
) -> OpsResult<RunOutcome> {
    let RunIo {
        input,
        output,
        resizes,
        mut signals,
        created: _,
    } = io;
    let attach = engine.attach_io(id, input.is_some(), None).await?;
    // The exit code comes from the engine's events, replayed from before the start (the
    // slug names this container alone): a wait call registered before the start cannot be
    // told apart from one sent too late, and a container that ends at once would be missed.
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
        - 5.0;
    let slug = format!("{}={}", berth_model::labels::SLUG, options.plan.slug);
    let mut runs = engine.container_runs(&slug, since);
    executor
        .run_part(plan, outcome, |s| s.id == start, OnError::Stop)
        .await?;

    let tty = project_tty;
    let mut writer = attach.input;
    let pump_input = async move {
        let Some(mut input) = input else {
            return std::future::pending::<()>().await;
        };
        while let Some(chunk) = input.recv().await {
            if writer.write_all(&chunk).await.is_err() || writer.flush().await.is_err() {
                break;
            }
        }
        // The end of the input closes the container's stdin (StdinOnce); a TTY's is left
        // open, as the docker CLI leaves it: closing it hangs the terminal up before the
        // container's output is read.
        if !tty {
            let _ = writer.shutdown().await;
        }
        // The write half must outlive the output: dropping it would end the attachment.
        std::future::pending::<()>().await;
    };
    let mut stream = attach.output;
    let pump_output = async {
        while let Some(item) = stream.next().await {
            match item {
                Ok(Output::Stdout(bytes)) => output.stdout(&bytes),
                Ok(Output::Stderr(bytes)) => output.stderr(&bytes),
                Err(_) => break,
            }
        }
    };
    let forward = async {
        let mut resizes = resizes;
        loop {
            tokio::select! {
                Some(signal) = signals.recv() => {
                    let _ = engine.kill_container(id, &signal).await;
                }
                Some((rows, columns)) = async {
                    match resizes.as_mut() {
                        Some(r) => r.recv().await,
                        None => std::future::pending().await,
                    }
                } => {
                    let _ = engine.resize_container(id, rows, columns).await;
                }
                else => std::future::pending::<()>().await,
            }
        }
    };
    tokio::select! {
        _ = pump_output => {}
        _ = pump_input => {}
        _ = forward => {}
    }
    let mut code = 0;
    while let Some(event) = runs.next().await {
        if let (_, RunEvent::Died(exit), _) = event? {
            code = exit;
            break;
        }
    }
    if options.plan.auto_remove {
        gone(engine, id).await?;
    }
    Ok(RunOutcome::Exited(code))
}

/// Waits until the engine removed the container (`--rm`), as the docker CLI waits for
/// `removed`: gone once `run --rm` returns. It asks the engine every 50 ms, for 30 s at
/// most: a wait call for `removed` made while the engine removes the container can be
/// left unanswered (seen on engine 20.10), and polling cannot.
async fn gone(engine: &Engine, id: &str) -> OpsResult<()> {
    for _ in 0..600 {
        match engine.inspect_container(id).await {
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.into()),
            Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
    Ok(())
}
