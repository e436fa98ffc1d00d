//! `logs`, `events`, `stats`, `wait` and the not-implemented line, against the reference on
//! the engine: the same project, both tools' stdout, stderr and exit status compared where
//! they are deterministic. Where the reference is not (which container's lines come first,
//! and so how wide the prefixes are when the next registers; Go's map order of event
//! attributes; stats figures), only that is normalised. Fails — never skips — without the
//! engine or the reference.

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::engine::{berth, docker_ok, reference, TestProject};

/// Two services with different name lengths, one scaled, one whose last line has no line
/// end (compose drops it), one that prints on stderr, one not attached.
const COMPOSE: &str = r#"services:
  a:
    image: berth-example/busybox:local
    command: sh -c 'echo a-out; echo a-err >&2; echo "<&> tab	end"; printf no-line-end'
  longer:
    image: berth-example/busybox:local
    command: sh -c 'for i in 1 2 3 4 5; do echo longer-$$i; done; exec sleep 3600'
    scale: 2
  quiet:
    image: berth-example/busybox:local
    command: echo quiet
    attach: false
"#;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The project up (by the reference) with every container's output written.
fn project(tag: &str) -> TestProject {
    let project = TestProject::new(tag, COMPOSE);
    project.reference_ok(&["up", "-d"]);
    wait_for(|| {
        let out = project.reference(&["logs", "--no-log-prefix"]);
        let out = text(&out.stdout);
        out.matches("longer-5").count() == 2 && out.contains("a-err")
    });
    project
}

fn wait_for(mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Lines sorted, and a prefix's padding (which depends on which container registered first)
/// reduced to one space.
fn normalised(out: &str) -> Vec<String> {
    let mut lines: Vec<String> = out
        .lines()
        .map(|l| match l.split_once(" | ") {
            Some((name, rest)) => format!("{} | {rest}", name.trim_end()),
            None => l.to_string(),
        })
        .collect();
    lines.sort();
    lines
}

/// Runs `args` with both tools; asserts equal exit statuses and stderr, and stdout equal
/// once `normalise`d.
fn same<T: PartialEq + std::fmt::Debug>(
    project: &TestProject,
    args: &[&str],
    normalise: impl Fn(&str) -> T,
) -> Output {
    let ours = project.berth(args);
    let theirs = project.reference(args);
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "exit status of {args:?}; stderr: {} / the reference's: {}",
        text(&ours.stderr),
        text(&theirs.stderr)
    );
    assert_eq!(
        text(&ours.stderr),
        text(&theirs.stderr),
        "stderr of {args:?}"
    );
    assert_eq!(
        normalise(&text(&ours.stdout)),
        normalise(&text(&theirs.stdout)),
        "stdout of {args:?}"
    );
    ours
}

#[test]
fn logs_print_what_the_reference_prints() {
    let project = project("logs");
    // One container: stderr lines on stdout, HTML characters and tabs as they are, the last
    // line without a line end dropped.
    let one = same(&project, &["logs", "--no-color", "a"], normalised);
    // (stdout and stderr are two pipes: the order of their lines varies)
    assert_eq!(
        normalised(&text(&one.stdout)),
        ["a-1 | <&> tab\tend", "a-1 | a-err", "a-1 | a-out"]
    );
    for args in [
        &["logs", "--no-color"][..],
        &["logs"],
        &["logs", "--no-log-prefix"],
        &["logs", "--tail", "2"],
        &["logs", "-n", "0"],
        &["logs", "-t"],
        &["logs", "--timestamps", "--no-log-prefix", "--tail", "1"],
        &["logs", "--since", "2013-01-02T13:23:37Z"],
        &["logs", "--since", "1h", "--until", "2013-01-02"],
        &["logs", "--index", "2", "longer"],
        &["logs", "longer", "quiet"],
        &["logs", "quiet"],
        &["logs", "--follow=false", "-t=false", "--no-log-prefix=true"],
    ] {
        let out = same(&project, args, normalised);
        assert!(args.contains(&"-n") || !out.stdout.is_empty() || args.contains(&"--until"));
    }
    // With the file read, a service not attached is left out unless named; with `-p` alone
    // every container is shown.
    let file = same(&project, &["-f", "compose.yaml", "logs"], normalised);
    assert!(
        !text(&file.stdout).contains("quiet"),
        "{}",
        text(&file.stdout)
    );
    let named = same(&project, &["logs", "--no-log-prefix"], normalised);
    assert!(
        text(&named.stdout).contains("quiet"),
        "{}",
        text(&named.stdout)
    );
}

