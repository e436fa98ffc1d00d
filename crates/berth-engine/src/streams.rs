//! The engine's long-running answers that `logs`, `events`, `stats` and `wait` read: a
//! container's log stream, the event stream, a container's stats, the wait for an exit.

use std::collections::HashMap;

use bollard::models::{ContainerStatsResponse, EventMessage};
use bollard::query_parameters as q;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;

use crate::calls::{output, Output};
use crate::{Engine, EngineError};

/// What part of a container's log to read (`GET /containers/{id}/logs`).
#[derive(Debug, Clone, Default)]
pub struct LogsRequest {
    pub follow: bool,
    /// Unix seconds; 0 means from the start (bollard sends whole seconds).
    pub since: i64,
    /// Unix seconds; 0 means no end.
    pub until: i64,
    /// A number of lines from the end, or `all`.
    pub tail: String,
    /// Each line led by its RFC 3339 timestamp and a space.
    pub timestamps: bool,
}

impl Engine {
    /// A container's log, both streams, as the engine frames it.
    pub fn container_logs(
        &self,
        id: &str,
        request: &LogsRequest,
    ) -> BoxStream<'static, Result<Output, EngineError>> {
        let seconds = |s: i64| i32::try_from(s).unwrap_or(i32::MAX);
        let options = q::LogsOptions {
            follow: request.follow,
            stdout: true,
            stderr: true,
            since: seconds(request.since),
            until: seconds(request.until),
            timestamps: request.timestamps,
            tail: if request.tail.is_empty() {
                "all".to_string()
            } else {
                request.tail.clone()
            },
        };
        let host = self.host.clone();
        self.docker
            .logs(id, Some(options))
            .filter_map(move |item| std::future::ready(output(&host, item)))
            .boxed()
    }

    /// The engine's events with these label filters (`key=value`) and `type`, between
    /// `since` and `until` (as the docker CLI sends them: unix seconds with an optional
    /// fraction); live until the stream is dropped when `until` is `None`.
    pub fn events(
        &self,
        labels: &[String],
        kind: Option<&str>,
        since: Option<String>,
        until: Option<String>,
    ) -> BoxStream<'static, Result<EventMessage, EngineError>> {
        let mut filters = HashMap::new();
        if !labels.is_empty() {
            filters.insert("label".to_string(), labels.to_vec());
        }
        if let Some(kind) = kind {
            filters.insert("type".to_string(), vec![kind.to_string()]);
        }
        let options = q::EventsOptions {
            since,
            until,
            filters: Some(filters),
        };
        let host = self.host.clone();
        self.docker
            .events(Some(options))
            .map(move |e| e.map_err(|e| EngineError::from_bollard(&host, e)))
            .boxed()
    }

    /// A container's resource usage: one sample, or one every second while `stream`.
    pub fn container_stats(
        &self,
        id: &str,
        stream: bool,
    ) -> BoxStream<'static, Result<ContainerStatsResponse, EngineError>> {
        let options = q::StatsOptions {
            stream,
            one_shot: false,
        };
        let host = self.host.clone();
        self.docker
            .stats(id, Some(options))
            .map(move |s| s.map_err(|e| EngineError::from_bollard(&host, e)))
            .boxed()
    }

    /// Waits for the container to stop (`POST /containers/{id}/wait`); returns its exit code.
    pub async fn wait_container(&self, id: &str) -> Result<i64, EngineError> {
        let mut answers = self
            .docker
            .wait_container(id, None::<q::WaitContainerOptions>);
        match answers.next().await {
            Some(Ok(answer)) => Ok(answer.status_code),
            // bollard reports a non-zero exit as an error; it is an answer here.
            Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => Ok(code),
            Some(Err(e)) => Err(self.fail(e)),
            None => Err(EngineError::Other(format!("no answer waiting for {id}"))),
        }
    }
}
