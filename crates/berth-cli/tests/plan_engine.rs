//! `berth plan` on the engine: on a project the reference created and whose file then
//! changed, the plan names the changed setting and the container the reference then
//! recreates; and planning (`berth plan`, `--dry-run up`, `--dry-run down`) makes only read
//! calls, read off the wire, and leaves the engine as it was.
//! The replayed plans of tests/fixtures/plans/ are in plans.rs.

mod common;

use std::process::Output;

use common::engine::{docker_ok, exists, TestProject, BASE_IMAGE};
use common::recorder::Recorder;

/// Two services; db's environment has `KEY: <value>`.
fn compose(value: &str, web_extra: &str) -> String {
    format!(
        "services:
  db:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    environment:
      KEY: {value}
  web:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    depends_on: [db]
{web_extra}"
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The words the reference's progress gives `container` (`Recreate`, `Running`…), in order.
fn progress_of(progress: &str, container: &str) -> Vec<String> {
    progress
        .lines()
        .filter_map(|l| l.trim().strip_prefix(&format!("Container {container} ")))
        .map(|word| word.trim().to_string())
        .collect()
}

#[test]
fn plan_names_the_changed_setting_and_the_reference_recreates_that_container() {
    let p = TestProject::new("plan-env", &compose("old", ""));
    p.reference_ok(&["up", "-d"]);
    let before = p.containers();
    assert_eq!(before.len(), 2, "{before:?}");
    let (db, web) = (format!("{}-db-1", p.name), format!("{}-web-1", p.name));

    p.write(&compose("new", ""));
    let plan = p.berth(&["plan", "up", "-d"]);
    let text = stdout(&plan);
    assert_eq!(
        plan.status.code(),
        Some(2),
        "a plan that changes something exits 2:\n{text}{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    let change = r#"environment.KEY "old" → "new""#;
    assert!(
        text.contains(&format!("stop container {db} — {change}")),
        "the plan stops db for the changed setting:\n{text}"
    );
    assert!(
        text.contains(&format!("keep container {web} — up to date")),
        "the plan keeps web:\n{text}"
    );
    for line in text.lines().filter(|l| l.contains(&web)) {
        assert!(
            line.contains("keep container"),
            "web is only kept: {line}\n{text}"
        );
    }

    let progress = p.reference_ok(&["up", "-d"]);
    assert_eq!(
        progress_of(&progress, &db),
        ["Recreate", "Recreated", "Starting", "Started"],
        "{progress}"
    );
    assert_eq!(progress_of(&progress, &web), ["Running"], "{progress}");
    let after = p.containers();
    assert_ne!(after[0], before[0], "db is a new container: {after:?}");
    assert_eq!(after[1], before[1], "web is the same container: {after:?}");

    let again = p.berth(&["plan", "up", "-d"]);
    let text = stdout(&again);
    assert_eq!(again.status.code(), Some(0), "{text}");
    assert!(text.ends_with("Nothing to change.\n"), "{text}");
}

/// The project's containers (ID, name, state) and networks (ID, name), sorted; every
/// listing must succeed.
fn snapshot(project: &str) -> Vec<String> {
    let label = format!("label=com.docker.compose.project={project}");
    let containers = docker_ok(&[
        "ps",
        "-a",
        "--no-trunc",
        "--filter",
        &label,
        "--format",
        "container {{.ID}} {{.Names}} {{.State}}",
    ]);
    let networks = docker_ok(&[
        "network",
        "ls",
        "--no-trunc",
        "--filter",
        &label,
        "--format",
        "network {{.ID}} {{.Name}}",
    ]);
    let volumes = docker_ok(&[
        "volume",
        "ls",
        "--filter",
        &label,
        "--format",
        "volume {{.Name}}",
    ]);
    let mut all: Vec<String> = [containers, networks, volumes]
        .iter()
        .flat_map(|s| s.lines().map(str::to_string).collect::<Vec<_>>())
        .collect();
    all.sort();
    all
}

#[test]
fn planning_and_dry_runs_make_only_read_calls() {
    let p = TestProject::new("plan-wire", &compose("old", ""));
    p.berth_ok(&["up", "-d"]);
    // Pending changes: db's environment (a diverged container), and web joins a network
    // that does not exist yet.
    p.write(&compose(
        "new",
        "    networks: [default, extra]\nnetworks:\n  extra: {}\n",
    ));
    let extra = format!("{}_extra", p.name);
    assert!(!exists("network", &extra));
    let before = snapshot(&p.name);
    assert_eq!(
        before.len(),
        3,
        "two containers and the default network: {before:?}"
    );

    let recorder = Recorder::start();
    for (args, status) in [
        (&["plan", "up", "-d"][..], 2),
        (&["--dry-run", "up", "-d"][..], 0),
        (&["--dry-run", "down"][..], 0),
    ] {
        let mut cmd = p.command(&common::engine::berth(), args);
        cmd.env("DOCKER_HOST", &recorder.host);
        let out = common::engine::run(&mut cmd);
        assert_eq!(
            out.status.code(),
            Some(status),
            "{args:?}:\n{}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
        let calls = recorder.take();
        assert!(
            calls.iter().any(|c| c.ends_with("/containers/json")),
            "{args:?} went through the proxy: {calls:?}"
        );
        let writes: Vec<&String> = calls
            .iter()
            .filter(|c| !c.starts_with("GET ") && !c.starts_with("HEAD "))
            .collect();
        assert!(
            writes.is_empty(),
            "{args:?} made {writes:?} (all: {calls:?})"
        );
        assert_eq!(snapshot(&p.name), before, "{args:?} changed the engine");
    }
    assert!(!exists("network", &extra), "{extra} was created");
}
