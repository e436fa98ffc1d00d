//! `logs`: the output of the project's containers (compose's pkg/compose/logs.go): every
//! selected container's log read at once, and with `follow`, the containers that start
//! later (restarts, scale, recreation, `run`) picked up from the engine's events until the
//! project's containers have all stopped (compose's monitor). Lines go to a [`LogSink`].

use std::collections::{HashMap, HashSet};

use berth_engine::models::{ContainerSummary, EventMessage};
use berth_engine::{ContainerFilter, Engine, EngineError, LogsRequest, Output};
use berth_model::gotime::Timestamp;
use berth_model::labels;
use futures_util::stream::{self, BoxStream, SelectAll, StreamExt};
use futures_util::FutureExt;

use crate::ps::{canonical_name, project_filter};

/// Receives the containers' lines and compose's status lines.
pub trait LogSink: Send + Sync {
    /// One line of `source`'s output, without its line end.
    fn line(&self, source: &str, line: &[u8]);
    /// `<source> exited with code N`, `<source> has been recreated`.
    fn status(&self, source: &str, message: &str);
    /// Called when no more output is ready: what was buffered is written out.
    fn flush(&self);
    /// The engine cannot read `container`'s log (its logging driver keeps none): compose
    /// warns and goes on.
    fn unreadable(&self, container: &str, message: &str);
}

/// What `logs` reads.
#[derive(Debug, Clone, Default)]
pub struct LogsOptions {
    /// The services whose containers are shown; none means all the project's containers.
    pub services: Vec<String>,
    pub follow: bool,
    /// `--index`: the replica of the one selected service (0: all).
    pub index: i64,
    /// `--tail`: a number of lines from the end of each container's log, or `all`.
    pub tail: String,
    /// `--since`/`--until` as the engine takes them ([`berth_model::docker_time`]).
    pub since: Option<String>,
    pub until: Option<String>,
    pub timestamps: bool,
    /// The name separator of default container names (`-`, or `_` in compatibility mode).
    pub separator: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LogsError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("service {0:?} is not running container #{1}")]
    NoReplica(String, i64),
    #[error("service {0:?} is not running")]
    NotRunning(String),
}

/// A container whose log is read.
struct Source {
    /// The container's name (for warnings).
    container: String,
    /// Its prefix: the name without the project when it is the default name.
    name: String,
    /// The partial line the last chunk ended with (compose joins chunks up to a line end
    /// and drops a last line that has none).
    pending: Vec<u8>,
}

/// What the merged streams yield.
enum Item {
    Chunk(usize, Result<Output, EngineError>),
    /// A container's log ended.
    End(usize),
}

