//! `stats`: the project's containers' resource usage, as the docker CLI's `stats` computes
//! it (cli/command/container/stats_helpers.go), which compose delegates to.

use std::collections::HashMap;

use berth_engine::models::{ContainerStatsResponse, EventMessage};
use berth_engine::{ContainerFilter, Engine, EngineError};
use berth_model::labels;
use futures_util::stream::{BoxStream, SelectAll, StreamExt};

/// One container's figures (the docker CLI's `StatsEntry`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsEntry {
    /// The container as it was asked for (its full ID).
    pub container: String,
    /// The engine's name, with its leading `/`.
    pub name: String,
    pub id: String,
    pub cpu_percentage: f64,
    pub memory: f64,
    pub memory_limit: f64,
    pub memory_percentage: f64,
    pub network_rx: f64,
    pub network_tx: f64,
    pub block_read: f64,
    pub block_write: f64,
    pub pids_current: u64,
    /// No figures came (an error): the docker CLI shows `--`.
    pub is_invalid: bool,
}

/// Which containers: the project's (`-a`: stopped ones too), of one service when given.
#[derive(Debug, Clone, Default)]
pub struct StatsOptions {
    pub service: Option<String>,
    pub all: bool,
}

fn filter(project: &str, options: &StatsOptions) -> Vec<String> {
    let mut labels = vec![labels::project_filter(project)];
    if let Some(service) = &options.service {
        labels.push(format!("{}={service}", labels::SERVICE));
    }
    labels
}

/// One sample of every selected container (`--no-stream`), in the engine's list order.
pub async fn sample(
    engine: &Engine,
    project: &str,
    options: &StatsOptions,
) -> Result<Vec<StatsEntry>, EngineError> {
    let list = engine
        .list_containers(&ContainerFilter {
            labels: filter(project, options),
            all: options.all,
        })
        .await?;
    let ids: Vec<String> = list.into_iter().filter_map(|c| c.id).collect();
    let samples = futures_util::future::join_all(ids.iter().map(|id| async move {
        let first = engine.container_stats(id, false).next().await;
        match first {
            Some(Ok(stats)) => entry(id, &stats),
            _ => invalid(id),
        }
    }))
    .await;
    Ok(samples)
}

/// Follows every selected container's figures, and the containers that start (or with
/// `all`, are created) later; calls `frame` every half second with the latest figures, as
/// the docker CLI redraws. Ends only when the engine's event stream does.
pub async fn follow(
    engine: &Engine,
    project: &str,
    options: &StatsOptions,
    frame: &mut dyn FnMut(&[StatsEntry]),
) -> Result<(), EngineError> {
    let labels = filter(project, options);
    // Subscribed before the list, so no start falls between the two (as the docker CLI).
    let mut events = engine.events(&labels, Some("container"), None, None);
    let list = engine
        .list_containers(&ContainerFilter {
            labels: labels.clone(),
            all: options.all,
        })
        .await?;
    let mut entries: Vec<StatsEntry> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut streams: SelectAll<BoxStream<'static, (String, Option<StatsEntry>)>> = SelectAll::new();
    let mut add =
        |id: &str,
         entries: &mut Vec<StatsEntry>,
         streams: &mut SelectAll<BoxStream<'static, (String, Option<StatsEntry>)>>| {
            if index.contains_key(id) {
                return;
            }
            index.insert(id.to_string(), entries.len());
            entries.push(StatsEntry {
                container: id.to_string(),
                ..StatsEntry::default()
            });
            let owned = id.to_string();
            streams.push(
                engine
                    .container_stats(id, true)
                    .map(move |s| {
                        let figures = s.ok().map(|s| entry(&owned, &s));
                        (owned.clone(), figures)
                    })
                    .boxed(),
            );
        };
    for id in list.into_iter().filter_map(|c| c.id) {
        add(&id, &mut entries, &mut streams);
    }
    let mut ticker = tokio::time::interval(std::time::Duration::from_millis(500));
    ticker.tick().await;
    let mut removed: Vec<String> = Vec::new();
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                let shown: Vec<StatsEntry> = entries
                    .iter()
                    .filter(|e| !removed.contains(&e.container))
                    .cloned()
                    .collect();
                frame(&shown);
            }
            Some((id, figures)) = streams.next(), if !streams.is_empty() => {
                if let (Some(i), Some(figures)) = (entry_index(&entries, &id), figures) {
                    entries[i] = figures;
                }
            }
            event = events.next() => {
                let Some(event) = event else { return Ok(()) };
                let event: EventMessage = event?;
                let id = event.actor.and_then(|a| a.id).unwrap_or_default();
                match event.action.as_deref() {
                    Some("start") => {
                        removed.retain(|r| *r != id);
                        add(&id, &mut entries, &mut streams);
                    }
                    Some("create") if options.all => add(&id, &mut entries, &mut streams),
                    Some("die") if !options.all => removed.push(id),
                    _ => {}
                }
            }
        }
    }
}

