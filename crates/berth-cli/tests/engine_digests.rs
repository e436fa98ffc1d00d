//! `config --resolve-image-digests` / `--lock-image-digests` on the real engine and a real
//! registry (Debian's docker-registry on 127.0.0.1), against the reference: both must print
//! the same pinned references. Fails — never skips — when the engine or the registry is absent.

// The test reads where the reference is from its environment, as the differential test does.
#![allow(clippy::disallowed_methods)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::engine::{docker, reference, require_engine, run, BASE_IMAGE};

/// What the test created, removed again however it ends.
struct Cleanup {
    registry: Child,
    pushed: String,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = self.registry.kill();
        let _ = self.registry.wait();
        // The base image is shared with the other engine tests: only the pushed tag goes.
        let _ = docker(&["rmi", &self.pushed]);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_registry(dir: &Path) -> (Child, u16) {
    let port = free_port();
    let config = dir.join("registry.yml");
    std::fs::write(
        &config,
        format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            dir.join("data").display()
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
    (child, port)
}

#[test]
fn pinned_images_match_the_reference() {
    require_engine();

    let dir = tempfile::tempdir().unwrap();
    let (registry, port) = start_registry(dir.path());
    let pushed = format!("127.0.0.1:{port}/berth-test/busybox:local");
    let cleanup = Cleanup { registry, pushed };
    assert!(docker(&["tag", BASE_IMAGE, &cleanup.pushed])
        .status
        .success());
    let push = docker(&["push", &cleanup.pushed]);
    assert!(
        push.status.success(),
        "{}",
        String::from_utf8_lossy(&push.stderr)
    );

    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(
        project.join("compose.yaml"),
        format!(
            "services:\n  tagged:\n    image: {0}\n  same-image:\n    image: {0}\n  missing:\n    image: 127.0.0.1:{port}/berth-test/nothere:v1\n    profiles: [absent]\n  built:\n    build: .\n",
            cleanup.pushed,
            port = port
        ),
    )
    .unwrap();

    let variants: &[&[&str]] = &[
        &["config", "--resolve-image-digests"],
        &["config", "--resolve-image-digests", "--format", "json"],
        &["config", "--lock-image-digests"],
        &["config", "--lock-image-digests", "--no-interpolate"],
        &["config", "--lock-image-digests", "--format", "json"],
        &["--profile", "absent", "config", "--resolve-image-digests"],
    ];
    let reference = reference();
    for args in variants {
        let theirs = run(Command::new(&reference).args(*args).current_dir(&project));
        let ours = run(Command::new(env!("CARGO_BIN_EXE_berth"))
            .args(*args)
            .current_dir(&project));
        assert_eq!(
            ours.status.code(),
            theirs.status.code(),
            "exit status of {args:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&theirs.stdout),
            "stdout of {args:?}"
        );
        if !theirs.status.success() {
            let message = String::from_utf8_lossy(&theirs.stderr);
            assert!(
                String::from_utf8_lossy(&ours.stderr).contains(message.trim()),
                "stderr of {args:?}: reference said {message}"
            );
        }
    }
    let pinned = run(Command::new(env!("CARGO_BIN_EXE_berth"))
        .args(["config", "--lock-image-digests"])
        .current_dir(&project));
    assert!(
        String::from_utf8_lossy(&pinned.stdout).contains("busybox:local@sha256:"),
        "the image is pinned to a digest"
    );
    drop(cleanup);
}
