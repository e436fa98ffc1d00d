//! Scenarios where berth's `up` was seen to part from the reference's. Each runs with the
//! reference and then with berth, each tool in a project of its own, and holds both to what
//! the reference did (pinned here, from runs of docker compose 2.40.3 on engine 20.10): the
//! exit status, the lines that matter, and what exists and runs on the engine afterwards.
//! The reference's run checks that the pinned expectations still describe it;
//! `BERTH_SCENARIOS=reference` runs the reference alone, to check a changed expectation
//! against it. Fails — never skips — without an engine.

mod common;

use common::engine::{docker, docker_ok, Scratch, TestProject, BASE_IMAGE};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a tool may take to return where the reference returns at once: a hang fails
/// the test instead of hanging the suite.
const LIMIT: Duration = Duration::from_secs(60);

/// A tool under test: the reference or berth.
struct Tool {
    /// "ref" or "berth": in project names and messages.
    tag: &'static str,
    path: PathBuf,
}

/// The reference first, then berth (unless `BERTH_SCENARIOS=reference`).
// A test switch read from the environment, as BERTH_REFERENCE is.
#[allow(clippy::disallowed_methods)]
fn tools() -> Vec<Tool> {
    let mut tools = vec![Tool {
        tag: "ref",
        path: common::engine::reference(),
    }];
    if std::env::var("BERTH_SCENARIOS").as_deref() != Ok("reference") {
        tools.push(Tool {
            tag: "berth",
            path: common::engine::berth(),
        });
    }
    tools
}

impl Tool {
    fn is_reference(&self) -> bool {
        self.tag == "ref"
    }

    /// A project of this tool's own for the scenario `tag`.
    fn project(&self, tag: &str, compose: &str) -> TestProject {
        TestProject::new(&format!("{tag}-{}", self.tag), compose)
    }

    fn run(&self, p: &TestProject, args: &[&str]) -> Output {
        common::engine::run(&mut p.command(&self.path, args))
    }

    /// Runs a step that must succeed; returns its stderr.
    fn ok(&self, p: &TestProject, args: &[&str]) -> String {
        let out = self.run(p, args);
        assert!(
            out.status.success(),
            "{}: {args:?} failed ({:?}):\n{}",
            self.tag,
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).to_string()
    }

    /// Starts the tool in the background, stdout and stderr piped.
    fn spawn(&self, p: &TestProject, args: &[&str]) -> Background {
        let mut child = p
            .command(&self.path, args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.path.display()));
        let (stdout, stderr) = (Arc::default(), Arc::default());
        let readers = vec![
            collect(child.stdout.take().unwrap(), Arc::clone(&stdout)),
            collect(child.stderr.take().unwrap(), Arc::clone(&stderr)),
        ];
        Background {
            tag: self.tag,
            child,
            stdout,
            stderr,
            readers,
        }
    }
}

fn collect(mut from: impl Read + Send + 'static, into: Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    })
}

/// A tool running in the background, its output collected as it comes; killed if the test
/// ends while it still runs.
struct Background {
    tag: &'static str,
    child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
}

