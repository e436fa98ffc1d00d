//! `up`, `create` and `down` on the real engine: the worked example, convergence after
//! drift, the recreate flags, dry runs, data safety, and interchangeability with the
//! reference in both directions. Fails — never skips — without an engine.

mod common;

use common::engine::{
    docker_ok, exists, inspect_if_exists, mounted_volume, Scratch, TestProject, BASE_IMAGE,
};

/// Two services that stop at once (`init`), one depending on the other.
fn pair(env: &str) -> String {
    format!(
        "services:
  db:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
  web:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    environment:
      MODE: {env}
    depends_on: [db]
"
    )
}

fn ids(project: &TestProject) -> Vec<(String, String)> {
    project.containers()
}

fn running(project: &TestProject, container: &str) -> bool {
    project.inspect(container, "{{.State.Running}}") == "true"
}

#[test]
fn image_gallery_resolves_one_address_per_replica_and_heals() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/image-gallery/compose.yaml");
    // The example publishes the front end on 8010; the test lets the engine pick a port,
    // so that it runs beside the example itself.
    let compose = std::fs::read_to_string(example)
        .unwrap()
        .replace("\"8010:80\"", "\"80\"");
    assert!(!compose.contains("8010"));
    let p = TestProject::new("gallery", &compose);
    p.berth_ok(&["up", "-d"]);
    let n = &p.name;
    let names: Vec<String> = ids(&p).into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        [
            format!("{n}-accesslog-1"),
            format!("{n}-image-gallery-1"),
            format!("{n}-iotd-1"),
            format!("{n}-iotd-2"),
            format!("{n}-iotd-3"),
        ]
    );
    let front = format!("{n}-image-gallery-1");
    let lookup = docker_ok(&["exec", &front, "nslookup", "iotd"]);
    let addresses: Vec<&str> = lookup
        .lines()
        .skip_while(|l| !l.starts_with("Name:"))
        .filter(|l| l.starts_with("Address"))
        .collect();
    assert_eq!(addresses.len(), 3, "one address per replica:\n{lookup}");

    let before = ids(&p);
    docker_ok(&["stop", "-t", "0", &format!("{n}-iotd-2")]);
    let progress = p.berth_ok(&["up", "-d"]);
    assert!(
        progress.contains(&format!("Container {n}-iotd-2  Started")),
        "{progress}"
    );
    assert!(running(&p, &format!("{n}-iotd-2")));
    assert_eq!(
        ids(&p),
        before,
        "the replica is started again, nothing recreated"
    );

    p.berth_ok(&["down"]);
    assert!(ids(&p).is_empty());
    let networks = docker_ok(&[
        "network",
        "ls",
        "-q",
        "--filter",
        &format!("name={n}_app-net"),
    ]);
    assert!(networks.is_empty(), "the network is removed");
}

#[test]
fn reference_accepts_what_berth_created() {
    let p = TestProject::new("interop1", &pair("a"));
    p.berth_ok(&["up", "-d"]);
    let before = ids(&p);
    assert_eq!(before.len(), 2, "{before:?}");
    let progress = p.reference_ok(&["up", "-d"]);
    assert!(!progress.contains("Recreate"), "{progress}");
    assert_eq!(ids(&p), before);
    let ps = p.reference(&["ps", "-q"]);
    assert!(ps.status.success(), "{ps:?}");
    let listed = String::from_utf8_lossy(&ps.stdout).to_string();
    for (_, id) in &before {
        assert!(listed.contains(id.as_str()), "{listed}");
    }
    p.reference_ok(&["down"]);
    assert!(ids(&p).is_empty());
}

#[test]
fn berth_accepts_what_the_reference_created() {
    let p = TestProject::new("interop2", &pair("a"));
    p.reference_ok(&["up", "-d"]);
    let before = ids(&p);
    assert_eq!(before.len(), 2, "{before:?}");
    let progress = p.berth_ok(&["up", "-d"]);
    assert!(!progress.contains("Recreate"), "{progress}");
    assert_eq!(
        progress.matches("  Running").count(),
        2,
        "both containers reported as running:\n{progress}"
    );
    assert_eq!(ids(&p), before);
    p.berth_ok(&["down"]);
    assert!(ids(&p).is_empty());
    let network = format!("{}_default", p.name);
    assert!(!exists("network", &network));
}

