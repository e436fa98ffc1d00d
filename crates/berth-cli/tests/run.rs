//! `run` against the reference on the real engine: the one-off container each creates
//! (`docker inspect`, labels and config hash included), what an attached run prints and
//! returns, stdin piped in, detached runs, the dependencies started first with their
//! conditions, the flag errors, a run with a TTY (under `script`, which gives it a
//! terminal) and the terminal restored after it, and how `ps`, `rm`, `up` and `down` treat
//! run containers. Fails — never skips — without the engine or the reference.
//!
//! The progress lines of parallel steps come in any order in both tools: they are compared
//! sorted. Run containers get random names: each test compares what the names do not
//! decide, or gives both the same `--name`.

// The test reads where the reference is from its environment, as the differential test does.
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

mod common;

use common::engine::{assert_project_gone, berth, docker, docker_ok, reference, run, TestProject};
use serde_json::Value;

const COMPOSE: &str = r#"services:
  db:
    image: berth-example/busybox:local
    command: sh -c 'sleep 1; touch /tmp/ok; sleep 300'
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ok"]
      interval: 1s
  init:
    image: berth-example/busybox:local
    command: sh -c 'echo done > /tmp/done'
  app:
    image: berth-example/busybox:local
    command: echo hi
    restart: unless-stopped
    ports: ["80"]
    environment:
      A: "1"
    labels:
      team: core
    depends_on:
      db:
        condition: service_healthy
      init:
        condition: service_completed_successfully
"#;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Lines sorted, `time="…"` of logrus lines and run containers' slugs replaced.
fn sorted_lines(s: &str) -> Vec<String> {
    let mut lines: Vec<String> = s.lines().map(normalise_line).collect();
    lines.sort();
    lines
}

fn normalise_line(line: &str) -> String {
    let mut out = line.to_string();
    if let Some(start) = out.find("time=\"") {
        if let Some(len) = out[start + 6..].find('"') {
            out.replace_range(start..start + 6 + len + 1, "time=T");
        }
    }
    let mut from = 0;
    while let Some(found) = out[from..].find("-run-") {
        let at = from + found;
        let hex = out[at + 5..]
            .bytes()
            .take_while(u8::is_ascii_hexdigit)
            .count();
        if hex == 12 {
            out.replace_range(at..at + 5 + 12, "-RUN-SLUG");
        }
        from = at + 5;
    }
    out
}

/// Exit status, stdout and sorted stderr of a run, to compare.
fn outcome(out: &Output) -> (Option<i32>, String, Vec<String>) {
    (
        out.status.code(),
        text(&out.stdout),
        sorted_lines(&text(&out.stderr)),
    )
}

/// Runs `args` with the reference on a fresh project, takes it down, then with berth on a
/// fresh project; both outcomes.
fn both_fresh(project: &TestProject, args: &[&str]) -> [Output; 2] {
    let theirs = project.reference(args);
    clean(project);
    let ours = project.berth(args);
    clean(project);
    [theirs, ours]
}

/// Removes everything of the project, as a fresh start for the next run.
fn clean(project: &TestProject) {
    // A run container that still runs outlives `down --remove-orphans` (and keeps the
    // network): removed first.
    for (name, _) in project_containers(project) {
        docker_ok(&["rm", "-f", &name]);
    }
    project.reference_ok(&["down", "--remove-orphans", "-t", "0"]);
    assert_project_gone(&project.name);
}

fn project_containers(project: &TestProject) -> Vec<(String, String)> {
    project.containers()
}

