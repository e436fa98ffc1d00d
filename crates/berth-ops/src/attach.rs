//! Attached `up`: create, attach to the selected containers' output, start, then follow
//! them until they all exit, stopping the project on Ctrl-C or, with a cascade flag, on
//! the first exit. Lines and statuses go to a [`LogConsumer`]; nothing here prints.

use std::collections::{HashMap, HashSet};

use berth_engine::models::ContainerState;
use berth_engine::{Engine, EngineError, Output, RunEvent};
use berth_model::gotime::Timestamp;
use berth_model::labels::project_filter;
use berth_plan::Container;
use futures_util::stream::{BoxStream, FuturesUnordered, StreamExt};
use tokio::sync::mpsc;

use crate::error::OpsResult;
use crate::hooks::Hooks;
use crate::runner::Runner;
use crate::up::{self, ServiceContainers, UpOptions};
use berth_model::compose::Project;

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

/// The name compose shows for a container in logs: without the `<project>-` prefix.
pub fn log_source(project: &Project, container: &Container) -> String {
    let prefix = format!("{}{}", project.name, project.separator.as_str());
    container
        .name
        .strip_prefix(&prefix)
        .unwrap_or(&container.name)
        .to_string()
}

#[allow(clippy::too_many_arguments)]
/// Runs attached `up`; returns the exit status compose would return (130 after Ctrl-C).
/// `created` is called once the containers exist, before their output is shown (the
/// progress display ends there); the stops that follow report to `stop_progress`.
pub async fn up_attached(
    runner: &Runner<'_>,
    project: &Project,
    options: &UpOptions,
    attach: &AttachOptions,
    consumer: &dyn LogConsumer,
    mut interrupts: Interrupts,
    created: &dyn Fn(),
    stop_progress: &dyn crate::events::Progress,
) -> OpsResult<i32> {
    let containers = up::create(runner, project, options).await?;
    created();
    if runner.dry_run {
        // compose starts nothing here: attached containers start after the progress display.
        consumer
            .notice("end of 'compose up' output, interactive run is not supported in dry-run mode");
        return Ok(0);
    }
    let mut attached: Vec<(Container, String)> = containers
        .iter()
        .filter(|(service, _)| attach.services.contains(service))
        .flat_map(|(_, list)| list.iter().cloned())
        .map(|c| {
            let source = log_source(project, &c);
            (c, source)
        })
        .collect();
    attached.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    if !attached.is_empty() {
        let names: Vec<String> = attached.iter().map(|(_, s)| s.clone()).collect();
        consumer.attaching(&names);
    }
    let mut streams = FuturesUnordered::new();
    for (container, source) in &attached {
        let stream = runner.engine.attach_output(&container.id).await?;
        streams.push(forward(stream, source.clone(), consumer));
    }
    // The output of a container's next run, when its restart policy restarts it, comes from
    // `monitor`; the forwarding ends once every stream has and the monitor is done.
    let (rerun, mut reruns) = mpsc::unbounded_channel::<Attached>();
    let forwarding = async {
        loop {
            tokio::select! {
                Some((stream, source)) = reruns.recv() => {
                    streams.push(forward(stream, source, consumer));
                }
                Some(()) = streams.next() => {}
                else => break,
            }
        }
    };

    // The containers start without a progress display, as compose starts them; the output
    // is attached all along.
    let silent = crate::events::Silent(runner.progress);
    let quiet_runner =
        Runner::new(runner.engine, &silent, false, options.parallel).with_hook_output(consumer);
    let stop_runner = Runner::new(runner.engine, stop_progress, false, options.parallel)
        .with_hook_output(consumer);
    let run = async {
        // Deaths are followed from before the starts: one that comes first is not missed.
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        up::start_services(&quiet_runner, project, &containers, options.wait_timeout).await?;
        let code = monitor(
            &stop_runner,
            project,
            &containers,
            Followed {
                attached: &attached,
                rerun: &rerun,
                since,
            },
            attach,
            consumer,
            &mut interrupts,
        )
        .await;
        drop(rerun);
        code
    };
    let ((), code) = futures_util::join!(forwarding, run);
    code
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

/// Passes a container's output to the consumer line by line.
async fn forward(
    mut stream: futures_util::stream::BoxStream<'static, Result<Output, berth_engine::EngineError>>,
    source: String,
    consumer: &dyn LogConsumer,
) {
    while let Some(Ok(chunk)) = stream.next().await {
        let (kind, bytes) = match chunk {
            Output::Stdout(b) => (LogStream::Stdout, b),
            Output::Stderr(b) => (LogStream::Stderr, b),
        };
        each_line(&bytes, |line| consumer.log(&source, kind, line));
    }
}

/// The lines of a chunk of output, without their line ends.
pub(crate) fn each_line(bytes: &[u8], mut f: impl FnMut(&str)) {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_suffix('\n').unwrap_or(&text);
    for line in text.split('\n') {
        f(line.strip_suffix('\r').unwrap_or(line));
    }
}

/// The attached containers with their log prefixes, and where the output of their next runs
/// goes.
struct Followed<'a> {
    attached: &'a [(Container, String)],
    rerun: &'a mpsc::UnboundedSender<Attached>,
    /// When following began (unix seconds).
    since: f64,
}

