//! Pulling in `up` and `create` on the real engine and a real registry (Debian's
//! docker-registry on 127.0.0.1), against the reference: the same progress events, errors
//! and exit statuses, under the pull policies and flags. The image pulled is made here with
//! a layer of its own, so every pull really downloads. Fails, never skips, without the
//! engine, the registry or the reference.

use std::process::{Command, Output};

mod common;

use common::engine::{docker, docker_ok, exists, run, TestProject};
use common::registry::Registry;

/// A registry holding one image whose layer the engine does not have.
struct Pushed {
    registry: Registry,
    image: String,
}

impl Pushed {
    fn new(tag: &str) -> Pushed {
        common::engine::require_engine();
        let mut registry = Registry::start();
        let local = format!("berthtest-pull-{tag}-{}:1", std::process::id());
        // busybox and a random blob: a layer no other image has.
        let script = format!(
            "set -e; d=$(mktemp -d); mkdir \"$d/bin\"; cp \"$(command -v busybox || echo /bin/busybox)\" \"$d/bin/busybox\"; \
             for t in sh sleep; do ln -s busybox \"$d/bin/$t\"; done; head -c 1048576 /dev/urandom > \"$d/blob\"; \
             tar -C \"$d\" -c . | docker import - {local} >/dev/null; rm -rf \"$d\""
        );
        let made = run(Command::new("bash").args(["-c", &script]));
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        let image = registry.push(&local, &format!("berthtest/{tag}:1"));
        assert!(docker(&["rmi", &local]).status.success());
        let pushed = Pushed { registry, image };
        pushed.forget();
        pushed
    }

    /// Removes the pulled image from the engine, so the next `up` pulls again (`-f`: also
    /// when it is not there).
    fn forget(&self) {
        docker_ok(&["rmi", "-f", &self.image]);
        assert!(!self.present(), "{} is still there", self.image);
    }

