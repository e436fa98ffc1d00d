//! `config --resolve-image-digests` / `--lock-image-digests` on the real engine and a real
//! registry (Debian's docker-registry on 127.0.0.1), against the reference: both must print
//! the same pinned references. Fails — never skips — when the engine or the registry is absent.

// The test reads where the reference is from its environment, as the differential test does.
#![allow(clippy::disallowed_methods)]

use std::process::Command;

mod common;

use common::engine::{reference, require_engine, run, BASE_IMAGE};
use common::registry::Registry;

#[test]
fn pinned_images_match_the_reference() {
    require_engine();

    let dir = tempfile::tempdir().unwrap();
    let mut registry = Registry::start();
    let port = registry.port;
    let pushed = registry.push(BASE_IMAGE, "berth-test/busybox:local");

    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(
        project.join("compose.yaml"),
        format!(
            "services:\n  tagged:\n    image: {0}\n  same-image:\n    image: {0}\n  missing:\n    image: 127.0.0.1:{port}/berth-test/nothere:v1\n    profiles: [absent]\n  built:\n    build: .\n",
            pushed,
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
        pinned.status.success(),
        "{}",
        String::from_utf8_lossy(&pinned.stderr)
    );
    assert!(
        String::from_utf8_lossy(&pinned.stdout).contains("busybox:local@sha256:"),
        "the image is pinned to a digest"
    );
    // The base image is shared with the other engine tests: only the pushed tag goes.
    drop(registry);
}
