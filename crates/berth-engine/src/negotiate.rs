//! API version negotiation the way the docker CLI does it: one `HEAD /_ping` and its
//! `Api-Version` header (under a millisecond), instead of bollard's `GET /version`, which
//! costs this engine about 15 ms — most of a no-op `up` or a `ps`. bollard exposes no
//! response headers, so this one request is written by hand: HTTP/1.1 on a fresh socket.
//! It is blocking, so that it can run on a thread of its own while berth parses its
//! command line and loads the project ([`EarlyPing`]).

use std::io::{Read, Write};
use std::time::Duration;

/// How long the ping may take before the engine counts as unreachable.
const PING_TIMEOUT: Duration = Duration::from_secs(30);

/// The engine's API version as (major, minor); `None` when the answer has no usable header
/// (the caller then assumes 1.24, as the docker CLI does).
pub fn ping_api_version(host: &str) -> std::io::Result<Option<(usize, usize)>> {
    let head = if let Some(path) = host.strip_prefix("unix://") {
        let stream = std::os::unix::net::UnixStream::connect(path)?;
        stream.set_read_timeout(Some(PING_TIMEOUT))?;
        exchange(stream)?
    } else {
        let address = host
            .trim_start_matches("tcp://")
            .trim_start_matches("http://")
            .trim_end_matches('/');
        let stream = std::net::TcpStream::connect(address)?;
        stream.set_read_timeout(Some(PING_TIMEOUT))?;
        exchange(stream)?
    };
    Ok(api_version_header(&String::from_utf8_lossy(&head)))
}

/// Sends the ping and reads up to the end of the response head (a HEAD answer has no
/// body), without waiting for the engine to close the connection.
fn exchange(mut stream: impl Read + Write) -> std::io::Result<Vec<u8>> {
    stream.write_all(b"HEAD /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")?;
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk)?;
        head.extend_from_slice(&chunk[..n]);
        if n == 0 || head.windows(4).any(|w| w == b"\r\n\r\n") {
            return Ok(head);
        }
    }
}

/// A ping started on its own thread before it is needed, so that its round trip overlaps
/// with parsing the command line and loading the project.
#[derive(Debug)]
pub struct EarlyPing {
    host: String,
    answer: std::thread::JoinHandle<std::io::Result<Option<(usize, usize)>>>,
}

impl EarlyPing {
    pub fn start(host: String) -> EarlyPing {
        let address = host.clone();
        let answer = std::thread::spawn(move || ping_api_version(&address));
        EarlyPing { host, answer }
    }

    /// The answer, if this ping went to `host`.
    pub(crate) fn answer_for(self, host: &str) -> Option<std::io::Result<Option<(usize, usize)>>> {
        if self.host != host {
            return None;
        }
        self.answer.join().ok()
    }
}

/// The `Api-Version` header of an HTTP response head.
fn api_version_header(head: &str) -> Option<(usize, usize)> {
    let value = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("api-version")
            .then(|| value.trim().to_string())
    })?;
    let (major, minor) = value.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_header_whatever_its_case() {
        let head = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nDocker-Experimental: false\r\n\r\n";
        assert_eq!(api_version_header(head), Some((1, 41)));
        assert_eq!(
            api_version_header("HTTP/1.1 200 OK\r\napi-version: 1.51\r\n"),
            Some((1, 51))
        );
        assert_eq!(api_version_header("HTTP/1.1 200 OK\r\n\r\n"), None);
    }
}