/// Waits for the attached containers to exit (following restarts), handles Ctrl-C and the
/// cascade flags; returns the exit status. Exits are read from the engine's events, as
/// compose reads them: a wait can miss a restarted run's death, or its exit code, which the
/// engine clears when it starts the next run.
async fn monitor(
    runner: &Runner<'_>,
    project: &Project,
    containers: &ServiceContainers,
    followed: Followed<'_>,
    attach: &AttachOptions,
    consumer: &dyn LogConsumer,
    interrupts: &mut Interrupts,
) -> OpsResult<i32> {
    let Followed {
        attached,
        rerun,
        since,
    } = followed;
    let engine = runner.engine;
    let mut runs = engine.container_runs(&project_filter(&project.name), since);
    let mut exit_code = 0;
    let mut stopping = false;
    let mut interrupted = 0;
    let mut done: HashSet<String> = HashSet::new();
    // Containers their restart policy restarts, with when their last run died.
    let mut restarting: HashMap<String, i64> = HashMap::new();
    while done.len() < attached.len() {
        tokio::select! {
            event = runs.next() => {
                let (id, what, when) = match event {
                    Some(Ok(event)) => event,
                    Some(Err(e)) => return Err(e.into()),
                    None => break,
                };
                let Some((container, source)) = attached.iter().find(|(c, _)| c.id == id) else { continue };
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
                    stop_all(runner, project, containers).await?;
                }
            }
            Some(()) = interrupts.recv() => {
                interrupted += 1;
                if interrupted == 1 {
                    consumer.stopping();
                    stopping = true;
                    stop_all(runner, project, containers).await?;
                } else {
                    kill_all(runner, containers).await;
                }
                exit_code = 130;
            }
            else => break,
        }
    }
    Ok(exit_code)
}

/// Stops the project's containers, dependents first, as `stop` does.
async fn stop_all(
    runner: &Runner<'_>,
    project: &Project,
    containers: &ServiceContainers,
) -> OpsResult<()> {
    let graph = up::dependency_graph(project);
    crate::walk::walk(&graph, true, |service| async move {
        let list = containers
            .get(service)
            .map(Vec::as_slice)
            .unwrap_or_default();
        futures_util::future::try_join_all(list.iter().map(|c| async move {
            runner
                .stop(c, None, &Hooks::pre_stop(Some(project), c))
                .await
        }))
        .await?;
        Ok(())
    })
    .await
}

/// The second Ctrl-C: kill everything at once.
async fn kill_all(runner: &Runner<'_>, containers: &ServiceContainers) {
    let all = containers.values().flatten();
    futures_util::future::join_all(all.map(|c| runner.engine.kill_container(&c.id, "SIGKILL")))
        .await;
}
