//! A real registry for the tests that push and pull: Debian's docker-registry, serving a
//! temporary folder on a free port of 127.0.0.1; stopped, and the tags the test pushed
//! removed, when it is dropped.
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::engine::docker;

pub struct Registry {
    child: Child,
    pub port: u16,
    /// Local tags made for pushing, removed on drop.
    pushed: Vec<String>,
    _dir: tempfile::TempDir,
}

impl Registry {
    pub fn start() -> Registry {
        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.path().join("registry.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
                dir.path().join("data").display()
            ),
        )
        .unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Debian's docker-registry is required (scripts/test.sh installs it)");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the registry did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Registry {
            child,
            port,
            pushed: Vec::new(),
            _dir: dir,
        }
    }

    /// `127.0.0.1:<port>/<path>`.
    pub fn reference(&self, path: &str) -> String {
        format!("127.0.0.1:{}/{path}", self.port)
    }

    /// Tags the local image `source` as `path` in this registry and pushes it.
    pub fn push(&mut self, source: &str, path: &str) -> String {
        let target = self.reference(path);
        assert!(docker(&["tag", source, &target]).status.success());
        self.pushed.push(target.clone());
        let push = docker(&["push", &target]);
        assert!(
            push.status.success(),
            "{}",
            String::from_utf8_lossy(&push.stderr)
        );
        target
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for tag in &self.pushed {
            let _ = docker(&["rmi", tag]);
        }
    }
}
