//! Attached `up`: create, attach to the selected containers' output, start, then follow
//! them until they all exit, stopping the project on Ctrl-C or, with a cascade flag, on
//! the first exit. Lines and statuses go to a [`LogConsumer`]; nothing here prints.

use std::collections::{HashMap, HashSet};

use berth_engine::models::ContainerState;
use berth_engine::{Engine, EngineError, Output, RunEvent};
use berth_model::compose::Project;
use berth_model::gotime::Timestamp;
use berth_model::labels::project_filter;
use berth_plan::plan::{ContainerRef, Phase};
use berth_plan::reconcile::lifecycle::{reconcile_kill, reconcile_stop, KillOptions, StopOptions};
use futures_util::stream::{BoxStream, FuturesUnordered, StreamExt};
use tokio::sync::mpsc;

use crate::error::{OpsError, OpsResult};
use crate::execute::{Executor, OnError, Outcome};
use crate::observe;
use crate::up::{self, UpOptions};

pub use berth_plan::reconcile::up::log_source;

/// Which of a container's streams a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStream {
    Stdout,
    Stderr,
}

/// Receives what attached containers print, and the status lines compose adds.
pub trait LogConsumer: Send + Sync {
    /// `Attaching to a-1, b-1` (names without the project prefix).
    fn attaching(&self, names: &[String]);
    fn log(&self, source: &str, stream: LogStream, line: &str);
    /// `<source> exited with code N`, …
    fn status(&self, source: &str, message: &str);
    /// `Gracefully Stopping... press Ctrl+C again to force`.
    fn stopping(&self);
    /// `Aborting on container exit...`.
    fn aborting(&self);
    /// A plain line on standard output.
    fn notice(&self, message: &str);
}

/// When the first exit stops everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cascade {
    /// Any exit (`--abort-on-container-exit`).
    Exit,
    /// A non-zero exit (`--abort-on-container-failure`).
    Failure,
}

#[derive(Debug, Clone, Default)]
pub struct AttachOptions {
    /// Services whose output is shown.
    pub services: Vec<String>,
    pub cascade: Option<Cascade>,
    /// `--exit-code-from`.
    pub exit_code_from: Option<String>,
}

/// What interrupts the attached run: each message is one Ctrl-C.
pub type Interrupts = mpsc::UnboundedReceiver<()>;

/// Runs attached `up`; returns the exit status compose would return (130 after Ctrl-C).
/// `created` is called once the containers exist, before their output is shown (the
/// progress display ends there); the stops that follow report to `stop_progress`.
pub async fn up_attached(
    executor: &Executor<'_>,
    project: &Project,
    options: &UpOptions,
    attach: &AttachOptions,
    io: Attachment<'_>,
    mut interrupts: Interrupts,
    observed: Option<berth_plan::Observed>,
) -> OpsResult<i32> {
    let Attachment {
        consumer,
        created,
        stop_progress,
    } = io;
    let planned = up::prepare(executor, project, options, observed).await?;
    let mut outcome = Outcome::default();
    let plan = &planned.plan;
    executor
        .run_part(
            plan,
            &mut outcome,
            |s| s.phase <= Phase::Create,
            OnError::Stop,
        )
        .await?;
    created();
    if executor.hands.is_dry_run() {
        // compose starts nothing here: attached containers start after the progress display.
        consumer
            .notice("end of 'compose up' output, interactive run is not supported in dry-run mode");
        return Ok(0);
    }
    let mut attached: Vec<Followed> = Vec::new();
    for (service, list) in &planned.containers {
        if !attach.services.contains(service) {
            continue;
        }
        for target in list {
            let id = match &target.container {
                ContainerRef::Existing(id) => id.clone(),
                ContainerRef::Created(step) => {
                    outcome.created.get(step).cloned().unwrap_or_default()
                }
            };
            attached.push(Followed {
                id,
                service: service.clone(),
                source: log_source(project, &target.name),
            });
        }
    }
    attached.sort_by(|a, b| a.source.cmp(&b.source));
    if !attached.is_empty() {
        let names: Vec<String> = attached.iter().map(|f| f.source.clone()).collect();
        consumer.attaching(&names);
    }
    let engine = executor.hands.live().ok_or(OpsError::InteractiveDryRun)?;
    // compose follows the services named on the command line, else the attached ones.
    let named = &options.plan.services;
    let watched: Vec<&Followed> = if named.is_empty() {
        attached.iter().collect()
    } else {
        attached
            .iter()
            .filter(|f| named.contains(&f.service))
            .collect()
    };
    let is_watched = |source: &str| watched.iter().any(|f| f.source == source);
    let mut streams = FuturesUnordered::new();
    for followed in &attached {
        let stream = engine.attach_output(&followed.id).await?;
        streams.push(forward(stream, followed.source.clone(), consumer));
    }
    // The output of a container's next run, when its restart policy restarts it, comes from
    // `monitor`. Once the run is over, the forwarding ends with the watched containers'
    // output: an attached dependency that still runs is not waited for.
    let (rerun, mut reruns) = mpsc::unbounded_channel::<Attached>();
    let (over, mut run_over) = tokio::sync::oneshot::channel::<()>();
    let forwarding = async {
        let mut pending = watched.len();
        let mut finished = false;
        while !(finished && pending == 0) {
            tokio::select! {
                Some((stream, source)) = reruns.recv() => {
                    pending += usize::from(is_watched(&source));
                    streams.push(forward(stream, source, consumer));
                }
                Some(source) = streams.next() => {
                    pending -= usize::from(is_watched(&source));
                }
                _ = &mut run_over, if !finished => finished = true,
                else => break,
            }
        }
    };

    // The containers start without a progress display, as compose starts them; the output
    // is attached all along.
    let silent = crate::events::Silent(executor.progress);
    let quiet = executor.reporting_to(&silent, Some(consumer));
    let stopping = executor.reporting_to(stop_progress, Some(consumer));
    let run = async {
        // Deaths are followed from before the starts: one that comes first is not missed.
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        quiet
            .run_part(
                plan,
                &mut outcome,
                |s| s.phase >= Phase::Start,
                OnError::Stop,
            )
            .await?;
        let code = monitor(
            &stopping,
            project,
            Watch {
                watched: &watched,
                rerun: &rerun,
                since,
                named,
            },
            attach,
            consumer,
            &mut interrupts,
        )
        .await;
        drop(rerun);
        let _ = over.send(());
        code
    };
    let ((), code) = futures_util::join!(forwarding, run);
    code
}

