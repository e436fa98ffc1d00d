//! The lifecycle commands on the real engine: start, stop, restart, kill, pause, unpause,
//! rm and scale. Each scenario runs through berth and through the reference docker compose
//! (on a project of its own), then compares exit statuses, stdout, and the progress lines
//! (sorted, since containers of one step work in parallel, plus each container's own
//! sequence of events); the engine state after each step is checked with `docker inspect`.
//!
//! Needs the engine and the image `berth-example/busybox:local` (built when absent); the
//! tests fail without them. Each test removes what it created, also on failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;

use common::engine::{
    berth, docker_ok, exists, inspect_if_exists, reference, require_engine as ensure_image,
};

/// db ← app (restart: true) ← web. Stopping with SIGKILL keeps the tests fast (busybox
/// `sleep` as PID 1 ignores SIGTERM); db has an anonymous volume for `rm -v`.
const COMPOSE: &str = "services:
  db:
    image: berth-example/busybox:local
    command: sleep 3600
    stop_signal: SIGKILL
    volumes: [/data]
  app:
    image: berth-example/busybox:local
    command: sleep 3600
    stop_signal: SIGKILL
    depends_on:
      db:
        condition: service_started
        restart: true
  web:
    image: berth-example/busybox:local
    command: sleep 3600
    stop_signal: SIGKILL
    depends_on: [app]
";