#[test]
fn logs_of_tty_and_unreadable_containers_are_the_reference_s() {
    let project = TestProject::new(
        "logstty",
        r#"services:
  none:
    image: berth-example/busybox:local
    command: sh -c 'echo hidden; exec sleep 3600'
    init: true
    logging:
      driver: none
  tty:
    image: berth-example/busybox:local
    command: sh -c 'echo tty-line; echo second; exec sleep 3600'
    init: true
    tty: true
"#,
    );
    project.reference_ok(&["up", "-d"]);
    wait_for(|| text(&project.reference(&["logs", "tty"]).stdout).contains("second"));
    // The warning's time differs; the rest is the same.
    let warning = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| {
                l.split_once(" level=")
                    .map_or(l, |(_, rest)| rest)
                    .to_string()
            })
            .collect()
    };
    let ours = project.berth(&["logs"]);
    let theirs = project.reference(&["logs"]);
    assert_eq!(ours.status.code(), theirs.status.code());
    assert_eq!(text(&ours.stdout), text(&theirs.stdout));
    assert_eq!(
        text(&ours.stdout),
        "tty-1  | tty-line\r\ntty-1  | second\r\n"
    );
    assert_eq!(warning(&text(&ours.stderr)), warning(&text(&theirs.stderr)));
    assert!(text(&ours.stderr).contains("Can't retrieve logs for"));
}

#[test]
fn logs_errors_are_the_reference_s() {
    let project = project("logserr");
    for (args, status) in [
        // With the file named, an unknown service is an error; with `-p` alone it is not.
        (&["-f", "compose.yaml", "logs", "nope"][..], 1),
        (&["logs", "nope"], 0),
        (&["logs", "--index", "2"], 1),
        (&["logs", "--index", "3", "longer"], 1),
        (&["logs", "--since", "xx"], 1),
        (&["logs", "--until", "soon"], 1),
        (&["logs", "--index", "x", "a"], 1),
        (&["logs", "--follow=maybe"], 1),
    ] {
        let out = same(&project, args, normalised);
        assert_eq!(out.status.code(), Some(status), "{args:?}");
    }
}

/// A running command whose output is collected.
struct Running {
    child: Child,
}

