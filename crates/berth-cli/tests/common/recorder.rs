//! A TCP proxy in front of the engine's socket that notes the request line of every call
//! berth makes, so a test can check what goes over the wire: the API version in each path
//! and how many round trips a command costs.
#![allow(dead_code)]
// The engine's socket is read from DOCKER_HOST, as every docker client does.
#![allow(clippy::disallowed_methods)]

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

pub struct Recorder {
    /// The `DOCKER_HOST` value that goes through the proxy.
    pub host: String,
    calls: Arc<Mutex<Vec<Call>>>,
}

/// One request: `METHOD /path`, and when it was sent and answered.
#[derive(Debug, Clone)]
struct Call {
    line: String,
    sent: Instant,
    answered: Option<Instant>,
}

impl Recorder {
    pub fn start() -> Recorder {
        let socket = std::env::var("DOCKER_HOST")
            .ok()
            .and_then(|h| h.strip_prefix("unix://").map(str::to_string))
            .unwrap_or_else(|| "/var/run/docker.sock".to_string());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let host = format!("tcp://{}", listener.local_addr().unwrap());
        let calls = Arc::new(Mutex::new(Vec::new()));
        let noted = calls.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let engine = UnixStream::connect(&socket).expect("the engine's socket");
                relay(client, engine, noted.clone());
            }
        });
        Recorder { host, calls }
    }

    /// `METHOD /path` (without the query) of every request since the last call, in order.
    pub fn take(&self) -> Vec<String> {
        let calls = std::mem::take(&mut *self.calls.lock().unwrap());
        calls.into_iter().map(|c| c.line).collect()
    }

    /// The most requests whose line ends with `suffix` that were waiting for their answers
    /// at the same time, since the last call.
    pub fn most_at_once(&self, suffix: &str) -> usize {
        let calls = std::mem::take(&mut *self.calls.lock().unwrap());
        let spans: Vec<(Instant, Instant)> = calls
            .iter()
            .filter(|c| c.line.ends_with(suffix))
            .map(|c| (c.sent, c.answered.expect("every call answered")))
            .collect();
        spans
            .iter()
            .map(|(at, _)| spans.iter().filter(|(s, e)| s <= at && at < e).count())
            .max()
            .unwrap_or(0)
    }
}

/// Copies both ways between `client` and `engine`, noting each request when it goes in and
/// when the first bytes of its answer come back (one request at a time per connection, as
/// HTTP/1.1 clients send them).
fn relay(client: TcpStream, engine: UnixStream, calls: Arc<Mutex<Vec<Call>>>) {
    let (mut client_in, mut client_out) = (client.try_clone().unwrap(), client);
    let (mut engine_in, mut engine_out) = (engine.try_clone().unwrap(), engine);
    let waiting: Arc<Mutex<VecDeque<usize>>> = Arc::default();
    let (answered, noted) = (waiting.clone(), calls.clone());
    thread::spawn(move || {
        let mut chunk = [0u8; 16384];
        while let Ok(n) = engine_in.read(&mut chunk) {
            if let Some(i) = answered.lock().unwrap().pop_front() {
                noted.lock().unwrap()[i].answered = Some(Instant::now());
            }
            if n == 0 || client_out.write_all(&chunk[..n]).is_err() {
                break;
            }
        }
        let _ = client_out.shutdown(Shutdown::Both);
    });
    thread::spawn(move || {
        let mut seen = Vec::new();
        let mut chunk = [0u8; 16384];
        while let Ok(n) = client_in.read(&mut chunk) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&chunk[..n]);
            note_requests(&mut seen, &calls, &waiting);
            if engine_out.write_all(&chunk[..n]).is_err() {
                break;
            }
        }
        let _ = engine_out.shutdown(Shutdown::Write);
    });
}

/// Moves the complete lines of `seen` out, noting those that are HTTP request lines.
fn note_requests(seen: &mut Vec<u8>, calls: &Mutex<Vec<Call>>, waiting: &Mutex<VecDeque<usize>>) {
    while let Some(end) = seen.windows(2).position(|w| w == b"\r\n") {
        let line = String::from_utf8_lossy(&seen[..end]).to_string();
        seen.drain(..end + 2);
        let mut words = line.split(' ');
        if let (Some(method), Some(target), Some("HTTP/1.1")) =
            (words.next(), words.next(), words.next())
        {
            if ["GET", "HEAD", "POST", "PUT", "DELETE"].contains(&method) {
                let path = target.split('?').next().unwrap_or(target);
                let mut calls = calls.lock().unwrap();
                waiting.lock().unwrap().push_back(calls.len());
                calls.push(Call {
                    line: format!("{method} {path}"),
                    sent: Instant::now(),
                    answered: None,
                });
            }
        }
    }
}