fn entry_index(entries: &[StatsEntry], id: &str) -> Option<usize> {
    entries.iter().position(|e| e.container == id)
}

fn invalid(id: &str) -> StatsEntry {
    StatsEntry {
        container: id.to_string(),
        is_invalid: true,
        ..StatsEntry::default()
    }
}

/// The docker CLI's figures from one answer of the engine (Linux).
pub fn entry(container: &str, s: &ContainerStatsResponse) -> StatsEntry {
    let cpu = s.cpu_stats.clone().unwrap_or_default();
    let pre = s.precpu_stats.clone().unwrap_or_default();
    let total = |c: &berth_engine::models::ContainerCpuStats| {
        c.cpu_usage
            .as_ref()
            .and_then(|u| u.total_usage)
            .unwrap_or(0)
    };
    let cpu_delta = total(&cpu) as f64 - total(&pre) as f64;
    let system_delta =
        cpu.system_cpu_usage.unwrap_or(0) as f64 - pre.system_cpu_usage.unwrap_or(0) as f64;
    let mut online = f64::from(cpu.online_cpus.unwrap_or(0));
    if online == 0.0 {
        online = cpu
            .cpu_usage
            .as_ref()
            .and_then(|u| u.percpu_usage.as_ref())
            .map_or(0, Vec::len) as f64;
    }
    let cpu_percentage = if system_delta > 0.0 && cpu_delta > 0.0 {
        cpu_delta / system_delta * online * 100.0
    } else {
        0.0
    };
    let memory_stats = s.memory_stats.clone().unwrap_or_default();
    let usage = memory_stats.usage.unwrap_or(0);
    let stats = memory_stats.stats.unwrap_or_default();
    // Cache left out: cgroup v1's total_inactive_file, else v2's inactive_file.
    let memory = match (stats.get("total_inactive_file"), stats.get("inactive_file")) {
        (Some(v), _) if *v < usage => (usage - v) as f64,
        (_, v) if v.copied().unwrap_or(0) < usage => (usage - v.copied().unwrap_or(0)) as f64,
        _ => usage as f64,
    };
    let memory_limit = memory_stats.limit.unwrap_or(0) as f64;
    let memory_percentage = if memory_limit != 0.0 {
        memory / memory_limit * 100.0
    } else {
        0.0
    };
    let (mut block_read, mut block_write) = (0u64, 0u64);
    let blkio = s.blkio_stats.clone().unwrap_or_default();
    for e in blkio.io_service_bytes_recursive.unwrap_or_default() {
        match e.op.as_deref().and_then(|o| o.chars().next()) {
            Some('r' | 'R') => block_read += e.value.unwrap_or(0),
            Some('w' | 'W') => block_write += e.value.unwrap_or(0),
            _ => {}
        }
    }
    let (mut network_rx, mut network_tx) = (0.0, 0.0);
    for n in s.networks.clone().unwrap_or_default().values() {
        network_rx += n.rx_bytes.unwrap_or(0) as f64;
        network_tx += n.tx_bytes.unwrap_or(0) as f64;
    }
    StatsEntry {
        container: container.to_string(),
        name: s.name.clone().unwrap_or_default(),
        id: s.id.clone().unwrap_or_default(),
        cpu_percentage,
        memory,
        memory_limit,
        memory_percentage,
        network_rx,
        network_tx,
        block_read: block_read as f64,
        block_write: block_write as f64,
        pids_current: s.pids_stats.as_ref().and_then(|p| p.current).unwrap_or(0),
        is_invalid: false,
    }
}