#[test]
fn labels_and_names_match_the_reference() {
    let ours = TestProject::new("labels-a", &pair("a"));
    let theirs = TestProject::new("labels-b", &pair("a"));
    ours.berth_ok(&["up", "-d"]);
    theirs.reference_ok(&["up", "-d"]);
    let labels = |p: &TestProject, container: &str| -> Vec<String> {
        let json = p.inspect(container, "{{json .Config.Labels}}");
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&json).unwrap();
        let mut list: Vec<String> = map
            .iter()
            .map(|(k, v)| {
                let v = v.as_str().unwrap_or_default();
                format!(
                    "{k}={}",
                    v.replace(&p.name, "P")
                        .replace(&p.dir.path().display().to_string(), "DIR")
                )
            })
            // The image ID and the project name differ by construction; the rest must not.
            .collect();
        list.sort();
        list
    };
    for service in ["db", "web"] {
        let a = labels(&ours, &format!("{}-{service}-1", ours.name));
        let b = labels(&theirs, &format!("{}-{service}-1", theirs.name));
        assert_eq!(a, b, "labels of {service}");
    }
    // The network's hash covers its name, so it differs between projects: the proof is
    // that the reference keeps berth's network (a diverged hash would make it recreate it).
    let keys = |p: &TestProject| {
        let json = p.inspect(&format!("{}_default", p.name), "{{json .Labels}}");
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&json).unwrap();
        map.keys().cloned().collect::<Vec<_>>()
    };
    assert_eq!(keys(&ours), keys(&theirs));
    let network = format!("{}_default", ours.name);
    let id = ours.inspect(&network, "{{.Id}}");
    let progress = ours.reference_ok(&["up", "-d"]);
    assert!(!progress.contains("Network"), "{progress}");
    assert_eq!(ours.inspect(&network, "{{.Id}}"), id);
}

#[test]
fn drift_is_converged_and_nothing_else_recreated() {
    let p = TestProject::new("drift", &pair("a"));
    p.berth_ok(&["up", "-d"]);
    let n = p.name.clone();
    let db = format!("{n}-db-1");
    let web = format!("{n}-web-1");

    // A container removed behind berth's back comes back; the other is untouched.
    let web_id = p.inspect(&web, "{{.Id}}");
    docker_ok(&["rm", "-f", &db]);
    let progress = p.berth_ok(&["up", "-d"]);
    assert!(
        progress.contains(&format!("Container {db}  Created")),
        "{progress}"
    );
    assert_eq!(p.inspect(&web, "{{.Id}}"), web_id);

    // A container cut off its network is recreated.
    let db_id = p.inspect(&db, "{{.Id}}");
    docker_ok(&["network", "disconnect", &format!("{n}_default"), &web]);
    let progress = p.berth_ok(&["up", "-d"]);
    assert!(
        progress.contains(&format!("Container {web}  Recreated")),
        "{progress}"
    );
    assert_eq!(p.inspect(&db, "{{.Id}}"), db_id, "db untouched");
    assert!(p
        .inspect(&web, "{{json .NetworkSettings.Networks}}")
        .contains(&format!("{n}_default")));

    // A renamed container is still the service's replica 1, for berth as for compose.
    let renamed = format!("{n}-renamed");
    let web_id = p.inspect(&web, "{{.Id}}");
    docker_ok(&["rename", &web, &renamed]);
    let ours = p.berth_ok(&["up", "-d"]);
    let theirs = p.reference_ok(&["up", "-d"]);
    assert!(
        ours.contains(&format!("Container {renamed}  Running")),
        "{ours}"
    );
    assert!(
        theirs.contains(&format!("Container {renamed}  Running")),
        "{theirs}"
    );
    assert_eq!(p.inspect(&renamed, "{{.Id}}"), web_id);

    // An edited file recreates only the service that changed.
    docker_ok(&["rename", &renamed, &web]);
    p.write(&pair("b"));
    let progress = p.berth_ok(&["up", "-d"]);
    assert!(
        progress.contains(&format!("Container {web}  Recreated")),
        "{progress}"
    );
    assert!(
        !progress.contains(&format!("Container {db}  Recreate")),
        "{progress}"
    );
    assert_eq!(p.inspect(&db, "{{.Id}}"), db_id);
    assert!(p.inspect(&web, "{{json .Config.Env}}").contains("MODE=b"));
    // and the reference agrees that nothing is left to do.
    let theirs = p.reference_ok(&["up", "-d"]);
    assert!(!theirs.contains("Recreate"), "{theirs}");
}

#[test]
fn dry_run_changes_nothing() {
    let p = TestProject::new("dryrun", &pair("a"));
    let progress = p.berth_ok(&["--dry-run", "up", "-d"]);
    assert!(progress.contains("DRY-RUN MODE - "), "{progress}");
    assert!(progress.contains("Created"), "{progress}");
    assert!(ids(&p).is_empty(), "nothing created");
    // Attached, compose creates and stops there: the containers would start after the
    // progress display.
    let (ours, theirs) = (
        p.berth(&["--dry-run", "up"]),
        p.reference(&["--dry-run", "up"]),
    );
    assert_eq!(ours.status.code(), theirs.status.code());
    assert_eq!(ours.stdout, theirs.stdout);
    // Sorted: the containers of one step are created in parallel.
    let sorted = |out: &std::process::Output| {
        let mut lines: Vec<String> = String::from_utf8_lossy(&out.stderr)
            .lines()
            .map(str::to_string)
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted(&ours), sorted(&theirs));
    assert!(ids(&p).is_empty(), "nothing created");
    assert!(!exists("network", &format!("{}_default", p.name)));

    p.berth_ok(&["up", "-d"]);
    let before = ids(&p);
    assert_eq!(before.len(), 2, "{before:?}");
    p.write(&pair("b"));
    let progress = p.berth_ok(&["--dry-run", "up", "-d"]);
    assert!(progress.contains("Recreated"), "{progress}");
    let progress = p.berth_ok(&["--dry-run", "up", "-d", "--force-recreate"]);
    assert!(progress.contains("Recreated"), "{progress}");
    p.berth_ok(&["--dry-run", "down", "-v"]);
    assert_eq!(ids(&p), before, "not even a recreation");
    assert!(running(&p, &format!("{}-web-1", p.name)));
    assert!(p
        .inspect(&format!("{}-web-1", p.name), "{{json .Config.Env}}")
        .contains("MODE=a"));
}

