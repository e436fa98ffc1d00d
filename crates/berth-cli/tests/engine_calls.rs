//! What berth asks the engine, read off the wire through a recording proxy: every path
//! carries the negotiated API version (as the docker CLI sends it), and the commands that
//! look at a running project cost one list call, not a round trip per container.

mod common;

use common::engine::{docker_ok, TestProject, BASE_IMAGE};
use common::recorder::Recorder;

/// The version the docker CLI would negotiate with this engine: its own, capped at the
/// newest the reference's client library speaks (1.51).
fn negotiated() -> String {
    let engine = docker_ok(&["version", "--format", "{{.Server.APIVersion}}"]);
    let (major, minor) = engine.split_once('.').unwrap();
    let minor: u32 = minor.parse().unwrap();
    format!("{major}.{}", minor.min(51))
}

/// Runs berth on `p` with its engine calls going through `recorder`, and `variable` set.
fn through(p: &TestProject, recorder: &Recorder, variable: Option<(&str, &str)>, args: &[&str]) {
    let mut cmd = std::process::Command::new(common::engine::berth());
    cmd.current_dir(p.dir.path())
        .env("DOCKER_HOST", &recorder.host)
        .env_remove("COMPOSE_PARALLEL_LIMIT")
        .args(["-p", &p.name])
        .args(args);
    if let Some((name, value)) = variable {
        cmd.env(name, value);
    }
    let out = common::engine::run(&mut cmd);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn calls_are_versioned_and_one_list_finds_the_project() {
    let compose = format!(
        "services:
  a:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    deploy: {{replicas: 2}}
  b:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    depends_on: [a]
"
    );
    let p = TestProject::new("wire", &compose);
    let recorder = Recorder::start();
    let through = |args: &[&str]| {
        let mut cmd = std::process::Command::new(common::engine::berth());
        cmd.current_dir(p.dir.path())
            .env("DOCKER_HOST", &recorder.host)
            .args(["-p", &p.name])
            .args(args);
        let out = common::engine::run(&mut cmd);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        recorder.take()
    };
    let version = format!("/v{}/", negotiated());

    let up = through(&["up", "-d"]);
    assert_eq!(up[0], "HEAD /_ping", "{up:?}");
    for call in &up[1..] {
        let path = call.split(' ').nth(1).unwrap();
        assert!(path.starts_with(&version), "{call} lacks {version}: {up:?}");
    }
    assert_eq!(p.containers().len(), 3);

    let noop = through(&["up", "-d"]);
    let lists: Vec<&String> = noop
        .iter()
        .filter(|c| c.ends_with("/containers/json"))
        .collect();
    assert_eq!(lists.len(), 1, "{noop:?}");
    let mut rest: Vec<String> = noop
        .iter()
        .filter(|c| !c.ends_with("/containers/json"))
        .cloned()
        .collect();
    rest.sort();
    assert_eq!(
        rest,
        [
            format!("GET {version}images/{BASE_IMAGE}/json"),
            format!("GET {version}networks/{}_default", p.name),
            "HEAD /_ping".to_string(),
        ],
        "a no-op up: the ping, one list, the network and the image, whatever the replicas"
    );

    let ps = through(&["ps"]);
    assert_eq!(
        ps,
        [
            "HEAD /_ping".to_string(),
            format!("GET {version}containers/json")
        ]
    );
    let ls = through(&["ls"]);
    assert_eq!(
        ls,
        [
            "HEAD /_ping".to_string(),
            format!("GET {version}containers/json")
        ]
    );
}

/// `--parallel` and `COMPOSE_PARALLEL_LIMIT` bound how many engine operations run at once:
/// three containers that take their whole grace period to stop are stopped one at a time,
/// and all together without a bound.
#[test]
fn the_parallel_limit_bounds_engine_operations() {
    let service = |name: &str| {
        // busybox sleep as PID 1 ignores SIGTERM, so each stop lasts the grace period.
        format!("  {name}:\n    image: {BASE_IMAGE}\n    command: sleep 3600\n    stop_grace_period: 1s\n")
    };
    let compose = format!(
        "services:\n{}{}{}",
        service("a"),
        service("b"),
        service("c")
    );
    let p = TestProject::new("parallel", &compose);
    let recorder = Recorder::start();
    through(&p, &recorder, None, &["up", "-d"]);
    recorder.take();

    through(&p, &recorder, None, &["--parallel", "1", "stop"]);
    assert_eq!(recorder.most_at_once("/stop"), 1, "--parallel 1");
    through(&p, &recorder, None, &["start"]);
    recorder.take();
    through(
        &p,
        &recorder,
        Some(("COMPOSE_PARALLEL_LIMIT", "1")),
        &["stop"],
    );
    assert_eq!(
        recorder.most_at_once("/stop"),
        1,
        "COMPOSE_PARALLEL_LIMIT=1"
    );
    through(&p, &recorder, None, &["start"]);
    recorder.take();
    through(&p, &recorder, None, &["stop"]);
    assert_eq!(recorder.most_at_once("/stop"), 3, "no limit");
}