    fn present(&self) -> bool {
        exists("image", &self.image)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// The progress lines about the pull of the services (`s Pulling`, `s Pulled`…), sorted:
/// services pull in parallel.
fn service_lines(out: &Output, services: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = text(&out.stderr)
        .lines()
        .filter(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            words.iter().any(|w| services.contains(w))
                && words
                    .iter()
                    .any(|w| ["Pulling", "Pulled", "Error", "Warning"].contains(w))
        })
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// The layers a plain progress says were pulled completely.
fn completed_layers(out: &Output) -> Vec<String> {
    let mut layers: Vec<String> = text(&out.stderr)
        .lines()
        .filter(|l| l.trim_end().ends_with("Pull complete"))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    layers.sort();
    layers.dedup();
    layers
}

#[test]
fn up_pulls_missing_images_as_the_reference() {
    let pushed = Pushed::new("missing");
    let compose = format!(
        "services:\n  s:\n    image: {0}\n    command: sleep 3600\n    init: true\n  t:\n    image: {0}\n    command: sleep 3600\n    init: true\n",
        pushed.image
    );
    let p = TestProject::new("pull", &compose);
    let mut runs = Vec::new();
    for tool in [common::engine::reference(), common::engine::berth()] {
        pushed.forget();
        let out = p.with_input(&tool, &["--progress", "plain", "up", "-d"], "");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(pushed.present());
        let label = p.inspect(
            &format!("{}-s-1", p.name),
            "{{index .Config.Labels \"com.docker.compose.image\"}}",
        );
        runs.push((out, label));
        let down = p.with_input(&tool, &["down"], "");
        assert!(down.status.success(), "{}", text(&down.stderr));
        assert!(p.containers().is_empty());
    }
    let (theirs, ours) = (&runs[0], &runs[1]);
    assert_eq!(
        service_lines(&ours.0, &["s", "t"]),
        [" s Pulled", " s Pulling", " t Pulled", " t Pulling"].map(|l| format!("{l} "))
    );
    assert_eq!(
        service_lines(&ours.0, &["s", "t"]),
        service_lines(&theirs.0, &["s", "t"])
    );
    let layers = completed_layers(&ours.0);
    assert_eq!(layers.len(), 1, "{}", text(&ours.0.stderr));
    assert_eq!(layers, completed_layers(&theirs.0));
    // Both label the containers with the pulled image's ID.
    assert!(ours.1.starts_with("sha256:"), "{}", ours.1);
    assert_eq!(ours.1, theirs.1);

    // The layer's download as JSON events: the same fields, `>` escaped as Go escapes it.
    pushed.forget();
    let json = p.berth(&["--progress", "json", "up", "-d", "s"]);
    assert!(json.status.success(), "{}", text(&json.stderr));
    let json = text(&json.stderr);
    assert!(
        json.lines().next() == Some(r#"{"id":"s","text":"Pulling"}"#),
        "{json}"
    );
    assert!(
        json.lines().any(
            |l| l.contains(r#""parent_id":"s","text":"Downloading","status":"["#)
                && l.contains(r#"\u003e"#)
                && l.contains(r#""current":"#)
        ),
        "{json}"
    );
}

#[test]
fn pull_failures_read_as_the_reference_reads_them() {
    let pushed = Pushed::new("failures");
    let missing = pushed.registry.reference("berthtest/nothere:1");
    let cases = [
        format!("services:\n  s:\n    image: {missing}\n"),
        // Nothing listens there.
        "services:\n  s:\n    image: 127.0.0.1:1/berthtest/nothere:1\n".to_string(),
        // Never pulled: the engine refuses to create the container.
        format!(
            "services:\n  s:\n    image: {}\n    pull_policy: never\n",
            pushed.image
        ),
    ];
    for compose in &cases {
        let p = TestProject::new("pullfail", compose);
        for args in [&["up", "-d"][..], &["--dry-run", "up", "-d"][..]] {
            if compose.contains(":1/") && args[0] == "--dry-run" {
                // The dry run asks the registry itself; the reference's resolver words a
                // refused connection its own way.
                continue;
            }
            let dry_run = args[0] == "--dry-run";
            let args: Vec<&str> = ["--progress", "plain"]
                .iter()
                .chain(args)
                .copied()
                .collect();
            let theirs = p.reference(&args);
            p.reference_ok(&["down"]);
            let ours = p.berth(&args);
            p.berth_ok(&["down"]);
            // The dry run of `pull_policy: never` creates no container, so nothing refuses it.
            if !dry_run {
                assert_ne!(ours.status.code(), Some(0), "{args:?} {compose}");
            }
            assert_eq!(
                ours.status.code(),
                theirs.status.code(),
                "{args:?} {compose}"
            );
            assert_eq!(
                text(&ours.stderr),
                text(&theirs.stderr),
                "{args:?} {compose}"
            );
            assert!(!pushed.present());
        }
    }
}

#[test]
fn pull_policies_and_flags_as_the_reference() {
    let pushed = Pushed::new("policies");
    let compose = |policy: &str| {
        format!(
            "services:\n  s:\n    image: {}\n    command: sleep 3600\n    init: true\n    pull_policy: {policy}\n",
            pushed.image
        )
    };
    let p = TestProject::new("pullpolicy", &compose("missing"));
    // A dry run asks the registry and pulls nothing.
    let dry = p.berth(&["--progress", "plain", "--dry-run", "up", "-d"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    assert!(text(&dry.stderr).contains(" DRY-RUN MODE -  s Pulled "));
    assert!(!pushed.present());
    // --quiet-pull: the service's events only.
    let quiet = p.berth(&["--progress", "plain", "up", "-d", "--quiet-pull"]);
    assert!(quiet.status.success(), "{}", text(&quiet.stderr));
    assert!(pushed.present());
    assert_eq!(service_lines(&quiet, &["s"]), [" s Pulled ", " s Pulling "]);
    assert!(
        completed_layers(&quiet).is_empty(),
        "{}",
        text(&quiet.stderr)
    );
    let id = p.inspect(&format!("{}-s-1", p.name), "{{.Id}}");

    // `always` pulls an image that is there already, and the up-to-date image changes nothing;
    // so does `daily`, since the engine keeps no tag time for pulled images; `--pull never`
    // overrides the file.
    for (policy, flags, pulls) in [
        ("always", &[][..], true),
        ("daily", &[][..], true),
        ("always", &["--pull", "never"][..], false),
    ] {
        p.write(&compose(policy));
        let args: Vec<&str> = ["--progress", "plain", "up", "-d"]
            .iter()
            .chain(flags)
            .copied()
            .collect();
        let ours = p.berth(&args);
        let theirs = p.reference(&args);
        assert_eq!(ours.status.code(), Some(0), "{}", text(&ours.stderr));
        assert_eq!(theirs.status.code(), Some(0), "{}", text(&theirs.stderr));
        assert_eq!(
            service_lines(&ours, &["s"]),
            service_lines(&theirs, &["s"]),
            "{policy} {flags:?}"
        );
        assert_eq!(
            !service_lines(&ours, &["s"]).is_empty(),
            pulls,
            "{policy} {flags:?}"
        );
    }
    assert_eq!(
        p.inspect(&format!("{}-s-1", p.name), "{{.Id}}"),
        id,
        "nothing recreated"
    );
}