#[test]
fn recreate_flags_and_scale() {
    let compose = format!(
        "services:
  db:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
  web:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    scale: 3
    depends_on: [db]
"
    );
    let p = TestProject::new("flags", &compose);
    let n = p.name.clone();
    p.berth_ok(&["create"]);
    assert_eq!(ids(&p).len(), 4);
    assert!(!running(&p, &format!("{n}-web-1")), "create does not start");
    p.berth_ok(&["up", "-d", "--no-start"]);
    assert!(!running(&p, &format!("{n}-db-1")));
    p.berth_ok(&["up", "-d"]);
    let before = ids(&p);

    // --force-recreate on one service leaves its dependency alone.
    p.berth_ok(&["up", "-d", "--force-recreate", "web"]);
    let after = ids(&p);
    assert_eq!(after[0], before[0], "db kept");
    assert!(after[1..].iter().zip(&before[1..]).all(|(a, b)| a.1 != b.1));

    // --always-recreate-deps recreates the dependency too.
    let progress = p.berth_ok(&[
        "up",
        "-d",
        "--force-recreate",
        "--always-recreate-deps",
        "web",
    ]);
    assert!(
        progress.contains(&format!("Container {n}-db-1  Recreated")),
        "{progress}"
    );

    // --no-recreate keeps a diverged container.
    p.write(&compose.replace(
        "command: sleep 3600\n    init: true\n  web",
        "command: sleep 3601\n    init: true\n  web",
    ));
    let kept = ids(&p);
    assert_eq!(kept.len(), 4, "{kept:?}");
    p.berth_ok(&["up", "-d", "--no-recreate"]);
    assert_eq!(ids(&p), kept);

    // Scaling down removes the highest numbers; scaling up continues after the highest.
    p.berth_ok(&["up", "-d", "--no-recreate", "--scale", "web=1"]);
    let names: Vec<String> = ids(&p).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, [format!("{n}-db-1"), format!("{n}-web-1")]);
    p.berth_ok(&["up", "-d", "--no-recreate", "--scale", "web=2"]);
    assert!(running(&p, &format!("{n}-web-2")));

    // Unknown services and bad values fail as compose does.
    let out = p.berth(&["up", "-d", "--scale", "nope=2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such service: nope"));
    let out = p.berth(&["up", "--force-recreate", "--no-recreate"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "--force-recreate and --no-recreate are incompatible"
    );
}

#[test]
fn orphans_are_reported_then_removed() {
    let p = TestProject::new("orphans", &pair("a"));
    let n = p.name.clone();
    p.berth_ok(&["up", "-d"]);
    p.write(&format!(
        "services:\n  db:\n    image: {BASE_IMAGE}\n    command: sleep 3600\n    init: true\n"
    ));
    let progress = p.berth_ok(&["up", "-d"]);
    assert!(
        progress.contains(&format!(
            "Found orphan containers ([{n}-web-1]) for this project."
        )),
        "{progress}"
    );
    assert_eq!(ids(&p).len(), 2);
    p.berth_ok(&["up", "-d", "--remove-orphans"]);
    assert_eq!(ids(&p).len(), 1);
}

#[test]
fn down_keeps_volumes_unless_asked_and_never_external_ones() {
    let external = format!("berthtest-external-{}", std::process::id());
    let _volume = Scratch::create("volume", &external);
    let compose = format!(
        "services:
  s:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    volumes: [data:/data, ext:/ext, /anon]
volumes:
  data: {{}}
  ext:
    external: true
    name: {external}
"
    );
    let p = TestProject::new("volumes", &compose);
    let data = format!("{}_data", p.name);
    p.berth_ok(&["up", "-d"]);
    docker_ok(&[
        "exec",
        &format!("{}-s-1", p.name),
        "sh",
        "-c",
        "echo kept > /data/f",
    ]);
    // `down` without -v leaves the anonymous volume behind, as compose does.
    let _anonymous = Scratch::adopt(
        "volume",
        &mounted_volume(&format!("{}-s-1", p.name), "/anon"),
    );
    p.berth_ok(&["down"]);
    assert!(exists("volume", &data), "named volume kept");
    p.berth_ok(&["up", "-d"]);
    let content = docker_ok(&["exec", &format!("{}-s-1", p.name), "cat", "/data/f"]);
    assert_eq!(content, "kept");
    p.berth_ok(&["down", "-v"]);
    assert!(!exists("volume", &data), "-v removes it");
    assert!(exists("volume", &external), "external kept");
}