/// Prints the selected containers' logs; with `follow`, until the project's containers are
/// all stopped. A future: dropping it (Ctrl-C) stops everything.
pub async fn logs(
    engine: &Engine,
    project: &str,
    options: &LogsOptions,
    sink: &dyn LogSink,
) -> Result<(), LogsError> {
    let project = project.to_lowercase();
    // Deaths and starts are read from before the listing, so none falls between the two.
    let started_at = unix_nanos_now();
    let containers = select(engine, &project, options).await?;
    let mut sources: Vec<Source> = Vec::new();
    let mut merged: SelectAll<BoxStream<'static, Item>> = SelectAll::new();
    let request = LogsRequest {
        follow: options.follow,
        since: options.since.clone(),
        until: options.until.clone(),
        tail: options.tail.clone(),
        timestamps: options.timestamps,
    };
    let opened = futures_util::future::join_all(containers.iter().map(|c| {
        let id = c.id.clone().unwrap_or_default();
        let request = &request;
        async move { engine.container_logs_in_blocks(&id, request).await }
    }))
    .await;
    for (c, stream) in containers.iter().zip(opened) {
        merged.push(tagged(sources.len(), stream));
        let id = c.id.clone().unwrap_or_default();
        sources.push(Source {
            container: canonical_name(&id, c.names.as_deref().unwrap_or_default()),
            name: prefix_name(c, &project, &options.separator),
            pending: Vec::new(),
        });
    }
    let mut monitor = if options.follow {
        Some(Monitor::start(engine, &project, options, started_at).await?)
    } else {
        None
    };
    loop {
        let events = monitor
            .as_mut()
            .filter(|m| !m.done())
            .map(|m| &mut m.events);
        // Output is written out only when nothing more is ready: one write for many lines.
        let next = match next_item(&mut merged, events).now_or_never() {
            Some(next) => next,
            None => {
                sink.flush();
                let events = monitor
                    .as_mut()
                    .filter(|m| !m.done())
                    .map(|m| &mut m.events);
                next_item(&mut merged, events).await
            }
        };
        match next {
            Next::Done => break,
            Next::Item(None) => {}
            Next::Item(Some(Item::Chunk(i, Ok(chunk)))) => {
                let bytes = match chunk {
                    Output::Stdout(b) | Output::Stderr(b) => b,
                };
                let source = &mut sources[i];
                split_lines(&mut source.pending, &bytes, |line| {
                    sink.line(&source.name, line)
                });
            }
            // 501: a logging driver that keeps nothing to read.
            Next::Item(Some(Item::Chunk(
                i,
                Err(EngineError::Daemon {
                    status: 501,
                    message,
                }),
            ))) => {
                let error = EngineError::Daemon {
                    status: 501,
                    message,
                };
                sink.unreadable(&sources[i].container, &error.to_string());
            }
            Next::Item(Some(Item::Chunk(_, Err(e)))) => {
                sink.flush();
                return Err(e.into());
            }
            // compose drops a last line without a line end.
            Next::Item(Some(Item::End(i))) => sources[i].pending.clear(),
            Next::Event(None) => {
                if let Some(m) = monitor.as_mut() {
                    m.containers.clear();
                }
            }
            Next::Event(Some(Err(e))) => {
                sink.flush();
                return Err(e.into());
            }
            Next::Event(Some(Ok(event))) => {
                let Some(m) = monitor.as_mut() else { continue };
                let Some(seen) = m.observe(engine, &event, sink).await else {
                    continue;
                };
                // A started container: its log from this run on.
                let follow = LogsRequest {
                    follow: true,
                    since: Some(seen.after.0.to_string()),
                    until: request.until.clone(),
                    tail: request.tail.clone(),
                    timestamps: true,
                };
                let keep_stamps = options.timestamps;
                let stream = engine
                    .container_logs(&seen.id, &follow)
                    .filter_map(move |chunk| {
                        std::future::ready(after(chunk, seen.after, keep_stamps))
                    });
                merged.push(tagged(sources.len(), stream.boxed()));
                sources.push(Source {
                    container: seen.source.clone(),
                    name: seen.source,
                    pending: Vec::new(),
                });
            }
        }
    }
    sink.flush();
    Ok(())
}

/// The next log chunk, or the next event while the monitor watches.
async fn next_item(
    merged: &mut SelectAll<BoxStream<'static, Item>>,
    events: Option<&mut BoxStream<'static, Result<EventMessage, EngineError>>>,
) -> Next {
    let watching = events.is_some();
    let mut events = events;
    tokio::select! {
        biased;
        item = merged.next(), if !merged.is_empty() => Next::Item(item),
        event = async { events.as_mut().expect("watching").next().await }, if watching => {
            Next::Event(event)
        }
        else => Next::Done,
    }
}

enum Next {
    Item(Option<Item>),
    Event(Option<Result<EventMessage, EngineError>>),
    Done,
}

/// A container's log stream, its chunks tagged with the container's index, then its end.
fn tagged(
    index: usize,
    stream: BoxStream<'static, Result<Output, EngineError>>,
) -> BoxStream<'static, Item> {
    stream
        .map(move |chunk| Item::Chunk(index, chunk))
        .chain(stream::once(async move { Item::End(index) }))
        .boxed()
}

/// Appends `bytes` to `pending` and passes each complete line on.
fn split_lines(pending: &mut Vec<u8>, bytes: &[u8], mut line: impl FnMut(&[u8])) {
    let mut rest = bytes;
    if !pending.is_empty() {
        match memchr(rest) {
            Some(end) => {
                pending.extend_from_slice(&rest[..end]);
                line(pending);
                pending.clear();
                rest = &rest[end + 1..];
            }
            None => {
                pending.extend_from_slice(rest);
                return;
            }
        }
    }
    while let Some(end) = memchr(rest) {
        line(&rest[..end]);
        rest = &rest[end + 1..];
    }
    pending.extend_from_slice(rest);
}