/// The container's settings the create call decides, with what differs by construction
/// (IDs, times, the slug, the engine's own paths and addresses) left out, and the lists
/// compose builds in Go map order sorted.
fn comparable(name: &str) -> Value {
    let out = docker(&["inspect", name]);
    assert!(out.status.success(), "inspect {name}: {out:?}");
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &list[0];
    let mut config = c["Config"].clone();
    config.as_object_mut().unwrap().remove("Hostname");
    let labels = config["Labels"].as_object_mut().unwrap();
    let slug = labels
        .remove("com.docker.compose.slug")
        .map(|s| s.as_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    assert_eq!(slug.len(), 64, "{name}: slug {slug:?}");
    if let Some(Value::String(deps)) = labels.get_mut("com.docker.compose.depends_on") {
        let mut list: Vec<&str> = deps.split(',').collect();
        list.sort();
        *deps = list.join(",");
    }
    if let Some(Value::Array(env)) = config.get_mut("Env") {
        env.sort_by_key(|v| v.to_string());
    }
    let mut networks = c["NetworkSettings"]["Networks"].clone();
    for endpoint in networks.as_object_mut().unwrap().values_mut() {
        let endpoint = endpoint.as_object_mut().unwrap();
        for key in [
            "EndpointID",
            "Gateway",
            "IPAddress",
            "IPPrefixLen",
            "MacAddress",
            "NetworkID",
            "GlobalIPv6Address",
            "IPv6Gateway",
        ] {
            endpoint.remove(key);
        }
        // The engine adds the short ID as the last alias.
        if let Some(Value::Array(aliases)) = endpoint.get_mut("Aliases") {
            aliases.pop();
        }
    }
    serde_json::json!({
        "Config": config,
        "HostConfig": c["HostConfig"],
        "Networks": networks,
        "Mounts": c["Mounts"],
        "Path": c["Path"],
        "Args": c["Args"],
    })
}

/// `db` healthy and `init` exited, by the reference.
fn up_dependencies(project: &TestProject) {
    project.reference_ok(&["up", "-d", "--wait", "db"]);
    project.reference_ok(&["up", "-d", "init"]);
    let init = format!("{}-init-1", project.name);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while project.inspect(&init, "{{.State.Status}}") != "exited" {
        assert!(std::time::Instant::now() < deadline, "{init} did not exit");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// `run -d --name NAME args…` with the reference then with berth (the first container
/// removed in between): their containers, comparable.
fn created_by_both(project: &TestProject, name: &str, args: &[&str]) -> [Value; 2] {
    let mut full = vec!["run", "-d", "--name", name];
    full.extend_from_slice(args);
    let mut found = Vec::new();
    for tool in [reference(), berth()] {
        let out = run(&mut project.command(&tool, &full));
        assert!(
            out.status.success(),
            "{} {full:?}: {}",
            tool.display(),
            text(&out.stderr)
        );
        found.push(comparable(name));
        docker_ok(&["rm", "-f", name]);
    }
    [found.remove(0), found.remove(0)]
}

#[test]
fn one_off_containers_are_created_as_the_reference_creates_them() {
    let project = TestProject::new("run-inspect", COMPOSE);
    let mount = tempfile::tempdir().unwrap();
    let env_file = project.dir.path().join("extra.env");
    std::fs::write(&env_file, "FROM_FILE=yes\nB=from-file\n").unwrap();
    let volume = format!("{}:/mnt:ro", mount.path().display());
    let name = format!("{}-one", project.name);
    let cases: Vec<Vec<&str>> = vec![
        vec!["app"],
        vec!["app", "sleep", "5"],
        vec![
            "--no-deps",
            "-e",
            "B=2",
            "-e",
            "A=",
            "-e",
            "HOME",
            "-e",
            "UNSET_HERE",
            "-l",
            "x=y",
            "-l",
            "team=edge",
            "-w",
            "/tmp",
            "-u",
            "1:1",
            "--entrypoint",
            "sh -c",
            "-v",
            &volume,
            "-p",
            "127.0.0.1::8080",
            "--cap-add",
            "NET_ADMIN",
            "--cap-drop",
            "CHOWN",
            "--use-aliases",
            "app",
            "echo hi",
        ],
        vec!["-P", "--rm", "app", "sleep", "5"],
        vec!["-T", "-i=false", "app", "sleep", "5"],
        vec!["--entrypoint", "env", "app"],
        vec![
            "--env-from-file",
            env_file.to_str().unwrap(),
            "-e",
            "B=flag",
            "app",
        ],
    ];
    for args in cases {
        let [theirs, ours] = created_by_both(&project, &name, &args);
        assert_eq!(theirs, ours, "run {args:?}");
    }
    clean(&project);
}

#[test]
fn generated_names_and_labels_are_the_references() {
    let project = TestProject::new("run-names", COMPOSE);
    for tool in [reference(), berth()] {
        let out =
            run(&mut project.command(&tool, &["run", "-d", "--no-deps", "app", "sleep", "30"]));
        assert!(out.status.success(), "{}", text(&out.stderr));
        // `-d` prints the container's full ID.
        let id = text(&out.stdout);
        let id = id.trim_end_matches('\n');
        assert_eq!(id.len(), 64, "{}: {id:?}", tool.display());
        let format = r#"{{.Name}} {{index .Config.Labels "com.docker.compose.oneoff"}} {{index .Config.Labels "com.docker.compose.slug"}} {{index .Config.Labels "com.docker.compose.container-number"}}"#;
        let seen = docker_ok(&["inspect", "--format", format, id]);
        let parts: Vec<&str> = seen.split(' ').collect();
        let prefix = format!("/{}-app-run-", project.name);
        assert!(parts[0].starts_with(&prefix), "{}: {seen}", tool.display());
        let short = &parts[0][prefix.len()..];
        assert_eq!(parts[1], "True", "{}: {seen}", tool.display());
        assert_eq!(parts[2].len(), 64, "{}: {seen}", tool.display());
        assert_eq!(&parts[2][..12], short, "{}: {seen}", tool.display());
        assert_eq!(
            parts.get(3).copied().unwrap_or(""),
            "",
            "{}: {seen}",
            tool.display()
        );
    }
    clean(&project);
}

#[test]
fn an_attached_run_prints_and_returns_what_the_reference_does() {
    let project = TestProject::new("run-attached", COMPOSE);
    for args in [
        vec![
            "run",
            "--rm",
            "app",
            "sh",
            "-c",
            "echo x; echo y >&2; exit 3",
        ],
        vec!["run", "--rm", "app"],
        vec!["run", "--no-deps", "--rm", "app", "true"],
        vec![
            "run",
            "--rm",
            "-q",
            "app",
            "sh",
            "-c",
            "echo out; echo err >&2",
        ],
    ] {
        let [theirs, ours] = both_fresh(&project, &args);
        assert_eq!(outcome(&theirs), outcome(&ours), "{args:?}");
    }
    // A second run finds its dependencies up (and `init` exited: started again).
    up_dependencies(&project);
    let theirs = project.reference(&["run", "--rm", "app", "true"]);
    let ours = project.berth(&["run", "--rm", "app", "true"]);
    assert_eq!(outcome(&theirs), outcome(&ours));
    // `--rm`: nothing of the runs is left.
    let left: Vec<String> = project_containers(&project)
        .into_iter()
        .map(|(n, _)| normalise_line(&n))
        .filter(|n| n.contains("-RUN-SLUG"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    clean(&project);
}

#[test]
fn dependency_conditions_are_waited_for_and_their_failures_reported() {
    let compose = format!(
        "{COMPOSE}  bad:\n    image: berth-example/busybox:local\n    command: sh -c 'exit 1'\n  needs-bad:\n    image: berth-example/busybox:local\n    depends_on:\n      bad:\n        condition: service_completed_successfully\n"
    );
    let project = TestProject::new("run-deps", &compose);
    // `init` has run to completion and `db` is healthy when the run container starts.
    let [theirs, ours] = both_fresh(
        &project,
        &[
            "run",
            "--rm",
            "app",
            "sh",
            "-c",
            "nc -z db 1 2>/dev/null; echo started",
        ],
    );
    assert_eq!(outcome(&theirs), outcome(&ours));
    assert_eq!(text(&ours.stdout), "started\n");
    let [theirs, ours] = both_fresh(&project, &["run", "--rm", "needs-bad", "true"]);
    assert_eq!(outcome(&theirs), outcome(&ours));
    assert_eq!(ours.status.code(), Some(1));
}

#[test]
fn detached_runs_print_the_container_id_after_the_dependencies() {
    let project = TestProject::new("run-detached", COMPOSE);
    let [theirs, ours] = both_fresh(&project, &["run", "-d", "app", "sleep", "30"]);
    assert_eq!(theirs.status.code(), ours.status.code());
    assert_eq!(
        sorted_lines(&text(&theirs.stderr)),
        sorted_lines(&text(&ours.stderr))
    );
    for out in [&theirs, &ours] {
        let id = text(&out.stdout);
        assert_eq!(id.len(), 65, "{id:?}");
        assert!(id.ends_with('\n'));
    }
}

#[test]
fn stdin_is_piped_through_and_closed_at_its_end() {
    let project = TestProject::new("run-stdin", COMPOSE);
    for args in [
        vec!["run", "--rm", "--no-deps", "-T", "app", "cat"],
        vec!["run", "--rm", "--no-deps", "app", "sh", "-c", "cat; exit 4"],
        vec!["run", "--rm", "--no-deps", "-i", "app", "cat"],
        vec!["run", "--rm", "--no-deps", "-i=false", "app", "cat"],
    ] {
        let theirs = project.with_input(&reference(), &args, "hello\nworld\n");
        clean(&project);
        let ours = project.with_input(&berth(), &args, "hello\nworld\n");
        clean(&project);
        assert_eq!(outcome(&theirs), outcome(&ours), "{args:?}");
    }
}

#[test]
fn flag_errors_are_the_references() {
    let project = TestProject::new("run-errors", COMPOSE);
    let missing = project.dir.path().join("missing.env");
    for args in [
        vec!["run"],
        vec!["run", "nosuch", "true"],
        vec!["run", "-p", "80", "-P", "app", "true"],
        vec!["run", "-l", "foo", "app", "true"],
        vec!["run", "-t", "-T", "app", "true"],
        vec!["run", "--pull", "bogus", "app", "true"],
        vec![
            "run",
            "--env-from-file",
            missing.to_str().unwrap(),
            "app",
            "true",
        ],
    ] {
        let theirs = project.reference(&args);
        let ours = project.berth(&args);
        assert_eq!(outcome(&theirs), outcome(&ours), "{args:?}");
        assert_eq!(ours.status.code(), Some(1), "{args:?}");
    }
    // Without a terminal, `-t` with stdin attached is refused once the dependencies are up.
    let [theirs, ours] = both_fresh(&project, &["run", "-d", "-t", "--no-deps", "app", "true"]);
    assert_eq!(outcome(&theirs), outcome(&ours));
    assert_eq!(
        text(&ours.stderr).lines().last(),
        Some("the input device is not a TTY")
    );
}

#[test]
fn build_is_refused_until_berth_builds() {
    let project = TestProject::new(
        "run-build",
        "services:\n  app:\n    image: berth-example/busybox:local\n    build: .\n",
    );
    let out = project.berth(&["run", "--build", "--rm", "app", "true"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("berth cannot build images yet"),
        "{}",
        text(&out.stderr)
    );
    // Without --build the image on the engine is used, as the reference uses it.
    let [theirs, ours] = both_fresh(&project, &["run", "--rm", "app", "echo", "ok"]);
    assert_eq!(outcome(&theirs), outcome(&ours));
}

/// A command that says `ready`, then waits for SIGINT, says `got` and exits 7.
const UNTIL_INTERRUPTED: &str =
    "trap 'echo got; exit 7' INT; tty; echo ready; while :; do sleep 0.1; done";

/// `script` gives the command a terminal, on which Ctrl-C is typed once the container is up;
/// `stty -g` before and after shows whether the terminal came back as it was.
fn under_terminal(project: &TestProject, tool: &Path) -> String {
    let line = format!(
        "stty -g; {} -p {} run --no-deps --rm app sh -c \"{UNTIL_INTERRUPTED}\"; echo rc=$?; stty -g",
        tool.display(),
        project.name
    );
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(project.dir.path())
        .env_remove("COMPOSE_PROJECT_NAME")
        .env_remove("COMPOSE_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script (bsdutils) runs");
    let mut keys = child.stdin.take().unwrap();
    let typing = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(6));
        let _ = keys.write_all(b"\x03");
        // The terminal stays open until the command is over.
        std::thread::sleep(Duration::from_secs(6));
    });
    let out = child.wait_with_output().unwrap();
    typing.join().unwrap();
    assert!(out.status.success(), "script: {}", text(&out.stderr));
    text(&out.stdout).replace('\r', "")
}

#[test]
fn a_tty_run_has_a_terminal_and_restores_the_users() {
    let project = TestProject::new("run-tty", COMPOSE);
    for tool in [reference(), berth()] {
        let seen = under_terminal(&project, &tool);
        let lines: Vec<&str> = seen.lines().filter(|l| !l.trim().is_empty()).collect();
        let before = lines.first().copied().unwrap_or_default();
        let after = lines.last().copied().unwrap_or_default();
        assert!(before.contains(':'), "{}: {seen}", tool.display());
        assert_eq!(
            before,
            after,
            "{}: terminal not restored: {seen}",
            tool.display()
        );
        assert!(
            lines.iter().any(|l| l.contains("/dev/pts/")),
            "{}: no TTY: {seen}",
            tool.display()
        );
        // Ctrl-C reached the container's process through its terminal.
        assert!(
            lines.iter().any(|l| l.ends_with("got")),
            "{}: {seen}",
            tool.display()
        );
        assert!(lines.contains(&"rc=7"), "{}: {seen}", tool.display());
        clean(&project);
    }
}

#[test]
fn interrupts_are_passed_to_the_container_without_a_tty() {
    let project = TestProject::new("run-signal", COMPOSE);
    let mut seen = Vec::new();
    for tool in [reference(), berth()] {
        let mut child = project
            .command(
                &tool,
                &[
                    "run",
                    "--rm",
                    "--no-deps",
                    "app",
                    "sh",
                    "-c",
                    UNTIL_INTERRUPTED,
                ],
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut printed = String::new();
        while !printed.ends_with("ready\n") {
            let mut line = String::new();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "{printed}");
            printed.push_str(&line);
        }
        let pid = child.id().to_string();
        assert!(run(Command::new("kill").args(["-INT", &pid]))
            .status
            .success());
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        let out = child.wait_with_output().unwrap();
        seen.push((
            out.status.code(),
            printed + &rest,
            sorted_lines(&text(&out.stderr)),
        ));
        clean(&project);
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[1].0, Some(7));
    assert!(seen[1].1.ends_with("ready\ngot\n"), "{:?}", seen[1]);
}

#[test]
fn ps_rm_up_and_down_treat_run_containers_as_the_reference() {
    let project = TestProject::new("run-lifecycle", COMPOSE);
    let state = |tool: &Path| {
        up_dependencies(&project);
        let out = run(&mut project.command(tool, &["run", "app", "true"]));
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let out = run(&mut project.command(tool, &["run", "-d", "app", "sleep", "30"]));
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    };
    state(&berth());
    // On one state, both tools list and warn alike.
    for args in [
        vec!["ps", "--format", "{{.Name}} {{.State}}"],
        vec!["ps", "-a", "--format", "{{.Name}} {{.State}}"],
        vec!["ps", "-a", "-q"],
        vec!["up", "-d", "--wait", "db"],
    ] {
        let theirs = project.reference(&args);
        let ours = project.berth(&args);
        assert_eq!(outcome(&theirs), outcome(&ours), "{args:?}");
    }
    // `rm` leaves run containers alone.
    let theirs = project.reference(&["rm", "-f", "--dry-run"]);
    let ours = project.berth(&["rm", "-f", "--dry-run"]);
    assert_eq!(outcome(&theirs), outcome(&ours));
    // `down` leaves them too, `down --remove-orphans` takes them: with the file loaded,
    // those of its services (running or not).
    let runs = |project: &TestProject| -> Vec<String> {
        project_containers(project)
            .into_iter()
            .map(|(n, _)| normalise_line(&n))
            .collect()
    };
    let mut left = Vec::new();
    for tool in [reference(), berth()] {
        clean(&project);
        state(&tool);
        let down = run(&mut project.command(&tool, &["-f", "compose.yaml", "down", "-t", "0"]));
        assert!(down.status.success(), "{}", text(&down.stderr));
        let after_down = runs(&project);
        let args = ["-f", "compose.yaml", "down", "--remove-orphans", "-t", "0"];
        let down = run(&mut project.command(&tool, &args));
        assert!(down.status.success(), "{}", text(&down.stderr));
        left.push((after_down, runs(&project)));
    }
    assert_eq!(left[0], left[1]);
    assert_eq!((left[1].0.len(), left[1].1.len()), (2, 0), "{left:?}");
    clean(&project);
}

#[test]
fn plan_run_shows_the_dependencies_and_the_one_off_container_and_changes_nothing() {
    let project = TestProject::new("run-plan", COMPOSE);
    let out = project.berth(&["plan", "run", "--rm", "app", "true"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let plan = text(&out.stdout);
    for step in [
        &format!("create container {}-db-1", project.name),
        "wait until db is healthy, init completed successfully",
        &format!("create container {}-app-run-", project.name),
        "— one-off container of service app",
    ] {
        assert!(plan.contains(step), "{step:?} not in:\n{plan}");
    }
    assert!(project_containers(&project).is_empty());
}

#[test]
fn a_tty_has_the_window_size_and_follows_its_changes() {
    let project = TestProject::new("run-winsize", COMPOSE);
    for tool in [reference(), berth()] {
        // The window is resized (SIGWINCH to the foreground command) while the container runs.
        let line = format!(
            "stty rows 33 cols 101; (sleep 8; stty rows 40 cols 120 </dev/tty) & {} -p {} --progress quiet run --no-deps --rm app sh -c 'sleep 1; stty size </dev/tty; sleep 12; stty size </dev/tty'",
            tool.display(),
            project.name
        );
        let mut child = Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .current_dir(project.dir.path())
            .env_remove("COMPOSE_PROJECT_NAME")
            .env_remove("COMPOSE_FILE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("script (bsdutils) runs");
        // The terminal's input stays open while the command runs.
        let keys = child.stdin.take().unwrap();
        let out = child.wait_with_output().unwrap();
        drop(keys);
        let seen = text(&out.stdout).replace('\r', "");
        let sizes: Vec<&str> = seen.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(sizes, ["33 101", "40 120"], "{}: {seen}", tool.display());
        clean(&project);
    }
}