#[test]
fn no_engine_is_a_clear_error() {
    let p = TestProject::new("noengine", &pair("a"));
    for host in ["unix:///nonexistent/docker.sock", "tcp://127.0.0.1:1"] {
        let out = std::process::Command::new(common::engine::berth())
            .current_dir(p.dir.path())
            .env("DOCKER_HOST", host)
            .args(["up", "-d"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            format!("Cannot connect to the Docker daemon at {host}. Is the docker daemon running?")
        );
    }
}

/// Attached `up`: the same lines on stdout as the reference (containers interleave, so
/// each container's lines are compared in order), and the same exit statuses.
#[test]
fn attached_up_prints_and_exits_as_the_reference() {
    let compose = format!(
        "services:
  a:
    image: {BASE_IMAGE}
    command: sh -c 'echo hello from a; echo oops >&2; sleep 1; exit 3'
  longername:
    image: {BASE_IMAGE}
    command: sh -c 'echo hi; sleep 2; echo bye'
    stop_signal: SIGKILL
"
    );
    let p = TestProject::new("attached", &compose);
    let per_container = |stdout: &[u8]| {
        let text = String::from_utf8_lossy(stdout).to_string();
        let mut lines: Vec<String> = text
            .lines()
            .map(|l| l.replace("\r\x1b[K", ""))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        // Keep each container's order, not the interleaving.
        lines.sort_by_key(|l| l.split([' ', '|']).next().unwrap_or_default().to_string());
        lines
    };
    let ours = p.berth(&["up"]);
    p.berth_ok(&["down"]);
    let theirs = p.reference(&["up"]);
    p.reference_ok(&["down"]);
    assert_eq!(ours.status.code(), Some(0));
    assert_eq!(theirs.status.code(), Some(0));
    assert_eq!(per_container(&ours.stdout), per_container(&theirs.stdout));
    // The prefix is as wide as the longest name registered so far, so it depends on which
    // container spoke first.
    let stderr = String::from_utf8_lossy(&ours.stderr);
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("a-1 ") && l.ends_with(" | oops")),
        "{stderr}"
    );

    for flags in [
        &["--exit-code-from", "a"][..],
        &["--abort-on-container-exit"][..],
        &["--abort-on-container-failure"][..],
    ] {
        let args: Vec<&str> = ["up"].iter().chain(flags).copied().collect();
        let ours = p.berth(&args);
        p.berth_ok(&["down"]);
        let theirs = p.reference(&args);
        p.reference_ok(&["down"]);
        assert_eq!(ours.status.code(), theirs.status.code(), "{flags:?}");
        assert_eq!(ours.status.code(), Some(3), "{flags:?}");
    }
}

/// Attached `up` shows the output of hooks under `<container> ->`: a `post_start` hook's
/// after the start, and a `pre_stop` hook's when the cascade stops the project; `Aborting`
/// is painted even into a pipe, as the reference paints it.
#[test]
fn attached_up_shows_hook_output() {
    let compose = format!(
        "services:
  a:
    image: {BASE_IMAGE}
    command: sh -c 'sleep 1; echo a done'
    post_start:
      - command: sh -c 'echo post a; echo err a >&2'
  b:
    image: {BASE_IMAGE}
    command: sleep 30
    stop_signal: SIGKILL
    pre_stop:
      - command: sh -c 'echo bye from b'
"
    );
    let p = TestProject::new("hookout", &compose);
    let lines = |out: &std::process::Output| {
        let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.replace("\r\x1b[K", ""))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        lines.sort();
        lines
    };
    let args = ["up", "--abort-on-container-exit"];
    let ours = p.berth(&args);
    p.berth_ok(&["down"]);
    let theirs = p.reference(&args);
    p.reference_ok(&["down"]);
    assert_eq!(ours.status.code(), theirs.status.code());
    assert_eq!(lines(&ours), lines(&theirs));
    for expected in ["a-1 -> | post a", "a-1 -> | err a", "b-1 -> | bye from b"] {
        assert!(lines(&ours).iter().any(|l| l == expected), "{expected}");
    }
    let aborting = "\x1b[31m\x1b[1mAborting on container exit...\x1b[0m";
    assert!(String::from_utf8_lossy(&ours.stderr).contains(aborting));
    assert!(String::from_utf8_lossy(&theirs.stderr).contains(aborting));
}

