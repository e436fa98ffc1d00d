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
    /// Unix seconds with an optional fraction, as the docker client sends them (bollard
    /// sends whole seconds); none means from the start.
    pub since: Option<String>,
    /// Likewise; none means no end.
    pub until: Option<String>,
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
        let seconds = |s: &Option<String>| {
            let whole = s
                .as_deref()
                .and_then(|s| s.split('.').next()?.parse::<i64>().ok());
            i32::try_from(whole.unwrap_or(0)).unwrap_or(i32::MAX)
        };
        let options = q::LogsOptions {
            follow: request.follow,
            stdout: true,
            stderr: true,
            since: seconds(&request.since),
            until: seconds(&request.until),
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
}

/// The bulk of a log read over the local socket without bollard: through hyper and
/// bollard's frame decoder every line the engine writes costs a chunk, a frame and two
/// allocations (most of `logs`' CPU time for a million lines); read here in 64 KiB blocks
/// and de-multiplexed in place, a block's payloads come out as one chunk. Only the raw
/// HTTP/1.0 exchange and the docker stream framing are written by hand: no crate reads a
/// log stream in blocks. Whole lines are not kept together across chunks: the caller joins
/// chunks up to line ends, as compose does.
mod raw {
    use futures_util::stream::{BoxStream, StreamExt};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use crate::calls::Output;
    use crate::EngineError;

    const BLOCK: usize = 64 * 1024;

    /// `GET path` on the socket at `socket`; the body's payloads as chunks.
    pub(super) async fn logs(
        socket: String,
        host: String,
        path: String,
    ) -> Result<BoxStream<'static, Result<Output, EngineError>>, EngineError> {
        let unreachable = || EngineError::Unreachable { host: host.clone() };
        let mut conn = tokio::net::UnixStream::connect(&socket)
            .await
            .map_err(|_| unreachable())?;
        // HTTP/1.0: the engine sends the body unchunked and closes the connection after it.
        let request = format!("GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n");
        conn.write_all(request.as_bytes())
            .await
            .map_err(|_| unreachable())?;
        let mut buf: Vec<u8> = Vec::with_capacity(BLOCK);
        let head_end = loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            if read_more(&mut conn, &mut buf)
                .await
                .map_err(|_| unreachable())?
                == 0
            {
                return Err(EngineError::Other("unexpected EOF".into()));
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut body = buf.split_off(head_end + 4);
        if status != 200 {
            while read_more(&mut conn, &mut body)
                .await
                .map_err(|_| unreachable())?
                > 0
            {}
            let message = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_string))
                .unwrap_or_else(|| String::from_utf8_lossy(&body).trim().to_string());
            return Err(EngineError::Daemon { status, message });
        }
        let state = Demux {
            conn,
            pending: body,
            multiplexed: None,
            done: false,
        };
        Ok(futures_util::stream::unfold(state, |mut state| async move {
            let chunk = state.next().await?;
            Some((chunk, state))
        })
        .boxed())
    }

    async fn read_more(
        conn: &mut tokio::net::UnixStream,
        buf: &mut Vec<u8>,
    ) -> std::io::Result<usize> {
        buf.reserve(BLOCK);
        conn.read_buf(buf).await
    }

    struct Demux {
        conn: tokio::net::UnixStream,
        /// Bytes read and not yet passed on (a partial frame).
        pending: Vec<u8>,
        /// Whether the stream has the 8-byte frame headers (a container without a TTY);
        /// told from the first bytes, as bollard tells it.
        multiplexed: Option<bool>,
        done: bool,
    }

    impl Demux {
        async fn next(&mut self) -> Option<Result<Output, EngineError>> {
            loop {
                let out = self.take();
                if !out.is_empty() {
                    return Some(Ok(Output::Stdout(out)));
                }
                if self.done {
                    return None;
                }
                match read_more(&mut self.conn, &mut self.pending).await {
                    Ok(0) => self.done = true,
                    Ok(_) => {}
                    Err(e) => return Some(Err(EngineError::Other(e.to_string()))),
                }
            }
        }

        /// The payloads of the complete frames read so far.
        fn take(&mut self) -> Vec<u8> {
            let multiplexed = match self.multiplexed {
                Some(m) => m,
                None if self.pending.len() >= 8 => {
                    let p = &self.pending;
                    let m = p[0] <= 2 && p[1] == 0 && p[2] == 0 && p[3] == 0;
                    self.multiplexed = Some(m);
                    m
                }
                None if self.done => false,
                None => return Vec::new(),
            };
            if !multiplexed {
                return std::mem::take(&mut self.pending);
            }
            let mut out = Vec::with_capacity(self.pending.len());
            let mut at = 0;
            while self.pending.len() - at >= 8 {
                let header = &self.pending[at..at + 8];
                let size =
                    u32::from_be_bytes([header[4], header[5], header[6], header[7]]) as usize;
                if self.pending.len() - at - 8 < size {
                    break;
                }
                out.extend_from_slice(&self.pending[at + 8..at + 8 + size]);
                at += 8 + size;
            }
            self.pending.drain(..at);
            out
        }
    }
}

/// A query value with everything but letters, digits and `-._~` percent-encoded.
fn query_escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Engine {
    /// [`Engine::container_logs`] read in blocks over the local socket (see [`raw`]); its
    /// chunks join several lines and both streams. Through bollard on other hosts.
    pub async fn container_logs_in_blocks(
        &self,
        id: &str,
        request: &LogsRequest,
    ) -> BoxStream<'static, Result<Output, EngineError>> {
        let Some(socket) = self.host.strip_prefix("unix://") else {
            return self.container_logs(id, request);
        };
        let (major, minor) = self.api_version();
        let mut path = format!(
            "/v{major}.{minor}/containers/{id}/logs?stdout=1&stderr=1&follow={}&timestamps={}&tail={}",
            u8::from(request.follow),
            u8::from(request.timestamps),
            if request.tail.is_empty() {
                "all".to_string()
            } else {
                query_escape(&request.tail)
            },
        );
        for (key, value) in [("since", &request.since), ("until", &request.until)] {
            if let Some(value) = value {
                path.push_str(&format!("&{key}={}", query_escape(value)));
            }
        }
        match raw::logs(socket.to_string(), self.host.clone(), path).await {
            Ok(stream) => stream,
            Err(e) => futures_util::stream::once(async move { Err(e) }).boxed(),
        }
    }
}