/// How a background tool ended.
struct Finished {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Background {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).to_string()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).to_string()
    }

    /// Polls `ready` until it holds; fails after [`LIMIT`] or when the tool exits first.
    fn wait_for(&mut self, what: &str, ready: impl Fn(&Background) -> bool) {
        let start = Instant::now();
        while !ready(self) {
            let exited = self.child.try_wait().unwrap();
            assert!(
                exited.is_none() && start.elapsed() < LIMIT,
                "{}: {what} did not happen ({exited:?})\nstdout:\n{}\nstderr:\n{}",
                self.tag,
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    fn interrupt(&self) {
        let pid = self.child.id().to_string();
        let sent = common::engine::run(std::process::Command::new("kill").args(["-INT", &pid]));
        assert!(sent.status.success(), "kill -INT {pid} failed");
    }

    /// Waits for the tool to exit; one still running after [`LIMIT`] is killed and fails
    /// the test.
    fn finish(mut self) -> Finished {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break Some(status);
            }
            if start.elapsed() >= LIMIT {
                break None;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        if status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        for reader in std::mem::take(&mut self.readers) {
            let _ = reader.join();
        }
        let (stdout, stderr) = (self.stdout(), self.stderr());
        let Some(status) = status else {
            panic!(
                "{}: still running after {LIMIT:?}, killed\nstdout:\n{stdout}\nstderr:\n{stderr}",
                self.tag
            );
        };
        Finished {
            code: status.code(),
            stdout,
            stderr,
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `text` with the project's name written `P`, so both tools' outputs compare.
fn generic(p: &TestProject, text: &str) -> String {
    text.replace(&p.name, "P")
}

/// The lines of `text`, trimmed, the project's name written `P`.
fn lines(p: &TestProject, text: &str) -> Vec<String> {
    generic(p, text)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn stderr_lines(p: &TestProject, out: &Output) -> Vec<String> {
    lines(p, &String::from_utf8_lossy(&out.stderr))
}

/// `<name> <state>` of every container of the project (running, exited, created…), sorted,
/// the project's name written `P`.
fn states(p: &TestProject) -> Vec<String> {
    let out = docker_ok(&[
        "ps",
        "-a",
        "--filter",
        &format!("label=com.docker.compose.project={}", p.name),
        "--format",
        "{{.Names}} {{.State}}",
    ]);
    let mut list = lines(p, &out);
    list.sort();
    list
}

fn network_exists(p: &TestProject) -> bool {
    docker(&["network", "inspect", &format!("{}_default", p.name)])
        .status
        .success()
}

/// `app` shares `db`'s volumes or network namespace; `db` has a named volume.
fn sharing(how: &str) -> String {
    format!(
        "services:
  db:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    volumes: [data:/data]
  app:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    {how}
volumes:
  data: {{}}
"
    )
}

/// `up --no-deps -d app` while `db` runs, where `app` has `volumes_from: [db]`. The
/// reference creates and starts `app` alone — stderr is exactly ` Container P-app-1
/// Creating`, `Created`, `Starting`, `Started`; exit 0 — with `HostConfig.VolumesFrom`
/// `[<db's container ID>]`, leaving `db` untouched. Only when no `db` container exists does
/// it fail, with "cannot share volume with service db: container missing".
#[test]
fn no_deps_up_takes_volumes_from_the_running_service() {
    no_deps_up_shares(
        "nodepsvol",
        "volumes_from: [db]",
        "{{json .HostConfig.VolumesFrom}}",
        "[\"ID\"]",
    );
}

/// `up --no-deps -d app` while `db` runs, where `app` has `network_mode: service:db`: as
/// with `volumes_from`, the reference creates and starts `app` alone, with
/// `HostConfig.NetworkMode` `container:<db's container ID>` (and fails with "cannot share
/// network namespace with service db: container missing" only when `db` has no container).
#[test]
fn no_deps_up_joins_the_running_service_network_namespace() {
    no_deps_up_shares(
        "nodepsnet",
        "network_mode: service:db",
        "{{.HostConfig.NetworkMode}}",
        "container:ID",
    );
}

/// Runs `up -d db`, then `up --no-deps -d app` where `app` shares `db` as `how` says, and
/// checks that `app` alone was created and started, with `format` of its container giving
/// `shared` (`ID` standing for `db`'s container ID).
fn no_deps_up_shares(tag: &str, how: &str, format: &str, shared: &str) {
    for tool in tools() {
        let p = tool.project(tag, &sharing(how));
        tool.ok(&p, &["up", "-d", "db"]);
        let db = format!("{}-db-1", p.name);
        let db_id = p.inspect(&db, "{{.Id}}");

        let out = tool.run(&p, &["up", "--no-deps", "-d", "app"]);
        let who = tool.tag;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{who}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            stderr_lines(&p, &out),
            [
                "Container P-app-1  Creating",
                "Container P-app-1  Created",
                "Container P-app-1  Starting",
                "Container P-app-1  Started",
            ],
            "{who}"
        );
        assert_eq!(states(&p), ["P-app-1 running", "P-db-1 running"], "{who}");
        assert_eq!(p.inspect(&db, "{{.Id}}"), db_id, "{who}: db was recreated");
        assert_eq!(
            p.inspect(&format!("{}-app-1", p.name), format),
            shared.replace("ID", &db_id),
            "{who}"
        );
    }
}

/// Ctrl-C (SIGINT) on an attached `up app`, where `app` depends on `db` and an orphan
/// container of the project runs. The reference prints `Gracefully Stopping... press
/// Ctrl+C again to force` on stdout, stops only the attached `app` (stderr's only stop
/// lines: ` Container P-app-1  Stopping`, `Stopped`) and exits 130, leaving `db` and the
/// orphan running.
#[test]
fn ctrl_c_stops_only_the_attached_services() {
    let with_old = format!(
        "services:
  db:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
  app:
    image: {BASE_IMAGE}
    command: sh -c 'echo app started; sleep 3600'
    init: true
    depends_on: [db]
  old:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
"
    );
    let without_old = with_old.split("  old:").next().unwrap().to_string();
    for tool in tools() {
        let p = tool.project("sigint", &with_old);
        tool.ok(&p, &["up", "-d", "old"]);
        p.write(&without_old);

        let mut up = tool.spawn(&p, &["up", "app"]);
        up.wait_for("app's first line", |up| {
            up.stdout().contains("app-1  | app started")
        });
        up.interrupt();
        let out = up.finish();
        let who = tool.tag;
        assert_eq!(out.code, Some(130), "{who}: {}", out.stderr);
        assert_eq!(
            lines(&p, &out.stdout),
            [
                "Attaching to app-1",
                "app-1  | app started",
                "Gracefully Stopping... press Ctrl+C again to force",
            ],
            "{who}"
        );
        let stderr = lines(&p, &out.stderr);
        assert!(
            stderr.iter().any(|l| l.contains(
                "level=warning msg=\"Found orphan containers ([P-old-1]) for this project."
            )),
            "{who}: {stderr:#?}"
        );
        let stops: Vec<&String> = stderr.iter().filter(|l| l.contains("  Stop")).collect();
        assert_eq!(
            stops,
            ["Container P-app-1  Stopping", "Container P-app-1  Stopped"],
            "{who}"
        );
        assert_eq!(
            states(&p),
            ["P-app-1 exited", "P-db-1 running", "P-old-1 running"],
            "{who}"
        );
    }
}

/// `up --attach-dependencies foo`, where `foo` prints `hi` and exits 0 and its dependency
/// `dep` keeps running. The reference attaches to both, prints `foo-1  | hi` and
/// `foo-1 exited with code 0` (after `\r\x1b[K`), and returns with 0 as soon as `foo`
/// exits: the services named on the command line decide when it is over, not the attached
/// dependencies, which it leaves running.
#[test]
fn attach_dependencies_returns_when_the_named_service_exits() {
    let compose = format!(
        "services:
  dep:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
  foo:
    image: {BASE_IMAGE}
    command: echo hi
    depends_on: [dep]
"
    );
    for tool in tools() {
        let p = tool.project("attachdeps", &compose);
        let out = tool
            .spawn(&p, &["up", "--attach-dependencies", "foo"])
            .finish();
        let who = tool.tag;
        assert_eq!(out.code, Some(0), "{who}: {}", out.stderr);
        assert_eq!(
            generic(&p, &out.stdout),
            "Attaching to dep-1, foo-1\nfoo-1  | hi\n\r\x1b[Kfoo-1 exited with code 0\n",
            "{who}"
        );
        let stderr = lines(&p, &out.stderr);
        assert!(
            !stderr.iter().any(|l| l.contains("  Stop")),
            "{who}: {stderr:#?}"
        );
        assert_eq!(states(&p), ["P-dep-1 running", "P-foo-1 exited"], "{who}");
        assert_eq!(
            p.inspect(&format!("{}-foo-1", p.name), "{{.State.ExitCode}}"),
            "0",
            "{who}"
        );
    }
}

/// What a tool does with a service whose image is absent but can be built.
enum Expect {
    /// Builds the image, then creates and starts the container (the reference).
    Builds,
    /// Stops before creating anything, as for a build-only service (berth, until it can
    /// build: then this test expects `Builds` of it too).
    RefusesToBuild,
}

/// A service with both `image:` and `build:` (a context whose Dockerfile is `FROM` the
/// base image) whose image is absent. The reference (pull policy `missing`) tries to pull
/// it first and, the image being buildable, only warns when the pull fails: ` s Pulling `
/// then ` s Warning <the registry's error>` (here `Get "https://registry-1.docker.io/v2/":
/// dial tcp: lookup registry-1.docker.io on …: no such host`); then it builds (a warning
/// that buildx is missing, BuildKit's steps on stdout, ` s  Built`), creates and starts the
/// container, and exits 0. berth cannot build yet, so until it can it must stop before
/// creating anything, with exit 1 and the message of a build-only service (`service "s"
/// needs image … built, and berth cannot build images yet: …`) — after the same tolerated
/// pull attempt as the reference's, never with a pull error.
#[test]
fn image_and_build_with_the_image_absent() {
    let mut reference_pull = None;
    for tool in tools() {
        let image = format!("berthtest-built-{}-{}:v1", tool.tag, std::process::id());
        let repository = image.split(':').next().unwrap().to_string();
        // Declared before the project, so removed after its containers.
        let _image = Scratch::adopt("image", &image);
        let p = tool.project(
            "imgbuild",
            &format!(
                "services:\n  s:\n    image: {image}\n    build: ./ctx\n    command: sleep 3600\n    init: true\n"
            ),
        );
        let context = p.dir.path().join("ctx");
        std::fs::create_dir(&context).unwrap();
        std::fs::write(context.join("Dockerfile"), format!("FROM {BASE_IMAGE}\n")).unwrap();
        assert!(!docker(&["image", "inspect", &image]).status.success());

        let out = tool.run(&p, &["up", "-d"]);
        let who = tool.tag;
        let stderr: Vec<String> = stderr_lines(&p, &out)
            .into_iter()
            .map(|l| l.replace(&repository, "IMAGE"))
            .collect();
        let pull: Vec<String> = stderr
            .iter()
            .filter(|l| l.starts_with("s Pull") || l.starts_with("s Warning"))
            .cloned()
            .collect();
        assert_eq!(pull.len(), 2, "{who}: {stderr:#?}");
        assert_eq!(pull[0], "s Pulling", "{who}");
        assert!(pull[1].starts_with("s Warning "), "{who}: {stderr:#?}");
        assert!(
            !stderr.iter().any(|l| l.starts_with("s Error")),
            "{who}: {stderr:#?}"
        );
        let expect = if tool.is_reference() {
            reference_pull = Some(pull);
            Expect::Builds
        } else {
            // The same pull attempt, failing the same way.
            if let Some(reference) = &reference_pull {
                assert_eq!(&pull, reference, "{who}");
            }
            Expect::RefusesToBuild
        };
        match expect {
            Expect::Builds => {
                assert_eq!(out.status.code(), Some(0), "{who}: {stderr:#?}");
                assert!(stderr.contains(&"s  Built".to_string()), "{who}");
                assert_eq!(states(&p), ["P-s-1 running"], "{who}");
                assert_eq!(
                    p.inspect(&format!("{}-s-1", p.name), "{{.Config.Image}}"),
                    image
                );
            }
            Expect::RefusesToBuild => {
                assert_eq!(out.status.code(), Some(1), "{who}: {stderr:#?}");
                assert_eq!(
                    stderr.last().map(String::as_str),
                    Some(
                        "service \"s\" needs image IMAGE:v1 built, and berth cannot build \
                         images yet: build it with `docker compose build s` first"
                    ),
                    "{who}: {stderr:#?}"
                );
                assert_eq!(stderr.len(), 3, "{who}: {stderr:#?}");
                assert!(states(&p).is_empty(), "{who}");
                assert!(!network_exists(&p), "{who}");
                assert!(!docker(&["image", "inspect", &image]).status.success());
            }
        }
    }
}

/// Whether `stderr` is the reference's load error for two services with the container name
/// `P-same`: compose-go's own garbled line, naming either service (it walks a Go map, so
/// which one varies from run to run), and nothing else but berth's `  at <file>:<line>:<col>`.
fn is_duplicate_name_error(stderr: &[String]) -> bool {
    let Some((first, rest)) = stderr.split_first() else {
        return false;
    };
    ["a", "b"].iter().any(|s| {
        *first
            == format!(
                "services.{s}: container name \"P-same\" is already in use by service {{}}\""
            )
    }) && rest.iter().all(|l| l.starts_with("at "))
}

/// Whether `line` is the engine's refusal of a second container named `/P-b-1`.
fn is_name_conflict(line: &str) -> bool {
    let Some(rest) = line.strip_prefix(
        "Error response from daemon: Conflict. The container name \"/P-b-1\" is already in use by container \"",
    ) else {
        return false;
    };
    let Some((id, tail)) = rest.split_once('"') else {
        return false;
    };
    id.len() == 64
        && id.chars().all(|c| c.is_ascii_hexdigit())
        && tail == ". You have to remove (or rename) that container to be able to reuse that name."
}

/// Two services with the same `container_name`. The reference refuses the file in the
/// commands that check the model's consistency — `config` and `up -d` exit 1 with stdout
/// empty and stderr exactly `services.a: container name "P-same" is already in use by
/// service {}"` (or `services.b`, from run to run) — and nothing changes on the engine; the
/// others load it unchecked: `config --services` prints `a` and `b` (mostly in that order,
/// sometimes not; exit 0), and `down`
/// takes the project (created before the duplicate was written) away as usual. The engine's
/// own conflict comes only when the names collide without being equal in the file
/// (`container_name: P-b-1` in `a`, next to `b`): `up -d` then exits 1 with
/// `Error response from daemon: Conflict. The container name "/P-b-1" is already in use by
/// container "<ID>". You have to remove (or rename) that container to be able to reuse that
/// name.`, leaving the one container created (not started; the reference exits before the
/// engine has finished creating it, so it may show a moment later), and `down` removes it.
#[test]
fn duplicate_container_names_fail_up_but_not_down() {
    for tool in tools() {
        let p = tool.project("dupname", "services: {}\n");
        let service = |name: &str, container_name: &str| {
            format!(
                "  {name}:\n    image: {BASE_IMAGE}\n    command: sleep 3600\n    init: true\n{container_name}"
            )
        };
        let same = format!("    container_name: {}-same\n", p.name);
        p.write(&format!("services:\n{}", service("a", &same)));
        tool.ok(&p, &["up", "-d"]);
        p.write(&format!(
            "services:\n{}{}",
            service("a", &same),
            service("b", &same)
        ));
        let who = tool.tag;

        let config = tool.run(&p, &["config"]);
        assert_eq!(config.status.code(), Some(1), "{who}");
        assert!(config.stdout.is_empty(), "{who}");
        let stderr = stderr_lines(&p, &config);
        assert!(is_duplicate_name_error(&stderr), "{who}: {stderr:#?}");

        let up = tool.run(&p, &["up", "-d"]);
        assert_eq!(up.status.code(), Some(1), "{who}");
        let stderr = stderr_lines(&p, &up);
        assert!(is_duplicate_name_error(&stderr), "{who}: {stderr:#?}");
        assert_eq!(states(&p), ["P-same running"], "{who}");

        let down = tool.run(&p, &["down"]);
        assert_eq!(
            down.status.code(),
            Some(0),
            "{who}: {}",
            String::from_utf8_lossy(&down.stderr)
        );
        assert_eq!(
            stderr_lines(&p, &down),
            [
                "Container P-same  Stopping",
                "Container P-same  Stopped",
                "Container P-same  Removing",
                "Container P-same  Removed",
                "Network P_default  Removing",
                "Network P_default  Removed",
            ],
            "{who}"
        );
        assert!(states(&p).is_empty(), "{who}");
        assert!(!network_exists(&p), "{who}");

        let services = tool.run(&p, &["config", "--services"]);
        assert_eq!(
            services.status.code(),
            Some(0),
            "{who}: {}",
            String::from_utf8_lossy(&services.stderr)
        );
        // In an order of the reference's own (a Go map's): sometimes `b` first.
        let mut names = lines(&p, &String::from_utf8_lossy(&services.stdout));
        names.sort();
        assert_eq!(names, ["a", "b"], "{who}");

        // The engine's conflict: `a` takes the name `b`'s container gets by default.
        let taken = format!("    container_name: {}-b-1\n", p.name);
        p.write(&format!(
            "services:\n{}{}",
            service("a", &taken),
            service("b", "")
        ));
        let up = tool.run(&p, &["up", "-d"]);
        assert_eq!(up.status.code(), Some(1), "{who}");
        let stderr = stderr_lines(&p, &up);
        assert!(
            stderr.last().is_some_and(|l| is_name_conflict(l)),
            "{who}: {stderr:#?}"
        );
        // The reference returns on the first failed create, while the other may still be
        // under way on the engine: wait for it to show.
        let start = Instant::now();
        while states(&p).is_empty() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(states(&p), ["P-b-1 created"], "{who}");
        tool.ok(&p, &["down"]);
        assert!(states(&p).is_empty(), "{who}");
        assert!(!network_exists(&p), "{who}");
    }
}