fn memchr(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'\n')
}

/// A timestamped chunk if it was written after `after` (unix seconds, nanoseconds), with
/// its timestamp when `keep_stamps` (`-t`).
fn after(
    chunk: Result<Output, EngineError>,
    after: (i64, u32),
    keep_stamps: bool,
) -> Option<Result<Output, EngineError>> {
    let bytes = match chunk {
        Ok(Output::Stdout(b) | Output::Stderr(b)) => b,
        Err(e) => return Some(Err(e)),
    };
    let space = bytes.iter().position(|b| *b == b' ')?;
    let stamp = Timestamp::parse(std::str::from_utf8(&bytes[..space]).ok()?)?;
    if (stamp.unix_seconds(), stamp.nanosecond) <= after {
        return None;
    }
    Some(Ok(Output::Stdout(if keep_stamps {
        bytes
    } else {
        bytes[space + 1..].to_vec()
    })))
}

fn unix_nanos_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

/// The containers whose logs are read (compose's `getContainers` with one-off containers
/// left out, stopped ones in; or the `--index` replica).
async fn select(
    engine: &Engine,
    project: &str,
    options: &LogsOptions,
) -> Result<Vec<ContainerSummary>, LogsError> {
    let one = (options.services.len() == 1).then(|| options.services[0].as_str());
    let mut filter = project_filter(project, Some(false), one);
    if options.index > 0 {
        filter.push(format!("{}={}", labels::CONTAINER_NUMBER, options.index));
    }
    let list = engine
        .list_containers(&ContainerFilter {
            labels: filter,
            all: true,
        })
        .await?;
    let list: Vec<ContainerSummary> = list
        .into_iter()
        .filter(|c| options.services.is_empty() || options.services.contains(&service_of(c)))
        .collect();
    if options.index > 0 {
        let service = options.services.first().cloned().unwrap_or_default();
        let first = list.into_iter().next();
        return match first {
            Some(c) => Ok(vec![c]),
            None => Err(LogsError::NoReplica(service, options.index)),
        };
    }
    Ok(list)
}

fn service_of(c: &ContainerSummary) -> String {
    c.labels
        .as_ref()
        .and_then(|l| l.get(labels::SERVICE))
        .cloned()
        .unwrap_or_default()
}

/// compose's `getContainerNameWithoutProject`: the name without `<project>-` when it is the
/// default name (`project-service-N`), else the whole name.
fn prefix_name(c: &ContainerSummary, project: &str, separator: &str) -> String {
    let id = c.id.clone().unwrap_or_default();
    let name = canonical_name(&id, c.names.as_deref().unwrap_or_default());
    let labels = c.labels.clone().unwrap_or_default();
    let get = |k: &str| labels.get(k).map(String::as_str).unwrap_or("");
    source_name(
        &name,
        project,
        get(labels::SERVICE),
        get(labels::CONTAINER_NUMBER),
        separator,
    )
}

fn source_name(name: &str, project: &str, service: &str, number: &str, sep: &str) -> String {
    let default = format!("{project}{sep}{service}{sep}{number}");
    if name == default {
        name[project.len() + 1..].to_string()
    } else {
        name.to_string()
    }
}

/// compose's monitor: the project's containers (of the selected services) that run, kept
/// up to date from the engine's events; following ends when none is left.
struct Monitor {
    events: BoxStream<'static, Result<EventMessage, EngineError>>,
    /// The containers that have not stopped yet.
    containers: HashSet<String>,
    services: Vec<String>,
    project: String,
    separator: String,
    /// The containers whose logs were read up to `listed` (unix nanoseconds).
    listed_ids: HashSet<String>,
    listed: i64,
    /// When each container's last run died (unix nanoseconds).
    died: HashMap<String, i64>,
}

/// A container that started: where its log is read from.
struct Started {
    id: String,
    source: String,
    /// Lines stamped at or before this (unix seconds, nanoseconds) were shown already.
    after: (i64, u32),
}