impl Running {
    fn start(project: &TestProject, program: &std::path::Path, args: &[&str]) -> Running {
        let child = project
            .command(program, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        Running { child }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the end (at most `limit`); its exit status, stdout and stderr.
    fn finish(mut self, limit: Duration) -> (Option<i32>, String, String) {
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("still running after {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let (mut out, mut err) = (String::new(), String::new());
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (status.code(), out, err)
    }
}

#[test]
fn logs_follow_picks_up_later_containers_and_ends_with_the_project() {
    let project = project("logsf");
    let id = |name: &str| docker_ok(&["inspect", "-f", "{{.Id}}", name]);
    let longer_1 = format!("{}-longer-1", project.name);
    let follow = Running::start(&project, &berth(), &["logs", "-f", "--no-color"]);
    std::thread::sleep(Duration::from_millis(1500));
    // A restart, a scale up, a one-off container: each one's lines appear.
    docker_ok(&["restart", "-t", "0", &longer_1]);
    project.reference_ok(&["up", "-d", "--scale", "longer=3", "longer"]);
    let run = project.reference(&["run", "-d", "a", "sh", "-c", "echo from-run"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    std::thread::sleep(Duration::from_millis(2000));
    let running = docker_ok(&[
        "ps",
        "-q",
        "--filter",
        &format!("label=com.docker.compose.project={}", project.name),
    ]);
    let ids: Vec<&str> = running.split_whitespace().collect();
    let mut stop = vec!["stop", "-t", "0"];
    stop.extend(ids.iter());
    docker_ok(&stop);
    let (code, out, err) = follow.finish(Duration::from_secs(20));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.matches("longer-1  | longer-5").count(), 2, "{out}");
    assert!(out.contains("longer-3  | longer-1"), "{out}");
    assert!(
        out.contains("-a-run-") && out.contains(" | from-run"),
        "{out}"
    );
    assert!(
        out.contains("\r\x1b[Klonger-1 exited with code 137\n"),
        "{out}"
    );
    assert!(
        out.contains("\r\x1b[Klonger-3 exited with code 137\n"),
        "{out}"
    );
    assert!(!id(&longer_1).is_empty());
}

#[test]
fn streaming_commands_end_on_ctrl_c_as_the_reference_does() {
    let project = project("logsint");
    for args in [
        &["logs", "-f"][..],
        &["events"],
        &["events", "--json"],
        &["stats"],
        &["wait", "longer"],
    ] {
        let mut results = Vec::new();
        for program in [berth(), reference()] {
            let running = Running::start(&project, &program, args);
            std::thread::sleep(Duration::from_millis(1500));
            running.signal("INT");
            let (code, _, err) = running.finish(Duration::from_secs(10));
            results.push((code, err));
        }
        assert_eq!(results[0], results[1], "{args:?}");
        assert_eq!(results[0].0, Some(130), "{args:?}");
    }
    let events = Running::start(&project, &berth(), &["events"]);
    std::thread::sleep(Duration::from_millis(500));
    events.signal("TERM");
    assert_eq!(events.finish(Duration::from_secs(10)).0, Some(130));
}

/// The attributes between the parentheses of a text event, sorted (Go prints its map order).
fn sorted_attributes(line: &str) -> String {
    match line.split_once(" (") {
        Some((head, rest)) => {
            let mut attributes: Vec<&str> = rest.trim_end_matches(')').split(", ").collect();
            attributes.sort();
            format!("{head} ({})", attributes.join(", "))
        }
        None => line.to_string(),
    }
}

#[test]
fn events_are_the_reference_s() {
    let project = project("events");
    let longer_1 = format!("{}-longer-1", project.name);
    let ours_json = Running::start(&project, &berth(), &["events", "--json"]);
    let theirs_json = Running::start(&project, &reference(), &["events", "--json"]);
    let ours_text = Running::start(&project, &berth(), &["events", "longer"]);
    let theirs_text = Running::start(&project, &reference(), &["events", "longer"]);
    std::thread::sleep(Duration::from_millis(1500));
    docker_ok(&["restart", "-t", "0", &longer_1]);
    docker_ok(&["stop", "-t", "0", &longer_1]);
    // A one-off container's events are left out.
    project.reference_ok(&["run", "--rm", "a", "true"]);
    std::thread::sleep(Duration::from_millis(1000));
    let mut outputs = Vec::new();
    for running in [ours_json, theirs_json, ours_text, theirs_text] {
        running.signal("INT");
        let (code, out, _) = running.finish(Duration::from_secs(10));
        assert_eq!(code, Some(130));
        outputs.push(out);
    }
    let actions: Vec<String> = outputs[0]
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            assert_eq!(v["type"], "container");
            assert_eq!(v["service"], "longer");
            v["action"].as_str().unwrap().to_string()
        })
        .collect();
    for action in ["kill", "die", "stop", "start", "restart"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    assert_eq!(outputs[0], outputs[1], "--json");
    let text: Vec<Vec<String>> = outputs[2..]
        .iter()
        .map(|o| o.lines().map(sorted_attributes).collect())
        .collect();
    assert!(text[0].len() >= 10, "{:?}", text[0]);
    assert_eq!(text[0], text[1], "text events");
    // `--since`/`--until`: the same past events, and at the end of the stream compose's
    // `EOF` (exit 1).
    let window = ["events", "--json", "--since", "5m", "--until", "0s"];
    let out = same(&project, &window, str::to_string);
    assert!(text_of(&out).contains("\"restart\""));
    same(&project, &["events", "--since", "xx"], str::to_string);
}

fn text_of(out: &Output) -> String {
    text(&out.stdout)
}

/// A stats table's shape: its header, and per row the columns that are not figures.
fn stats_shape(out: &str) -> Vec<String> {
    out.lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                // The columns are as wide as their widest figure.
                let titles: Vec<&str> = l
                    .split("  ")
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .collect();
                return titles.join("|");
            }
            let columns: Vec<&str> = l.split("   ").filter(|c| !c.is_empty()).collect();
            format!("{} columns: {} {}", columns.len(), columns[0], columns[1])
        })
        .collect()
}