/// What attached `up` shows and where: the containers' output and status lines, the end of
/// the create display, and the display of the stops that follow.
pub struct Attachment<'a> {
    pub consumer: &'a dyn LogConsumer,
    pub created: &'a dyn Fn(),
    pub stop_progress: &'a dyn crate::events::Progress,
}

/// An attached container.
#[derive(Debug, Clone)]
struct Followed {
    id: String,
    service: String,
    /// Its log prefix.
    source: String,
}

/// A container's output and its log prefix.
type Attached = (BoxStream<'static, Result<Output, EngineError>>, String);

/// The output of a container's run that started after the previous one died at `died`
/// (unix nanoseconds): its logs, followed (as compose follows them on the start event; an
/// attachment to a container between runs gets nothing). The new run's first lines can be
/// stamped before its `StartedAt`, so everything after the previous run died belongs to it.
fn next_run(
    engine: &Engine,
    id: &str,
    died: i64,
) -> BoxStream<'static, Result<Output, EngineError>> {
    let after = (
        died.div_euclid(1_000_000_000),
        died.rem_euclid(1_000_000_000) as u32,
    );
    engine
        .follow_logs(id, after.0)
        .filter_map(move |chunk| async move { since(chunk, after) })
        .boxed()
}

/// A timestamped log line without its timestamp, if it was written after `after` (the
/// engine's `since` counts whole seconds). Both streams come out on stdout, as
/// compose prints the logs of a restarted container.
fn since(
    chunk: Result<Output, EngineError>,
    after: (i64, u32),
) -> Option<Result<Output, EngineError>> {
    let strip = |bytes: Vec<u8>| -> Option<Vec<u8>> {
        let space = bytes.iter().position(|b| *b == b' ')?;
        let stamp = Timestamp::parse(std::str::from_utf8(&bytes[..space]).ok()?)?;
        ((stamp.unix_seconds(), stamp.nanosecond) > after).then(|| bytes[space + 1..].to_vec())
    };
    match chunk {
        Ok(Output::Stdout(bytes) | Output::Stderr(bytes)) => {
            strip(bytes).map(|b| Ok(Output::Stdout(b)))
        }
        Err(e) => Some(Err(e)),
    }
}

/// Passes a container's output to the consumer line by line, until it ends; returns the
/// container's log prefix.
async fn forward(
    mut stream: futures_util::stream::BoxStream<'static, Result<Output, berth_engine::EngineError>>,
    source: String,
    consumer: &dyn LogConsumer,
) -> String {
    while let Some(Ok(chunk)) = stream.next().await {
        let (kind, bytes) = match chunk {
            Output::Stdout(b) => (LogStream::Stdout, b),
            Output::Stderr(b) => (LogStream::Stderr, b),
        };
        each_line(&bytes, |line| consumer.log(&source, kind, line));
    }
    source
}

/// The lines of a chunk of output, without their line ends.
pub(crate) fn each_line(bytes: &[u8], mut f: impl FnMut(&str)) {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_suffix('\n').unwrap_or(&text);
    for line in text.split('\n') {
        f(line.strip_suffix('\r').unwrap_or(line));
    }
}

/// The containers whose exits end the run, where the output of their next runs goes, and
/// the services named on the command line (what a stop stops).
struct Watch<'a> {
    watched: &'a [&'a Followed],
    rerun: &'a mpsc::UnboundedSender<Attached>,
    /// When following began (unix seconds).
    since: f64,
    named: &'a [String],
}