/// A docker command whose failure is ignored: only for taking a project down on drop.
fn docker_lenient(args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("the docker CLI is needed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// One run of a binary: exit status, stdout, stderr with the project name replaced by `P`.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// How a run names the project.
enum Naming<'a> {
    /// `-p NAME`: without `-f`, the commands work from container labels.
    Flag(&'a str),
    /// `COMPOSE_PROJECT_NAME`: the file is loaded.
    Env(&'a str),
    Nothing,
}

/// A project on the engine, run by one binary from its own directory; removed on drop.
struct Project {
    name: String,
    /// The other binary's project of the same test (normalised to `P` too, for runs of one
    /// binary on the other's project).
    sibling: String,
    dir: tempfile::TempDir,
    bin: PathBuf,
}

impl Project {
    fn new(test: &str, bin: PathBuf, tag: &str) -> Project {
        Project::with_file(test, bin, tag, COMPOSE)
    }

    fn with_file(test: &str, bin: PathBuf, tag: &str, compose: &str) -> Project {
        ensure_image();
        let name = format!("berthtest-{test}-{tag}-{}", std::process::id());
        let other = if tag == "b" { "r" } else { "b" };
        let sibling = format!("berthtest-{test}-{other}-{}", std::process::id());
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("compose.yaml"), compose).expect("write compose.yaml");
        Project {
            name,
            sibling,
            dir,
            bin,
        }
    }

    /// Runs `args` with `--progress plain` in the project directory, named by
    /// `COMPOSE_PROJECT_NAME`: the commands load the file (no `-p`, so no shortcut).
    fn run(&self, args: &[&str]) -> Run {
        self.command(self.dir.path(), Naming::Env(&self.name), args)
    }

    /// Runs from `dir` (with `-p NAME` when `with_name`), stdin empty.
    fn run_in(&self, dir: &Path, with_name: bool, args: &[&str]) -> Run {
        let naming = if with_name {
            Naming::Flag(&self.name)
        } else {
            Naming::Nothing
        };
        self.command(dir, naming, args)
    }

    /// Runs this binary on `other`'s project, from `other`'s directory (file loaded).
    fn run_on(&self, other: &Project, args: &[&str]) -> Run {
        self.command(other.dir.path(), Naming::Env(&other.name), args)
    }

    fn command(&self, dir: &Path, naming: Naming, args: &[&str]) -> Run {
        let mut cmd = Command::new(&self.bin);
        cmd.env_remove("COMPOSE_PROJECT_NAME");
        match naming {
            Naming::Flag(name) => {
                cmd.args(["-p", name]);
            }
            Naming::Env(name) => {
                cmd.env("COMPOSE_PROJECT_NAME", name);
            }
            Naming::Nothing => {}
        }
        let out = cmd
            .args(["--progress", "plain"])
            .args(args)
            .current_dir(dir)
            .env_remove("COMPOSE_FILE")
            .stdin(Stdio::null())
            .output()
            .expect("run compose binary");
        let clean = |b: &[u8]| {
            let text = String::from_utf8_lossy(b)
                .replace(&self.name, "P")
                .replace(&self.sibling, "P");
            // Engine errors name container IDs.
            text.split('\n')
                .map(|l| match l.find("Container ") {
                    Some(i) if l.starts_with("Error response") => {
                        let rest = &l[i + 10..];
                        let after = rest.find(' ').map(|j| &rest[j..]).unwrap_or("");
                        format!("{}Container ID{after}", &l[..i])
                    }
                    _ => l.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: clean(&out.stdout),
            stderr: clean(&out.stderr),
        }
    }

    /// Runs and asserts success.
    fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(
            run.code,
            0,
            "{args:?} failed: {run:?} ({})",
            self.bin.display()
        );
        run
    }

    fn container(&self, service: &str, number: u32) -> String {
        format!("{}-{service}-{number}", self.name)
    }

    /// `docker inspect` state of a container (`None`: the engine says it does not exist;
    /// any other failure of the inspect fails the test).
    fn state(&self, service: &str, number: u32) -> Option<String> {
        inspect_if_exists(
            "container",
            &self.container(service, number),
            "{{.State.Status}}",
        )
    }

    /// A `docker inspect` value of the service's first container, which must exist.
    fn inspect(&self, service: &str, format: &str) -> String {
        let value = docker_ok(&["inspect", "-f", format, &self.container(service, 1)]);
        assert!(!value.is_empty(), "{format} of {service} is empty");
        value
    }

    fn started_at(&self, service: &str) -> String {
        self.inspect(service, "{{.State.StartedAt}}")
    }

    /// Names of the project's containers, sorted.
    fn containers(&self) -> Vec<String> {
        let filter = format!("label=com.docker.compose.project={}", self.name);
        let out = docker_ok(&["ps", "-a", "--filter", &filter, "--format", "{{.Names}}"]);
        let mut names: Vec<String> = out.lines().map(str::to_string).collect();
        names.sort();
        names
    }

    /// Everything observable about the project's containers (dry-run must keep it), one
    /// line per container.
    fn snapshot(&self) -> String {
        let filter = format!("label=com.docker.compose.project={}", self.name);
        let ids = docker_ok(&["ps", "-aq", "--filter", &filter]);
        let mut args = vec![
            "inspect",
            "-f",
            "{{.Name}} {{.Id}} {{.State.Status}} {{.State.StartedAt}} {{.State.FinishedAt}}",
        ];
        args.extend(ids.lines());
        if args.len() == 3 {
            return String::new();
        }
        let mut lines: Vec<String> = docker_ok(&args).lines().map(str::to_string).collect();
        lines.sort();
        lines.join("\n")
    }
}

/// Asserts that a snapshot holds `count` containers (a comparison with an empty snapshot
/// would prove nothing).
fn assert_containers(snapshot: &str, count: usize) {
    assert_eq!(snapshot.lines().count(), count, "{snapshot}");
}

impl Drop for Project {
    fn drop(&mut self) {
        let filter = format!("label=com.docker.compose.project={}", self.name);
        let ids = docker_lenient(&["ps", "-aq", "--filter", &filter]);
        if !ids.is_empty() {
            let mut args = vec!["rm", "-f", "-v"];
            args.extend(ids.lines());
            docker_lenient(&args);
        }
        let nets = docker_lenient(&["network", "ls", "-q", "--filter", &filter]);
        for n in nets.lines() {
            docker_lenient(&["network", "rm", n]);
        }
        let vols = docker_lenient(&["volume", "ls", "-q", "--filter", &filter]);
        for v in vols.lines() {
            docker_lenient(&["volume", "rm", v]);
        }
    }
}

/// The same scenario on berth and on the reference.
struct Pair {
    berth: Project,
    reference: Project,
}

impl Pair {
    fn new(test: &str) -> Pair {
        Pair::with_file(test, COMPOSE)
    }

    fn with_file(test: &str, compose: &str) -> Pair {
        Pair {
            berth: Project::with_file(test, berth(), "b", compose),
            reference: Project::with_file(test, reference(), "r", compose),
        }
    }

    /// Runs `args` on both and compares; returns berth's run.
    fn same(&self, args: &[&str]) -> Run {
        let theirs = self.reference.run(args);
        let ours = self.berth.run(args);
        assert_same(args, &ours, &theirs);
        ours
    }

    fn up(&self) {
        self.berth.ok(&["up", "-d"]);
        self.reference.ok(&["up", "-d"]);
    }
}

fn sorted_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    lines.sort();
    lines
}

/// Each progress line's object (`Container P-db-1`) with its statuses in order.
fn per_object(text: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() >= 3 && matches!(words[0], "Container" | "Network" | "Volume") {
            out.entry(format!("{} {}", words[0], words[1]))
                .or_default()
                .push(words[2..].join(" "));
        }
    }
    out
}

/// Same exit status, same stdout, same progress (order-insensitive across containers,
/// order-sensitive within each).
fn assert_same(args: &[&str], ours: &Run, theirs: &Run) {
    assert_eq!(
        ours.code, theirs.code,
        "exit status of {args:?}\nours: {ours:?}\ntheirs: {theirs:?}"
    );
    assert_eq!(ours.stdout, theirs.stdout, "stdout of {args:?}");
    assert_eq!(
        sorted_lines(&ours.stderr),
        sorted_lines(&theirs.stderr),
        "stderr of {args:?}\nours:\n{}\ntheirs:\n{}",
        ours.stderr,
        theirs.stderr
    );
    assert_eq!(
        per_object(&ours.stderr),
        per_object(&theirs.stderr),
        "sequences of {args:?}"
    );
}

/// Index of the first line containing `needle` (the progress output's order).
fn position(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in:\n{text}"))
}

#[test]
fn stop_then_start_round_trip() {
    let p = Pair::new("stopstart");
    p.up();
    let stop = p.same(&["stop", "-t", "1"]);
    for s in ["db", "app", "web"] {
        assert_eq!(p.berth.state(s, 1).as_deref(), Some("exited"), "{s}");
    }
    // Reverse dependency order: web before app before db.
    assert!(
        position(&stop.stderr, "P-web-1  Stopped") < position(&stop.stderr, "P-app-1  Stopping")
    );
    assert!(
        position(&stop.stderr, "P-app-1  Stopped") < position(&stop.stderr, "P-db-1  Stopping")
    );
    let start = p.same(&["start"]);
    for s in ["db", "app", "web"] {
        assert_eq!(p.berth.state(s, 1).as_deref(), Some("running"), "{s}");
    }
    assert!(
        position(&start.stderr, "P-db-1  Started") < position(&start.stderr, "P-app-1  Starting")
    );
    assert!(
        position(&start.stderr, "P-app-1  Started") < position(&start.stderr, "P-web-1  Starting")
    );
    // Only what is stopped starts; a service's dependencies come with it.
    p.same(&["stop", "db"]);
    assert_eq!(p.berth.state("app", 1).as_deref(), Some("running"));
    let again = p.same(&["start", "web"]);
    assert_eq!(per_object(&again.stderr).len(), 1, "{}", again.stderr);
    assert_eq!(p.berth.state("db", 1).as_deref(), Some("running"));
    p.same(&["start"]);
}

#[test]
fn restart_takes_dependents_with_restart_true() {
    let p = Pair::new("restart");
    p.up();
    let before: Vec<String> = ["db", "app", "web"]
        .iter()
        .map(|s| p.berth.started_at(s))
        .collect();
    let run = p.same(&["restart", "db"]);
    assert!(
        position(&run.stderr, "P-db-1  Started") < position(&run.stderr, "P-app-1  Restarting")
    );
    assert_ne!(p.berth.started_at("db"), before[0]);
    assert_ne!(p.berth.started_at("app"), before[1]);
    assert_eq!(
        p.berth.started_at("web"),
        before[2],
        "web depends on app without restart: true"
    );

    let before = p.berth.started_at("app");
    let run = p.same(&["restart", "--no-deps", "db"]);
    assert_eq!(per_object(&run.stderr).len(), 1);
    assert_eq!(p.berth.started_at("app"), before);

    // All services: the config is not applied again, the containers stay the same.
    let ids = p.berth.snapshot();
    assert_containers(&ids, 3);
    p.same(&["restart"]);
    let ids_after = p.berth.snapshot();
    let id_of = |s: &str| {
        s.lines()
            .map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
    };
    assert_eq!(id_of(&ids), id_of(&ids_after));
}

#[test]
fn kill_with_signals() {
    let p = Pair::new("kill");
    p.up();
    // busybox sleep as PID 1 ignores SIGTERM: the container stays up.
    p.same(&["kill", "-s", "SIGTERM", "web"]);
    assert_eq!(p.berth.state("web", 1).as_deref(), Some("running"));
    let run = p.same(&["kill"]);
    assert_eq!(per_object(&run.stderr).len(), 3);
    for s in ["db", "app", "web"] {
        assert_eq!(p.berth.state(s, 1).as_deref(), Some("exited"), "{s}");
    }
    assert_eq!(p.berth.inspect("db", "{{.State.ExitCode}}"), "137");
    // Nothing running: compose says so (no line break) and succeeds.
    let none = p.same(&["kill"]);
    assert_eq!(none.stderr, "no container to kill");
}

/// `kill` leaves containers of services the file no longer has alone, unless
/// `--remove-orphans` (or `COMPOSE_REMOVE_ORPHANS`) says to signal them too.
#[test]
fn kill_reaches_orphans_only_when_asked() {
    let p = Pair::new("killorphans");
    p.up();
    let without_web = COMPOSE.split("  web:").next().unwrap();
    for project in [&p.berth, &p.reference] {
        std::fs::write(project.dir.path().join("compose.yaml"), without_web).unwrap();
    }
    let run = p.same(&["kill", "-s", "SIGKILL", "app"]);
    assert_eq!(per_object(&run.stderr).len(), 1);
    p.same(&["kill", "-s", "SIGKILL"]);
    assert_eq!(p.berth.state("db", 1).as_deref(), Some("exited"));
    assert_eq!(
        p.berth.state("web", 1).as_deref(),
        Some("running"),
        "an orphan is left alone"
    );
    let run = p.same(&["kill", "--remove-orphans"]);
    assert_eq!(
        per_object(&run.stderr).len(),
        1,
        "only the orphan is still running"
    );
    assert_eq!(p.berth.state("web", 1).as_deref(), Some("exited"));
}

/// The title of the live view's last frame (`[+] Stopping 3/3` → `Stopping`), with the
/// command run on a pseudo-terminal by `script`.
fn tty_title(project: &Project, args: &[&str]) -> String {
    let line = format!(
        "{} -p {} {}",
        project.bin.display(),
        project.name,
        args.join(" ")
    );
    let out = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(project.dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("script (util-linux) runs the command on a terminal");
    let text = String::from_utf8_lossy(&out.stdout);
    // `-e`: script exits with the command's status.
    assert!(out.status.success(), "{line} failed: {text}");
    let title = text
        .rsplit("[+] ")
        .next()
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_default();
    assert!(text.contains("[+] "), "{line}: no live view in {text:?}");
    title.trim_matches(|c: char| !c.is_alphabetic()).to_string()
}

/// Each verb's live view is titled as the reference titles it.
#[test]
fn live_view_titles_match_the_reference() {
    let p = Pair::new("titles");
    p.up();
    for args in [
        &["stop", "-t", "0"][..],
        &["start"],
        &["restart", "-t", "0"],
        &["pause"],
        &["unpause"],
        &["kill"],
        // -v: db's anonymous volume goes with it.
        &["rm", "-f", "-v"],
    ] {
        let (ours, theirs) = (tty_title(&p.berth, args), tty_title(&p.reference, args));
        assert_eq!(ours, theirs, "{args:?}");
        assert!(!ours.is_empty(), "{args:?}");
    }
}

#[test]
fn pause_and_unpause() {
    let p = Pair::new("pause");
    p.up();
    p.same(&["pause", "app"]);
    assert_eq!(p.berth.state("app", 1).as_deref(), Some("paused"));
    assert_eq!(p.berth.state("db", 1).as_deref(), Some("running"));
    let again = p.same(&["pause", "app"]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("is already paused"),
        "{}",
        again.stderr
    );
    // Only app is paused: `unpause` of all would race the engine's refusals for the others
    // against app's unpause, which both tools drop once one call fails.
    p.same(&["unpause", "app"]);
    for s in ["db", "app", "web"] {
        assert_eq!(p.berth.state(s, 1).as_deref(), Some("running"), "{s}");
    }
    let not_paused = p.same(&["unpause"]);
    assert_eq!(not_paused.code, 1);
    p.same(&["pause"]);
    for s in ["db", "app", "web"] {
        assert_eq!(p.berth.state(s, 1).as_deref(), Some("paused"), "{s}");
    }
    p.same(&["unpause"]);
}

#[test]
fn rm_asks_forces_stops_and_removes_volumes() {
    let p = Pair::new("rm");
    p.up();
    let none = p.same(&["rm", "-f"]);
    assert_eq!(none.stderr, "No stopped containers\n");
    p.same(&["stop", "web"]);
    // Without -f and without a terminal: the question goes to stdout, no answer is no.
    let asked = p.same(&["rm"]);
    assert_eq!(asked.stdout, "Going to remove P-web-1");
    assert_eq!(p.berth.state("web", 1).as_deref(), Some("exited"));
    let removed = p.same(&["rm", "-f"]);
    assert_eq!(removed.stdout, "Going to remove P-web-1\n");
    assert_eq!(p.berth.state("web", 1), None);

    // -s stops first; -v takes the anonymous volume along.
    let volume = p.berth.inspect("db", "{{range .Mounts}}{{.Name}}{{end}}");
    p.same(&["rm", "-s", "-v", "-f", "db"]);
    assert_eq!(p.berth.state("db", 1), None);
    assert_eq!(p.berth.state("app", 1).as_deref(), Some("running"));
    assert!(!exists("volume", &volume), "volume {volume} left behind");
}

#[test]
fn scale_up_then_down() {
    let p = Pair::new("scale");
    p.up();
    p.same(&["scale", "web=3"]);
    let name = |n: u32| p.berth.container("web", n);
    let all = p.berth.containers();
    for n in 1..=3 {
        assert!(all.contains(&name(n)), "{all:?}");
        assert_eq!(p.berth.state("web", n).as_deref(), Some("running"));
    }
    let down = p.same(&["scale", "web=1"]);
    assert!(down.stderr.contains("P-web-3  Removed"));
    assert_eq!(p.berth.state("web", 1).as_deref(), Some("running"));
    assert_eq!(p.berth.state("web", 2), None);
    assert_eq!(p.berth.state("web", 3), None);
    p.same(&["scale", "--no-deps", "app=2"]);
    assert_eq!(p.berth.state("app", 2).as_deref(), Some("running"));
    for bad in [
        &["scale", "web"][..],
        &["scale", "web=x"],
        &["scale", "nope=2"],
        &["scale"],
    ] {
        let run = p.same(bad);
        assert_eq!(run.code, 1, "{bad:?}");
    }
}

#[test]
fn dry_run_changes_nothing() {
    let p = Pair::new("dryrun");
    p.up();
    p.berth.ok(&["stop", "web"]);
    let before = p.berth.snapshot();
    assert_containers(&before, 3);
    assert!(before.contains(" exited "), "{before}");
    let elsewhere = tempfile::tempdir().unwrap();
    // Both binaries on berth's project: it must stay as it is, and they must agree.
    // (`start` is left out: compose 2.40.3's dry-run start loses the container list when a
    // file is loaded and fails with `service "db" has no container to start`.)
    for args in [
        &["stop"][..],
        &["restart"],
        &["restart", "db"],
        &["kill"],
        &["kill", "-s", "SIGTERM"],
        &["pause"],
        &["unpause"],
        &["rm", "-f"],
        &["rm", "-s", "-v", "-f"],
        &["scale", "web=3"],
        &["scale", "app=0"],
    ] {
        let mut full = vec!["--dry-run"];
        full.extend_from_slice(args);
        let ours = p.berth.run(&full);
        assert_eq!(
            p.berth.snapshot(),
            before,
            "berth {full:?} changed the engine"
        );
        let theirs = p.reference.run_on(&p.berth, &full);
        assert_same(&full, &ours, &theirs);
        // The same from labels alone.
        let ours = p.berth.run_in(elsewhere.path(), true, &full);
        assert_eq!(
            p.berth.snapshot(),
            before,
            "berth -p {full:?} changed the engine"
        );
        let theirs = p.reference.run_in(
            elsewhere.path(),
            false,
            &[&["-p", &p.berth.name], &full[..]].concat(),
        );
        assert_same(&full, &ours, &theirs);
    }
    // From labels alone, start too.
    let empty = elsewhere;
    let ours = p.berth.run_in(empty.path(), true, &["--dry-run", "start"]);
    assert_eq!(p.berth.snapshot(), before);
    let theirs = p.reference.run_in(
        empty.path(),
        false,
        &["-p", &p.berth.name, "--dry-run", "start"],
    );
    assert_same(&["--dry-run", "start"], &ours, &theirs);
    assert!(
        ours.stderr
            .contains("DRY-RUN MODE -  Container P-web-1  Started"),
        "{}",
        ours.stderr
    );
}

#[test]
fn project_name_alone_works_from_labels() {
    let p = Pair::new("labels");
    p.up();
    let elsewhere_b = tempfile::tempdir().unwrap();
    let elsewhere_r = tempfile::tempdir().unwrap();
    let same = |args: &[&str]| {
        let ours = p.berth.run_in(elsewhere_b.path(), true, args);
        let theirs = p.reference.run_in(elsewhere_r.path(), true, args);
        assert_same(args, &ours, &theirs);
        ours
    };
    let stop = same(&["stop"]);
    // The order comes from the depends_on label.
    assert!(
        position(&stop.stderr, "P-web-1  Stopped") < position(&stop.stderr, "P-app-1  Stopping")
    );
    assert_eq!(p.berth.state("db", 1).as_deref(), Some("exited"));
    same(&["start"]);
    assert_eq!(p.berth.state("web", 1).as_deref(), Some("running"));
    let restart = same(&["restart", "db"]);
    assert_eq!(per_object(&restart.stderr).len(), 2, "{}", restart.stderr);
    same(&["pause", "web"]);
    assert_eq!(p.berth.state("web", 1).as_deref(), Some("paused"));
    same(&["unpause", "web"]);
    same(&["kill", "web"]);
    same(&["rm", "-f", "web"]);
    assert_eq!(p.berth.state("web", 1), None);
    // No such service among the containers.
    let start = same(&["start", "nope"]);
    assert_eq!(start.stderr, "no such service: \"nope\": not found\n");
    same(&["stop", "nope"]);
    same(&["kill", "nope"]);
    same(&["pause", "nope"]);
    same(&["rm", "-f", "nope"]);
    let restart = same(&["restart", "nope"]);
    assert_eq!(restart.code, 1);
    // A project without containers.
    let gone = Project::new("labels-none", berth(), "b");
    let gone_ref = Project::new("labels-none", reference(), "r");
    let ours = gone.run_in(elsewhere_b.path(), true, &["start"]);
    let theirs = gone_ref.run_in(elsewhere_r.path(), true, &["start"]);
    assert_same(&["start"], &ours, &theirs);
    assert_eq!(
        ours.stderr,
        "no container found for project \"P\": not found\n"
    );
}

#[test]
fn unknown_services_are_errors_with_a_file() {
    let p = Pair::new("unknown");
    p.up();
    let dir = p.berth.dir.path();
    for verb in ["start", "stop", "restart", "kill", "pause", "unpause", "rm"] {
        let args = ["-f", "compose.yaml", verb, "nope"];
        let ours = p.berth.run_in(dir, true, &args);
        let theirs = p
            .reference
            .run_in(dir, false, &[&["-p", &p.berth.name][..], &args].concat());
        assert_same(&args, &ours, &theirs);
        assert_eq!(ours.code, 1, "{verb}");
        assert_eq!(ours.stderr, "no such service: nope\n", "{verb}");
    }
    let snapshot = p.berth.snapshot();
    assert_containers(&snapshot, 3);
    assert!(
        snapshot.lines().all(|l| l.contains(" running ")),
        "{snapshot}"
    );
}

/// `post_start` and `pre_stop` hooks run through the engine's exec where the reference runs
/// them: after each start (up, start, restart), before each stop (stop, restart, down); a
/// failing hook fails the command with compose's message, and a failing `pre_stop` keeps
/// the container running.
#[test]
fn hooks_run_where_the_reference_runs_them() {
    let compose = "services:
  s:
    image: berth-example/busybox:local
    command: sleep 3600
    stop_signal: SIGKILL
    post_start:
      - command: sh -c 'echo \"$$GREETING\" >> /started'
        environment: {GREETING: hello}
    pre_stop:
      - command: sh -c 'echo stop >> /started; test ! -e /refuse'
";
    let p = Pair::with_file("hooks", compose);
    let same = |args: &[&str]| p.same(args);
    let trail =
        |project: &Project| docker_ok(&["exec", &project.container("s", 1), "cat", "/started"]);
    same(&["up", "-d"]);
    assert_eq!(trail(&p.berth), "hello");
    same(&["restart"]);
    assert_eq!(trail(&p.berth), "hello\nstop\nhello");
    assert_eq!(trail(&p.reference), trail(&p.berth));

    for project in [&p.berth, &p.reference] {
        docker_ok(&["exec", &project.container("s", 1), "touch", "/refuse"]);
    }
    let stop = same(&["stop"]);
    assert_eq!(stop.code, 1);
    assert!(
        stop.stderr.contains("s hook exited with status 1"),
        "{}",
        stop.stderr
    );
    assert_eq!(p.berth.state("s", 1).as_deref(), Some("running"));

    // A stopped container: the dry run says what it would execute, with the container's ID.
    for project in [&p.berth, &p.reference] {
        docker_ok(&["kill", &project.container("s", 1)]);
        assert_eq!(project.state("s", 1).as_deref(), Some("exited"));
    }
    let id = |project: &Project| project.inspect("s", "{{.Id}}");
    let (ours, theirs) = (
        p.berth.run(&["--dry-run", "up", "-d"]),
        p.reference.run(&["--dry-run", "up", "-d"]),
    );
    assert_eq!(ours.code, 0, "{ours:?}");
    let ours_out = ours.stdout.replace(&id(&p.berth), "ID");
    assert_eq!(ours_out, theirs.stdout.replace(&id(&p.reference), "ID"));
    assert_eq!(
        ours_out,
        " DRY-RUN MODE - Executing command [\"sh\" \"-c\" \"echo \\\"$GREETING\\\" >> /started\"] in ID (detached mode)\n"
    );
    same(&["start"]);
    // The refused stop ran its hook too.
    assert_eq!(trail(&p.berth), "hello\nstop\nhello\nstop\nhello");
    assert_eq!(trail(&p.reference), trail(&p.berth));
    // The hook finds the container stopped (killed behind compose's back): down goes on.
    for project in [&p.berth, &p.reference] {
        docker_ok(&["kill", &project.container("s", 1)]);
        assert_eq!(project.state("s", 1).as_deref(), Some("exited"));
    }
    same(&["down"]);
    assert_eq!(p.berth.state("s", 1), None);
}

/// A failing `post_start` hook fails `up` after the start, without the `Started` event.
#[test]
fn a_failing_post_start_hook_fails_up() {
    let compose = "services:
  s:
    image: berth-example/busybox:local
    command: sleep 3600
    stop_signal: SIGKILL
    post_start:
      - command: sh -c 'exit 3'
";
    let p = Pair::with_file("hookfail", compose);
    let up = p.same(&["up", "-d"]);
    assert_eq!(up.code, 1);
    assert!(
        up.stderr.contains("s hook exited with status 3"),
        "{}",
        up.stderr
    );
    assert!(!up.stderr.contains("Started"), "{}", up.stderr);
    assert_eq!(p.berth.state("s", 1).as_deref(), Some("running"));
}
