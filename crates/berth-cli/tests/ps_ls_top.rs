//! `ps`, `ls` and `top` against the reference on a live project: the reference brings the
//! project up (one service published, one scaled to 2, one exited), then every invocation runs
//! through both binaries and their exit status, stdout and stderr must be identical. Fails —
//! never skips — without the engine or the reference.
//!
//! Only what is inherently unstable is normalised: label order (the reference prints Go's
//! random map order), and time phrases (`Up 3 seconds`): a pair of runs that straddles a second
//! boundary is simply run again.

// The test reads where the reference is from its environment, as the differential test does.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;

use common::engine::{reference, require_engine as ensure_image, run};

/// A project the reference brought up; taken down again (`down -v`) however the test ends.
struct Project {
    name: String,
    dir: tempfile::TempDir,
}

const COMPOSE: &str = r#"services:
  web:
    image: berth-example/busybox:local
    command: httpd -f -p 80
    ports:
      - "80"
      - "127.0.0.1::81"
    expose:
      - "7000-7002"
  worker:
    image: berth-example/busybox:local
    command: sleep 3600
    scale: 2
  once:
    image: berth-example/busybox:local
    command: sh -c "exit 3"
"#;

impl Project {
    fn up(test: &str) -> Project {
        ensure_image();
        let name = format!("berthtest-{test}-{}", std::process::id());
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("compose.yaml"), COMPOSE).expect("write compose.yaml");
        let project = Project { name, dir };
        let out = project.reference(&["up", "-d"]);
        assert!(
            out.status.success(),
            "reference up failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // `once` exits at once; wait until the engine says so.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = project.reference(&["ps", "-q", "--status", "exited"]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            if !out.stdout.is_empty() {
                break;
            }
            assert!(Instant::now() < deadline, "`once` never exited");
            std::thread::sleep(Duration::from_millis(200));
        }
        // What every comparison below looks at: web, two workers and once (which exited).
        let filter = format!("label=com.docker.compose.project={}", project.name);
        let all = common::engine::docker_ok(&["ps", "-aq", "--filter", &filter]);
        assert_eq!(all.lines().count(), 4, "{all}");
        project
    }

    fn file(&self) -> String {
        self.dir.path().join("compose.yaml").display().to_string()
    }

    fn command(&self, program: &Path, args: &[&str], with_file: bool) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.dir.path())
            .env_remove("COMPOSE_PROJECT_NAME")
            .env_remove("COMPOSE_FILE")
            .env_remove("NO_COLOR")
            .arg("-p")
            .arg(&self.name);
        if with_file {
            cmd.arg("-f").arg(self.file());
        }
        cmd.args(args);
        cmd
    }

    fn reference(&self, args: &[&str]) -> Output {
        run(&mut self.command(&reference(), args, true))
    }

    /// Runs `args` through both binaries until they agree (at most a few times, for the
    /// clock); panics with both outputs when they never do.
    fn compare(&self, args: &[&str], with_file: bool) {
        let berth = PathBuf::from(env!("CARGO_BIN_EXE_berth"));
        let mut last = None;
        for _ in 0..6 {
            let theirs = normalise(&run(&mut self.command(&reference(), args, with_file)));
            let ours = normalise(&run(&mut self.command(&berth, args, with_file)));
            if theirs == ours {
                return;
            }
            last = Some((theirs, ours));
            std::thread::sleep(Duration::from_millis(300));
        }
        let (theirs, ours) = last.expect("at least one run");
        pretty_assertions::assert_eq!(theirs, ours, "berth {args:?} differs from the reference");
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = self.reference(&["down", "-v", "-t", "0"]);
    }
}

