//! What the engine tests share: the binaries (berth, the reference), the base image, and a
//! project in a temporary folder that is taken down however the test ends.
//! Everything fails loudly when the engine or the reference is missing; nothing skips.
#![allow(dead_code)]
// Where the reference lives is read from the environment, as in the differential test.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;

/// The image every engine test runs: busybox-static imported by scripts/busybox-image.sh.
pub const BASE_IMAGE: &str = "berth-example/busybox:local";

/// The reference docker compose v2 binary.
pub fn reference() -> PathBuf {
    let path = std::env::var_os("BERTH_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(
                "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/compose/docker-compose",
            )
        });
    assert!(
        path.is_file(),
        "the reference docker compose is required: {} (scripts/test.sh installs it)",
        path.display()
    );
    path
}

/// The berth binary under test.
pub fn berth() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_berth"))
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

pub fn docker(args: &[&str]) -> Output {
    run(Command::new("docker").args(args))
}

/// stdout of a docker command that must succeed, trimmed.
pub fn docker_ok(args: &[&str]) -> String {
    let out = docker(args);
    assert!(
        out.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Whether the engine has the `kind` object (`container`, `image`, `network`, `volume`)
/// `name`. `docker <kind> inspect` failing for another reason than "not found" (no engine,
/// a bad argument) fails the test: an absence is never concluded from a command that did
/// not run.
pub fn exists(kind: &str, name: &str) -> bool {
    // A constant format: every kind has it (images have no .Name, volumes no .Id).
    inspect_if_exists(kind, name, "present").is_some()
}

/// `docker <kind> inspect --format <format> <name>`, trimmed; `None` when the engine has no
/// such object (and only then: any other failure fails the test).
pub fn inspect_if_exists(kind: &str, name: &str, format: &str) -> Option<String> {
    let out = docker(&[kind, "inspect", "--format", format, name]);
    if out.status.success() {
        return Some(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lower = stderr.to_lowercase();
    assert!(
        lower.contains("no such") || lower.contains("not found"),
        "docker {kind} inspect {name} failed, and not because it is absent: {stderr}"
    );
    None
}

/// The project's containers, networks and volumes (found by the project label), as
/// `kind id` lines; every listing must succeed.
pub fn project_objects(project: &str) -> Vec<String> {
    let label = format!("label=com.docker.compose.project={project}");
    let mut objects = Vec::new();
    for (kind, list) in [
        ("container", vec!["ps", "-aq", "--filter", &label]),
        ("network", vec!["network", "ls", "-q", "--filter", &label]),
        ("volume", vec!["volume", "ls", "-q", "--filter", &label]),
    ] {
        for id in docker_ok(&list).split_whitespace() {
            objects.push(format!("{kind} {id}"));
        }
    }
    objects
}

/// Asserts that nothing of the project is left on the engine (between two runs that are
/// compared, so that the second starts from nothing).
pub fn assert_project_gone(project: &str) {
    let left = project_objects(project);
    assert!(left.is_empty(), "{project} left behind: {left:?}");
}

/// Asserts that an engine answers and that the base image exists (building it once).
pub fn require_engine() {
    static READY: Once = Once::new();
    READY.call_once(|| {
        assert!(
            docker(&["info"]).status.success(),
            "no Docker engine answers (scripts/test.sh starts one)"
        );
        if !exists("image", BASE_IMAGE) {
            let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            let built = run(Command::new("bash")
                .arg(repo.join("scripts/busybox-image.sh"))
                .arg(BASE_IMAGE));
            assert!(
                built.status.success(),
                "{}",
                String::from_utf8_lossy(&built.stderr)
            );
            assert!(exists("image", BASE_IMAGE), "{BASE_IMAGE} was not built");
        }
    });
}

/// A compose project in a temporary folder under a unique name; on drop, its containers,
/// networks and volumes (found by the project label) are removed.
pub struct TestProject {
    pub dir: tempfile::TempDir,
    pub name: String,
}

impl TestProject {
    /// `tag` names the test; the project name adds the process ID so runs do not collide.
    pub fn new(tag: &str, compose: &str) -> TestProject {
        require_engine();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
        TestProject {
            dir,
            name: format!("berthtest-{tag}-{}", std::process::id()),
        }
    }

    /// Replaces the compose file.
    pub fn write(&self, compose: &str) {
        std::fs::write(self.dir.path().join("compose.yaml"), compose).unwrap();
    }

    /// `program` (berth or the reference) with `args`, in the project folder with
    /// `-p <name>`: for a test that spawns it or shapes its environment.
    pub fn command(&self, program: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.dir.path())
            .env_remove("COMPOSE_PROJECT_NAME")
            .env_remove("COMPOSE_FILE")
            .args(["-p", &self.name])
            .args(args);
        cmd
    }

    /// Runs berth in the project folder with `-p <name>`.
    pub fn berth(&self, args: &[&str]) -> Output {
        run(&mut self.command(&berth(), args))
    }

    /// Runs the reference in the project folder with `-p <name>`.
    pub fn reference(&self, args: &[&str]) -> Output {
        run(&mut self.command(&reference(), args))
    }

    /// Runs `program` (berth or the reference) like [`TestProject::berth`], with `input` on
    /// its stdin.
    pub fn with_input(&self, program: &Path, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = self
            .command(program, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        child.wait_with_output().unwrap()
    }

    /// berth, which must succeed; returns stderr (the progress output).
    pub fn berth_ok(&self, args: &[&str]) -> String {
        ok(self.berth(args), "berth", args)
    }

    /// The reference, which must succeed; returns stderr.
    pub fn reference_ok(&self, args: &[&str]) -> String {
        ok(self.reference(args), "docker compose", args)
    }

    /// `name=id` for every container of the project (stopped ones too), sorted by name.
    pub fn containers(&self) -> Vec<(String, String)> {
        let out = docker_ok(&[
            "ps",
            "-a",
            "--filter",
            &format!("label=com.docker.compose.project={}", self.name),
            "--format",
            "{{.Names}} {{.ID}}",
        ]);
        let mut list: Vec<(String, String)> = out
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(n, i)| (n.to_string(), i.to_string()))
            .collect();
        list.sort();
        list
    }

    /// A `docker inspect --format` value of one object.
    pub fn inspect(&self, object: &str, format: &str) -> String {
        docker_ok(&["inspect", "--format", format, object])
    }
}

fn ok(out: Output, who: &str, args: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        out.status.success(),
        "{who} {args:?} failed ({:?}):\n{stderr}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

impl Drop for TestProject {
    fn drop(&mut self) {
        let label = format!("label=com.docker.compose.project={}", self.name);
        let ids = docker(&["ps", "-aq", "--filter", &label]);
        let ids: Vec<String> = String::from_utf8_lossy(&ids.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if !ids.is_empty() {
            let mut args = vec!["rm", "-f", "-v"];
            args.extend(ids.iter().map(String::as_str));
            let _ = docker(&args);
        }
        for kind in ["network", "volume"] {
            let list = docker(&[kind, "ls", "-q", "--filter", &label]);
            for id in String::from_utf8_lossy(&list.stdout).split_whitespace() {
                let _ = docker(&[kind, "rm", id]);
            }
        }
    }
}

/// An engine object a test made outside any project (`docker network create`, a tag…),
/// removed with `docker <kind> rm <name>` however the test ends.
pub struct Scratch {
    kind: &'static str,
    name: String,
}

impl Scratch {
    /// Runs `docker <kind> create <name>` (`kind` "tag" tags the base image instead).
    pub fn create(kind: &'static str, name: &str) -> Scratch {
        match kind {
            "image" => docker_ok(&["tag", BASE_IMAGE, name]),
            _ => docker_ok(&[kind, "create", name]),
        };
        Scratch::adopt(kind, name)
    }

    /// Takes over the removal of an object the engine already has (an anonymous volume a
    /// project's `down` leaves behind, as compose leaves it).
    pub fn adopt(kind: &'static str, name: &str) -> Scratch {
        Scratch {
            kind,
            name: name.to_string(),
        }
    }
}

/// The name of the volume mounted at `target` in `container`.
pub fn mounted_volume(container: &str, target: &str) -> String {
    let format = format!(
        "{{{{range .Mounts}}}}{{{{if eq .Destination \"{target}\"}}}}{{{{.Name}}}}{{{{end}}}}{{{{end}}}}"
    );
    let name = docker_ok(&["inspect", "-f", &format, container]);
    assert!(!name.is_empty(), "no volume at {target} in {container}");
    name
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = docker(&[self.kind, "rm", &self.name]);
    }
}