/// Waits for the watched containers to exit (following restarts), handles Ctrl-C and the
/// cascade flags; returns the exit status. Exits are read from the engine's events, as
/// compose reads them: a wait can miss a restarted run's death, or its exit code, which the
/// engine clears when it starts the next run.
async fn monitor(
    executor: &Executor<'_>,
    project: &Project,
    watch: Watch<'_>,
    attach: &AttachOptions,
    consumer: &dyn LogConsumer,
    interrupts: &mut Interrupts,
) -> OpsResult<i32> {
    let Watch {
        watched,
        rerun,
        since,
        named,
    } = watch;
    let engine = executor.hands.live().ok_or(OpsError::InteractiveDryRun)?;
    let mut runs = engine.container_runs(&project_filter(&project.name), since);
    let mut exit_code = 0;
    let mut stopping = false;
    let mut interrupted = 0;
    let mut done: HashSet<String> = HashSet::new();
    // Containers their restart policy restarts, with when their last run died.
    let mut restarting: HashMap<String, i64> = HashMap::new();
    while done.len() < watched.len() {
        tokio::select! {
            event = runs.next() => {
                let (id, what, when): (String, RunEvent, i64) = match event {
                    Some(Ok(event)) => event,
                    Some(Err(e)) => return Err(e.into()),
                    None => break,
                };
                let Some(container) = watched.iter().find(|f| f.id == id) else { continue };
                let source = &container.source;
                let code = match what {
                    _ if done.contains(&id) => continue,
                    RunEvent::Started => {
                        if let Some(died) = restarting.remove(&id) {
                            let _ = rerun.send((next_run(engine, &id, died), source.clone()));
                        }
                        continue;
                    }
                    RunEvent::Died(code) => code,
                };
                let state = if stopping {
                    None
                } else {
                    engine.inspect_container(&id).await.ok().and_then(|i| i.state)
                };
                // The engine may have started it again already (compose's test, too).
                let again = |s: &ContainerState| {
                    s.restarting.unwrap_or(false) || s.running.unwrap_or(false)
                };
                if state.is_some_and(|s| again(&s)) {
                    consumer.status(source, &format!("exited with code {code} (restarting)"));
                    restarting.insert(id, when);
                    continue;
                }
                // After Ctrl-C compose stops following, so the exits are not reported.
                if interrupted == 0 {
                    consumer.status(source, &format!("exited with code {code}"));
                }
                done.insert(id);
                if attach.exit_code_from.as_deref() == Some(container.service.as_str()) {
                    exit_code = code as i32;
                }
                let cascades = match attach.cascade {
                    Some(Cascade::Exit) => true,
                    Some(Cascade::Failure) => code != 0,
                    None => false,
                };
                if cascades && !stopping {
                    stopping = true;
                    if attach.exit_code_from.is_none() {
                        exit_code = code as i32;
                    }
                    consumer.aborting();
                    stop_named(executor, project, named).await?;
                }
            }
            Some(()) = interrupts.recv() => {
                interrupted += 1;
                if interrupted == 1 {
                    consumer.stopping();
                    stopping = true;
                    // A second Ctrl-C during the stops kills at once (the stop calls in
                    // flight are dropped; the engine's kill ends them).
                    tokio::select! {
                        stopped = stop_named(executor, project, named) => stopped?,
                        Some(()) = interrupts.recv() => {
                            interrupted += 1;
                            kill_named(executor, project, named).await;
                        }
                    }
                } else {
                    kill_named(executor, project, named).await;
                }
                exit_code = 130;
            }
            else => break,
        }
    }
    Ok(exit_code)
}

/// Stops the services named on the command line (all of them when none is), dependents
/// first, as `stop` does: compose's `up` stops `options.Create.Services`.
async fn stop_named(executor: &Executor<'_>, project: &Project, named: &[String]) -> OpsResult<()> {
    let observed = observe::observe_containers(executor.hands.read(), &project.name, true).await?;
    let options = StopOptions {
        services: named.to_vec(),
        timeout: None,
    };
    let plan = reconcile_stop(Some(project), &observed, &options)?;
    executor.run(&plan).await?;
    Ok(())
}

/// The second Ctrl-C: kill those services' containers at once.
async fn kill_named(executor: &Executor<'_>, project: &Project, named: &[String]) {
    let Ok(observed) =
        observe::observe_containers(executor.hands.read(), &project.name, true).await
    else {
        return;
    };
    let options = KillOptions {
        services: named.to_vec(),
        ..KillOptions::default()
    };
    let plan = reconcile_kill(Some(project), &observed, &options);
    // compose kills without a display; containers already stopped or gone are no error.
    let silent = crate::events::Silent(executor.progress);
    let _ = executor.reporting_to(&silent, None).run(&plan).await;
}