/// Exit status, stdout and stderr, with label lists sorted.
fn normalise(out: &Output) -> (Option<i32>, String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(sort_labels)
        .map(|l| l + "\n")
        .collect();
    (
        out.status.code(),
        stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Sorts the comma-separated `k=v` list of a `"Labels":"…"` JSON field or a `labels: …` line.
fn sort_labels(line: &str) -> String {
    let sort = |list: &str| -> String {
        let mut items: Vec<&str> = list.split(",com.docker").collect();
        let first = items.remove(0).to_string();
        let mut all: Vec<String> = vec![first];
        all.extend(items.iter().map(|i| format!("com.docker{i}")));
        all.sort();
        all.join(",")
    };
    if let Some(rest) = line.strip_prefix("labels: ") {
        return format!("labels: {}", sort(rest));
    }
    if let Some(start) = line.find("\"Labels\":\"") {
        let from = start + "\"Labels\":\"".len();
        if let Some(len) = line[from..].find('"') {
            return format!(
                "{}{}{}",
                &line[..from],
                sort(&line[from..from + len]),
                &line[from + len..]
            );
        }
    }
    line.to_string()
}

#[test]
fn ps_matches_the_reference() {
    let p = Project::up("ps");
    let cases: &[&[&str]] = &[
        &["ps"],
        &["ps", "-a"],
        &["ps", "-q"],
        &["ps", "-a", "-q"],
        &["ps", "--services"],
        &["ps", "-a", "--services"],
        &["ps", "--status", "running"],
        &["ps", "--status", "exited"],
        &["ps", "--status", "exited", "--status", "running"],
        &["ps", "--filter", "status=exited"],
        &["ps", "--filter", "status=running", "-q"],
        &["ps", "--format", "json"],
        &["ps", "-a", "--format", "json"],
        &["ps", "-a", "--format", "{{.Name}} {{.State}}"],
        &[
            "ps",
            "-a",
            "--format",
            "{{.Name}}\t{{.ExitCode}}\t{{.Health}}",
        ],
        &["ps", "--format", "table {{.Name}}\\t{{.Image}}"],
        &["ps", "--format", "table {{.ID}}\\t{{.Names}}\\t{{.Ports}}"],
        &["ps", "--format", "{{json .Publishers}}"],
        &[
            "ps",
            "--format",
            "{{.Label \"com.docker.compose.service\"}}",
        ],
        &[
            "ps",
            "--format",
            "{{upper .Service}} {{.Networks}} {{.Size}}",
        ],
        &["ps", "--format", "raw"],
        &["ps", "--no-trunc"],
        &["ps", "-a", "--no-trunc", "--format", "json"],
        &["ps", "web"],
        &["ps", "worker", "once", "-a"],
        &["ps", "--orphans=false"],
        // Errors.
        &["ps", "nosuch"],
        &["ps", "web", "nosuch"],
        &["ps", "--filter", "foo"],
        &["ps", "--filter", "foo=bar"],
        &["ps", "--format", "{{.Nope}}"],
        &["ps", "--format", "{{.Name"],
        &["ps", "--format", "{{json}}"],
    ];
    for args in cases {
        p.compare(args, true);
    }
    // Without -f, the project name alone: no service check.
    p.compare(&["ps"], false);
    p.compare(&["ps", "nosuch"], false);
}

#[test]
fn ls_matches_the_reference() {
    let p = Project::up("ls");
    let exact = format!("name=^{}$", p.name);
    let prefix = format!("name={}", &p.name[..p.name.len() - 2]);
    let cases: Vec<Vec<&str>> = vec![
        vec!["ls", "--filter", &exact],
        vec!["ls", "-a", "--filter", &exact],
        vec!["ls", "-q", "--filter", &exact],
        vec!["ls", "-a", "--format", "json", "--filter", &exact],
        vec!["ls", "--format", "json", "--filter", &exact],
        vec!["ls", "-a", "--filter", &prefix, "--filter", &exact],
        vec!["ls", "--filter", "name=^no-such-project-at-all$"],
        vec![
            "ls",
            "--format",
            "json",
            "--filter",
            "name=^no-such-project-at-all$",
        ],
        // Errors.
        vec!["ls", "--filter", "foo"],
        vec!["ls", "--filter", "foo=bar"],
        vec!["ls", "--format", "yaml"],
        vec!["ls", "extra"],
    ];
    for args in &cases {
        p.compare(args, true);
    }
}

#[test]
fn top_matches_the_reference() {
    let p = Project::up("top");
    p.compare(&["top"], true);
    p.compare(&["top", "worker"], true);
    p.compare(&["top", "web", "worker"], false);
    p.compare(&["top", "once"], true);
    p.compare(&["top", "nosuch"], true);
}