impl Monitor {
    async fn start(
        engine: &Engine,
        project: &str,
        options: &LogsOptions,
        listed: i64,
    ) -> Result<Monitor, LogsError> {
        let since = format!("{}.{:09}", listed / 1_000_000_000, listed % 1_000_000_000);
        let events = engine.events(
            &[labels::project_filter(project)],
            Some("container"),
            Some(since),
            None,
        );
        let initial = engine
            .list_containers(&ContainerFilter {
                labels: project_filter(project, Some(false), None),
                all: true,
            })
            .await?;
        let services = options.services.clone();
        let selected = || {
            initial
                .iter()
                .filter(|c| services.is_empty() || services.contains(&service_of(c)))
        };
        // compose also waits for the containers that had stopped before it began, which
        // then never ends it; berth waits for those that run.
        let containers = selected()
            .filter(|c| {
                let state = c.state.as_ref().map(ToString::to_string);
                matches!(state.as_deref(), Some("running" | "restarting" | "paused"))
            })
            .filter_map(|c| c.id.clone())
            .collect::<HashSet<_>>();
        let listed_ids = selected().filter_map(|c| c.id.clone()).collect();
        Ok(Monitor {
            events,
            listed_ids,
            containers,
            services,
            project: project.to_string(),
            separator: options.separator.clone(),
            listed,
            died: HashMap::new(),
        })
    }

    fn done(&self) -> bool {
        self.containers.is_empty()
    }

    /// Handles one event; returns the container to follow when one started.
    async fn observe(
        &mut self,
        engine: &Engine,
        event: &EventMessage,
        sink: &dyn LogSink,
    ) -> Option<Started> {
        let actor = event.actor.as_ref()?;
        let id = actor.id.clone().unwrap_or_default();
        let attributes = actor.attributes.clone().unwrap_or_default();
        let get = |k: &str| attributes.get(k).map(String::as_str).unwrap_or("");
        let service = get(labels::SERVICE).to_string();
        if !self.services.is_empty() && !self.services.contains(&service) {
            return None;
        }
        let source = source_name(
            get("name"),
            &self.project,
            &service,
            get(labels::CONTAINER_NUMBER),
            &self.separator,
        );
        let when = event.time_nano.unwrap_or(0);
        match event.action.as_deref() {
            Some("create") => {
                self.containers.insert(id);
                if let Some(replaced) = attributes.get("com.docker.compose.replace") {
                    sink.flush();
                    sink.status(replaced, "has been recreated");
                }
                None
            }
            Some("start") => {
                self.containers.insert(id.clone());
                let after = match self.died.get(&id) {
                    Some(died) => *died,
                    None if self.listed_ids.contains(&id) => self.listed,
                    None => 0,
                };
                Some(Started {
                    id,
                    source,
                    after: (
                        after.div_euclid(1_000_000_000),
                        after.rem_euclid(1_000_000_000) as u32,
                    ),
                })
            }
            Some("destroy") => {
                self.containers.remove(&id);
                None
            }
            Some("die") => {
                let code = get("exitCode");
                self.died.insert(id.clone(), when);
                let state = engine
                    .inspect_container(&id)
                    .await
                    .ok()
                    .and_then(|i| i.state);
                let again = state
                    .is_some_and(|s| s.restarting.unwrap_or(false) || s.running.unwrap_or(false));
                sink.flush();
                if again {
                    sink.status(&source, &format!("exited with code {code} (restarting)"));
                } else {
                    sink.status(&source, &format!("exited with code {code}"));
                    self.containers.remove(&id);
                }
                None
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_joined_up_to_line_ends() {
        let mut pending = Vec::new();
        let mut lines: Vec<String> = Vec::new();
        for chunk in [&b"a\nb"[..], b"c\n", b"d\ne\n", b"tail"] {
            split_lines(&mut pending, chunk, |l| {
                lines.push(String::from_utf8_lossy(l).into())
            });
        }
        assert_eq!(lines, ["a", "bc", "d", "e"]);
        assert_eq!(pending, b"tail");
    }

    #[test]
    fn default_names_lose_the_project() {
        assert_eq!(source_name("p-web-1", "p", "web", "1", "-"), "web-1");
        assert_eq!(source_name("custom", "p", "web", "1", "-"), "custom");
        assert_eq!(
            source_name("p-web-run-0a1b", "p", "web", "", "-"),
            "p-web-run-0a1b"
        );
    }
}