#[test]
fn stats_have_the_reference_s_columns() {
    let project = project("stats");
    let sorted = |s: &str| {
        let mut lines = stats_shape(s);
        lines[1..].sort();
        lines
    };
    let out = same(&project, &["stats", "--no-stream"], sorted);
    assert_eq!(text_of(&out).lines().count(), 3);
    assert_eq!(
        stats_shape(&text_of(&out))[0],
        "CONTAINER ID|NAME|CPU %|MEM USAGE / LIMIT|MEM %|NET I/O|BLOCK I/O|PIDS"
    );
    let out = same(
        &project,
        &["stats", "--no-stream", "-a", "--no-trunc"],
        sorted,
    );
    assert_eq!(text_of(&out).lines().count(), 5);
    same(&project, &["stats", "--no-stream", "a"], sorted);
    let names = |s: &str| {
        let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    same(
        &project,
        &[
            "stats",
            "--no-stream",
            "--format",
            "{{.Name}} {{.Container}} {{.ID}}",
        ],
        names,
    );
    same(
        &project,
        &[
            "stats",
            "--no-stream",
            "--format",
            "table {{.Name}}\t{{.PIDs}}",
        ],
        names,
    );
    let keys = |s: &str| {
        let mut rows: Vec<String> = s
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
                let o = v.as_object().unwrap();
                format!("{:?} {}", o.keys().collect::<Vec<_>>(), o["Name"])
            })
            .collect();
        rows.sort();
        rows
    };
    same(
        &project,
        &["stats", "--no-stream", "--format", "json"],
        keys,
    );
    for args in [
        &["stats", "--no-stream", "a", "longer"][..],
        &["stats", "--no-stream", "--format", "{{.Nope}}"],
    ] {
        let out = same(&project, args, str::to_string);
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn wait_exits_with_the_container_s_status() {
    let project = TestProject::new(
        "wait",
        "services:\n  w:\n    image: berth-example/busybox:local\n    command: sh -c 'sleep 1; exit 3'\n",
    );
    for program in [reference(), berth()] {
        project.reference_ok(&["up", "-d"]);
        let id = docker_ok(&["inspect", "-f", "{{.Id}}", &format!("{}-w-1", project.name)]);
        let out = common::engine::run(&mut project.command(&program, &["wait", "w"]));
        assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            format!("container \"{id}\" exited with status code 3\n")
        );
    }
    // Nothing running, a service with no container, no service at all.
    for args in [&["wait", "w"][..], &["wait", "nope"], &["wait"]] {
        same(&project, args, str::to_string);
    }
    // --down-project takes the project down once the containers stopped.
    project.reference_ok(&["up", "-d"]);
    let out = project.berth(&["wait", "--down-project", "w"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        project.containers().is_empty(),
        "{:?}",
        project.containers()
    );
}

#[test]
fn a_compose_subcommand_berth_lacks_is_named_in_one_line() {
    let help = text(&common::engine::run(Command::new(reference()).arg("--help")).stdout);
    let ours = text(&common::engine::run(Command::new(berth()).arg("--help")).stdout);
    let listed = |help: &str| -> Vec<String> {
        help.lines()
            .skip_while(|l| !l.starts_with("Commands:") && !l.starts_with("Management Commands:"))
            .filter(|l| l.starts_with("  ") && !l.trim().is_empty())
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .collect()
    };
    let theirs = listed(&help);
    let ours = listed(&ours);
    assert!(theirs.len() > 30, "{theirs:?}");
    let missing: Vec<&String> = theirs.iter().filter(|c| !ours.contains(c)).collect();
    assert!(missing.iter().any(|c| *c == "build"), "{missing:?}");
    for command in missing {
        let out = common::engine::run(Command::new(berth()).arg(command));
        assert_eq!(out.status.code(), Some(1), "{command}");
        assert_eq!(
            text(&out.stderr),
            format!("berth: \"compose {command}\" is not implemented yet\n")
        );
        assert!(out.stdout.is_empty());
    }
    // A word that is no compose subcommand keeps the reference's answer.
    let ours = common::engine::run(Command::new(berth()).arg("frobnicate"));
    let theirs = common::engine::run(Command::new(reference()).arg("frobnicate"));
    assert_eq!(ours.status.code(), theirs.status.code());
    assert_eq!(text(&ours.stderr), text(&theirs.stderr));
}