/// Attached `up` follows a container through the restarts of its restart policy: each
/// run's output is printed. What the reference printed for this file on a quiet machine:
/// the first run's stderr on stderr, the later runs' logs (both streams) on stdout. The
/// reference itself is not compared here: under load its event watcher misses reruns.
#[test]
fn attached_up_follows_restarts() {
    let compose = format!(
        "services:
  s:
    image: {BASE_IMAGE}
    command: sh -c 'echo run; echo oops >&2; sleep 1; exit 3'
    restart: on-failure:2
"
    );
    let p = TestProject::new("reruns", &compose);
    let out = p.with_input(&common::engine::berth(), &["up"], "");
    assert_eq!(out.status.code(), Some(0));
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim_start_matches("\r\x1b[K").to_string())
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "Attaching to s-1",
            "s-1  | oops",
            "s-1  | oops",
            "s-1  | run",
            "s-1  | run",
            "s-1  | run",
            "s-1 exited with code 3",
            "s-1 exited with code 3 (restarting)",
            "s-1 exited with code 3 (restarting)",
        ]
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("s-1  | oops"));

    // Runs that end as soon as they start: every death is seen, with its exit code (the
    // engine clears the code when the next run starts, so a wait alone can miss both).
    p.berth_ok(&["down"]);
    p.write(&format!(
        "services:\n  s:\n    image: {BASE_IMAGE}\n    command: sh -c 'echo run; exit 3'\n    restart: on-failure:3\n"
    ));
    let out = p.with_input(&common::engine::berth(), &["up"], "");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.matches("exited with code 3 (restarting)").count(),
        3,
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("exited with code 3\n").count(),
        1,
        "{stdout}"
    );
    assert!(!stdout.contains("exited with code 0"), "{stdout}");
}

#[test]
fn ctrl_c_stops_the_attached_project() {
    let compose = format!(
        "services:\n  s:\n    image: {BASE_IMAGE}\n    command: sh -c 'echo started; sleep 300'\n    stop_signal: SIGKILL\n"
    );
    let p = TestProject::new("ctrlc", &compose);
    let child = std::process::Command::new(common::engine::berth())
        .current_dir(p.dir.path())
        .args(["-p", &p.name, "up"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let container = format!("{}-s-1", p.name);
    let start = std::time::Instant::now();
    while inspect_if_exists("container", &container, "{{.State.Running}}").as_deref()
        != Some("true")
    {
        assert!(
            start.elapsed().as_secs() < 30,
            "the container did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("s-1  | started"), "{stdout}");
    assert!(
        stdout.contains("Gracefully Stopping... press Ctrl+C again to force"),
        "{stdout}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("Container {container}  Stopped"))
    );
    assert_eq!(p.inspect(&container, "{{.State.Running}}"), "false");
}

/// `--progress json` and `quiet`: the same events as the reference (parallel ones may come
/// in another order, so the lines are compared sorted).
#[test]
fn progress_json_and_quiet_match_the_reference() {
    let p = TestProject::new("progress", &pair("a"));
    let sorted = |text: String| {
        let mut lines: Vec<String> = text.lines().map(|l| l.replace(&p.name, "P")).collect();
        lines.sort();
        lines
    };
    let ours = sorted(p.berth_ok(&["--progress", "json", "up", "-d"]));
    p.berth_ok(&["down"]);
    let theirs = sorted(p.reference_ok(&["--progress", "json", "up", "-d"]));
    assert_eq!(ours, theirs);
    // In a dry run both inspect the network, which the containers still use (nothing was
    // removed), and report it "still in use".
    let ours = sorted(p.berth_ok(&["--progress", "json", "--dry-run", "down"]));
    let theirs = sorted(p.reference_ok(&["--progress", "json", "--dry-run", "down"]));
    assert!(
        ours.iter()
            .any(|l| l.contains("Network P_default") && l.contains("still in use")),
        "{ours:?}"
    );
    assert_eq!(ours, theirs);
    assert_eq!(p.berth_ok(&["--progress", "quiet", "down"]), "");
}

#[test]
fn no_deps_and_selected_services() {
    let p = TestProject::new("nodeps", &pair("a"));
    let n = p.name.clone();
    p.berth_ok(&["up", "-d", "--no-deps", "web"]);
    let names: Vec<String> = ids(&p).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [format!("{n}-web-1")],
        "the dependency is not started"
    );
    p.berth_ok(&["up", "-d", "web"]);
    assert_eq!(ids(&p).len(), 2, "naming a service brings its dependencies");
    p.berth_ok(&["down", "web"]);
    let names: Vec<String> = ids(&p).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, [format!("{n}-db-1")], "down web removes only web");
    assert!(exists("network", &format!("{n}_default")));
}

#[test]
fn down_leaves_external_networks_alone() {
    let shared = format!("berthtest-shared-{}", std::process::id());
    let _network = Scratch::create("network", &shared);
    let compose = format!(
        "services:\n  s:\n    image: {BASE_IMAGE}\n    command: sleep 3600\n    init: true\n    networks: [outside]\nnetworks:\n  outside:\n    external: true\n    name: {shared}\n"
    );
    let p = TestProject::new("extnet", &compose);
    p.berth_ok(&["up", "-d"]);
    p.berth_ok(&["down"]);
    assert!(ids(&p).is_empty());
    assert!(exists("network", &shared));
    let progress = p.berth_ok(&["down"]);
    assert!(
        progress.contains(&format!(
            "No resource found to remove for project \\\"{}\\\"",
            p.name
        )),
        "{progress}"
    );
}

/// Anonymous volumes survive a recreation unless `-V` asks for new ones.
#[test]
fn anonymous_volumes_are_inherited_unless_renewed() {
    let compose = |cmd: &str| {
        format!("services:\n  s:\n    image: {BASE_IMAGE}\n    command: {cmd}\n    init: true\n    volumes: [/cache]\n")
    };
    let p = TestProject::new("anon", &compose("sleep 3600"));
    let s = format!("{}-s-1", p.name);
    p.berth_ok(&["up", "-d"]);
    docker_ok(&["exec", &s, "sh", "-c", "echo warm > /cache/f"]);
    p.write(&compose("sleep 3601"));
    let progress = p.berth_ok(&["up", "-d"]);
    assert!(
        progress.contains(&format!("Container {s}  Recreated")),
        "{progress}"
    );
    assert_eq!(docker_ok(&["exec", &s, "cat", "/cache/f"]), "warm");
    // -V leaves the old anonymous volume behind, as compose does.
    let _old = Scratch::adopt("volume", &mounted_volume(&s, "/cache"));
    p.berth_ok(&["up", "-d", "-V"]);
    assert_eq!(
        docker_ok(&[
            "exec",
            &s,
            "sh",
            "-c",
            "test -e /cache/f && echo kept || echo empty"
        ]),
        "empty",
        "-V starts empty"
    );
}

/// depends_on conditions hold back dependents; `--wait` waits for health.
#[test]
fn dependency_conditions_and_wait() {
    let compose = format!(
        "services:
  db:
    image: {BASE_IMAGE}
    command: sh -c 'sleep 2; touch /ready; sleep 3600'
    init: true
    healthcheck:
      test: [CMD, test, -f, /ready]
      interval: 1s
      retries: 30
  migrate:
    image: {BASE_IMAGE}
    command: sh -c 'sleep 1; exit 0'
    depends_on:
      db: {{condition: service_healthy}}
  app:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    depends_on:
      db: {{condition: service_healthy}}
      migrate: {{condition: service_completed_successfully}}
"
    );
    let p = TestProject::new("conditions", &compose);
    let n = p.name.clone();
    let progress = p.berth_ok(&["up", "-d", "--wait"]);
    let position = |needle: String| {
        progress
            .find(&needle)
            .unwrap_or_else(|| panic!("{needle} missing in:\n{progress}"))
    };
    assert!(
        position(format!("Container {n}-db-1  Healthy"))
            < position(format!("Container {n}-migrate-1  Started"))
    );
    assert!(
        position(format!("Container {n}-migrate-1  Exited"))
            < position(format!("Container {n}-app-1  Started"))
    );
    assert_eq!(
        p.inspect(&format!("{n}-db-1"), "{{.State.Health.Status}}"),
        "healthy"
    );
    assert!(running(&p, &format!("{n}-app-1")));

    // A dependency that fails stops the dependent with compose's message and status.
    p.berth_ok(&["down"]);
    p.write(&compose.replace("exit 0", "exit 4"));
    let ours = p.berth(&["up", "-d"]);
    assert_eq!(ours.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&ours.stderr)
        .contains("service \"migrate\" didn't complete successfully: exit 4"));
    p.berth_ok(&["down"]);
    let theirs = p.reference(&["up", "-d"]);
    assert_eq!(theirs.status.code(), Some(1));

    // --wait-timeout bounds the wait with compose's wording.
    p.berth_ok(&["down"]);
    p.write(&compose.replace("touch /ready", "true"));
    let out = p.berth(&["up", "-d", "--wait", "--wait-timeout", "2", "db"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("application not healthy after 2s"));
}

/// A dependency declared with `restart: true` that is recreated takes its dependents down
/// and up again, with the same events as the reference.
#[test]
fn recreating_a_dependency_restarts_dependents_declared_with_restart() {
    let compose = |value: &str| {
        format!(
            "services:
  db:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    environment: {{V: {value}}}
  app:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    depends_on:
      db: {{condition: service_started, restart: true}}
"
        )
    };
    let p = TestProject::new("restartdeps", &compose("1"));
    let app = format!("{}-app-1", p.name);
    let events = |text: String| {
        let mut lines: Vec<String> = text
            .lines()
            .filter(|l| l.contains("app-1"))
            .map(|l| l.trim().to_string())
            .collect();
        lines.dedup();
        lines
    };
    p.berth_ok(&["up", "-d"]);
    let app_id = p.inspect(&app, "{{.Id}}");
    p.write(&compose("2"));
    let ours = events(p.berth_ok(&["up", "-d"]));
    assert_eq!(
        p.inspect(&app, "{{.Id}}"),
        app_id,
        "app is restarted, not recreated"
    );
    assert!(running(&p, &app));
    p.write(&compose("3"));
    let theirs = events(p.reference_ok(&["up", "-d"]));
    assert_eq!(ours, theirs);
    assert_eq!(
        ours,
        [
            format!("Container {app}  Stopping"),
            format!("Container {app}  Stopped"),
            format!("Container {app}  Starting"),
            format!("Container {app}  Started"),
        ]
    );
}

/// `--attach`, `--no-attach`, `--no-log-prefix` and `--timestamps` shape attached output as
/// the reference does.
#[test]
fn attach_flags_select_and_shape_output() {
    let compose = format!(
        "services:\n  a:\n    image: {BASE_IMAGE}\n    command: echo from-a\n  b:\n    image: {BASE_IMAGE}\n    command: echo from-b\n"
    );
    let p = TestProject::new("attachflags", &compose);
    let run = |args: &[&str], reference: bool| {
        let out = if reference {
            p.reference(args)
        } else {
            p.berth(args)
        };
        p.berth_ok(&["down"]);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.replace("\r\x1b[K", ""))
            .collect();
        lines.sort();
        lines
    };
    for args in [
        &["up", "--attach", "a"][..],
        &["up", "--no-attach", "b"][..],
        &["up", "--no-log-prefix"][..],
    ] {
        assert_eq!(run(args, false), run(args, true), "{args:?}");
    }
    let stamped = run(&["up", "--timestamps", "--attach", "a"], false);
    let line = stamped.iter().find(|l| l.contains("from-a")).unwrap();
    assert!(
        line.starts_with("a-1  | 20") && line.ends_with("Z from-a"),
        "{line}"
    );
    let out = p.berth(&["up", "--attach", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("cannot attach to services not included in up: nope"));
}

#[test]
fn down_rmi_removes_the_project_images() {
    let p = TestProject::new("rmi", "services: {}\n");
    let local = format!("{}-built", p.name);
    let named = format!("berthtest-rmi-named-{}:v1", std::process::id());
    let _local = Scratch::create("image", &local);
    let _named = Scratch::create("image", &named);
    p.write(&format!(
        "services:\n  built:\n    build: .\n    command: sleep 3600\n    init: true\n  named:\n    image: {named}\n    command: sleep 3600\n    init: true\n"
    ));
    std::fs::write(
        p.dir.path().join("Dockerfile"),
        format!("FROM {BASE_IMAGE}\n"),
    )
    .unwrap();
    p.berth_ok(&["up", "-d"]);
    let progress = p.berth_ok(&["down", "--rmi", "local"]);
    assert!(
        progress.contains(&format!("Image {local}:latest  Removed")),
        "{progress}"
    );
    assert!(!exists("image", &local));
    assert!(exists("image", &named), "local keeps named images");
    docker_ok(&["tag", BASE_IMAGE, &local]);
    p.berth_ok(&["up", "-d"]);
    p.berth_ok(&["down", "--rmi", "all"]);
    assert!(!exists("image", &named));
    assert!(exists("image", BASE_IMAGE), "only tags go");
}

/// The docker config file's proxies go under every container's environment, as the
/// reference puts them.
#[test]
fn proxies_from_the_docker_config_file_reach_the_containers() {
    let compose = format!("services:\n  s:\n    image: {BASE_IMAGE}\n    command: sleep 3600\n    environment: {{A: b}}\n");
    let p = TestProject::new("proxies", &compose);
    let config = p.dir.path().join("docker-config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.json"),
        r#"{"proxies":{"default":{"httpProxy":"http://proxy:3128","noProxy":"localhost"}}}"#,
    )
    .unwrap();
    let env_of = |program: std::path::PathBuf| {
        let out = std::process::Command::new(program)
            .current_dir(p.dir.path())
            .env("DOCKER_CONFIG", &config)
            .args(["-p", &p.name, "create"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = p.inspect(&format!("{}-s-1", p.name), "{{json .Config.Env}}");
        p.berth_ok(&["down"]);
        // The reference adds the proxies in Go's random map order.
        let mut env: Vec<String> = serde_json::from_str(&json).unwrap();
        env.sort();
        env
    };
    let ours = env_of(common::engine::berth());
    let theirs = env_of(common::engine::reference());
    assert_eq!(ours, theirs);
    assert!(
        ours.contains(&"http_proxy=http://proxy:3128".to_string()),
        "{ours:?}"
    );
}

/// `down -p name` elsewhere than the project folder finds everything by its labels.
#[test]
fn down_by_name_alone() {
    let p = TestProject::new("byname", &pair("a"));
    p.berth_ok(&["up", "-d"]);
    let elsewhere = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(common::engine::berth())
        .current_dir(elsewhere.path())
        .args(["-p", &p.name, "down"])
        .output()
        .unwrap();
    let progress = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{progress}");
    assert!(ids(&p).is_empty(), "{progress}");
    // web depends on db (from the depends_on label): it goes down first.
    let web = progress
        .find(&format!("Container {}-web-1  Removed", p.name))
        .unwrap();
    let db = progress
        .find(&format!("Container {}-db-1  Stopping", p.name))
        .unwrap();
    assert!(web < db, "{progress}");
    assert!(progress.contains(&format!("Network {}_default  Removed", p.name)));
}

/// An image the service would have built stops `up` before anything is created: berth
/// cannot build yet, and says so.
#[test]
fn an_image_to_build_is_a_clear_error_and_creates_nothing() {
    let p = TestProject::new(
        "noimage",
        "services:\n  s:\n    build: .\n    pull_policy: build\n",
    );
    let out = p.berth(&["up", "-d"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "service \"s\" needs image {}-s built, and berth cannot build images yet",
            p.name
        )),
        "{stderr}"
    );
    assert!(!exists("network", &format!("{}_default", p.name)));
}

/// `--pull`: a bad policy is refused as the reference refuses it; `missing` and `never`
/// use the local image (pulling itself is tested in pull.rs, with a registry).
#[test]
fn pull_policies_on_local_images() {
    let p = TestProject::new(
        "pull",
        &format!(
            "services:\n  s:\n    image: {BASE_IMAGE}\n    command: sleep 3600\n    init: true\n"
        ),
    );
    let ours = p.berth(&["up", "-d", "--pull", "bogus"]);
    let theirs = p.reference(&["up", "-d", "--pull", "bogus"]);
    assert_ne!(ours.status.code(), Some(0), "a bad policy is refused");
    assert_eq!(ours.status.code(), theirs.status.code());
    assert_eq!(ours.stderr, theirs.stderr);
    assert!(p.containers().is_empty());
    for policy in ["missing", "never", "if_not_present"] {
        p.berth_ok(&["up", "-d", "--quiet-pull", "--pull", policy]);
        assert_eq!(p.containers().len(), 1, "{policy}");
    }
}

/// A volume whose configuration changed: compose asks before recreating it (data will be
/// lost). "n" keeps it and its data; "y", or `-y` without asking, removes the containers
/// mounting it, recreates it and brings them back. berth asks and acts as the reference.
#[test]
fn a_diverged_volume_is_recreated_only_when_the_user_agrees() {
    let compose = |version: u32| {
        format!(
            "services:
  s:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
    volumes: [data:/data]
  t:
    image: {BASE_IMAGE}
    command: sleep 3600
    init: true
volumes:
  data:
    labels: {{v: \"{version}\"}}
"
        )
    };
    let p = TestProject::new("diverged", &compose(1));
    let volume = format!("{}_data", p.name);
    let question = format!(
        "Volume {volume:?} exists but doesn't match configuration in compose file. Recreate (data will be lost)?"
    );
    let text = |out: &std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let mut transcripts = Vec::new();
    for tool in [common::engine::berth(), common::engine::reference()] {
        p.write(&compose(1));
        text(&p.with_input(&tool, &["up", "-d"], ""));
        let s1 = format!("{}-s-1", p.name);
        docker_ok(&["exec", &s1, "sh", "-c", "echo kept > /data/f"]);
        let t_before = ids(&p)
            .into_iter()
            .find(|(n, _)| n.ends_with("-t-1"))
            .unwrap();

        p.write(&compose(2));
        let (stdout, _) = text(&p.with_input(&tool, &["--progress", "plain", "up", "-d"], "n\n"));
        assert_eq!(stdout, question, "{tool:?} asks on stdout");
        assert_eq!(
            p.inspect(&volume, "{{index .Labels \"v\"}}"),
            "1",
            "no keeps it"
        );
        assert_eq!(docker_ok(&["exec", &s1, "cat", "/data/f"]), "kept");

        let (stdout, events) =
            text(&p.with_input(&tool, &["--progress", "plain", "up", "-d"], "y\n"));
        assert_eq!(stdout, question);
        assert_eq!(
            p.inspect(&volume, "{{index .Labels \"v\"}}"),
            "2",
            "yes recreates it"
        );
        assert_eq!(
            docker_ok(&[
                "exec",
                &s1,
                "sh",
                "-c",
                "test -e /data/f && echo kept || echo gone"
            ]),
            "gone",
            "data gone"
        );
        assert!(
            ids(&p).contains(&t_before),
            "the service without the volume is left alone"
        );

        p.write(&compose(3));
        let (stdout, _) =
            text(&p.with_input(&tool, &["--progress", "plain", "up", "-d", "-y"], ""));
        assert_eq!(stdout, "", "-y does not ask");
        assert_eq!(p.inspect(&volume, "{{index .Labels \"v\"}}"), "3");

        text(&p.with_input(&tool, &["down", "-v"], ""));
        transcripts.push(events.replace(&p.name, "P"));
    }
    // The removal and the volume's creation come in order; what follows runs in parallel.
    let (ours, theirs) = (&transcripts[0], &transcripts[1]);
    let head = |t: &str| t.lines().take(6).map(str::to_string).collect::<Vec<_>>();
    let tail = |t: &str| {
        let mut rest: Vec<String> = t.lines().skip(6).map(str::to_string).collect();
        rest.sort();
        rest
    };
    assert_eq!(
        head(ours),
        head(theirs),
        "berth:\n{ours}\nreference:\n{theirs}"
    );
    assert_eq!(
        tail(ours),
        tail(theirs),
        "berth:\n{ours}\nreference:\n{theirs}"
    );
}
