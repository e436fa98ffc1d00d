//! `port`, `images`, `volumes`, `version`, `commit`, `export` and `cp` against the reference
//! on live projects the reference brought up: every invocation runs through both binaries,
//! whose exit status, stdout and stderr must be identical, and what they change (images,
//! files in containers or on the host) must be the same. Fails — never skips — without the
//! engine or the reference.
//!
//! Only what is inherently unstable is normalised: Go's random map order (labels, the JSON
//! list of `images`, the progress lines of copies to several containers), image IDs of
//! commits, and time phrases (a pair of runs that straddles a boundary is run again).

use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;

use common::engine::{berth, docker_ok, exists, reference, run, Scratch, TestProject};

const COMPOSE: &str = r#"services:
  web:
    image: berth-example/busybox:local
    command: httpd -f -p 80
    ports:
      - "80"
      - "127.0.0.1::81/udp"
    volumes:
      - data:/data
  worker:
    image: berth-example/busybox:local
    command: sleep 3600
    scale: 2
  idle:
    image: berth-example/busybox:local
    command: sleep 3600
volumes:
  data:
  unused:
"#;

/// The project, brought up by the reference.
fn up(tag: &str) -> TestProject {
    let p = TestProject::new(tag, COMPOSE);
    p.reference_ok(&["up", "-d"]);
    p
}

type Outcome = (Option<i32>, String, String);

fn outcome(out: &Output) -> Outcome {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `args` through both binaries until their normalised outcomes agree (a few times at
/// most, for the clock and the engine's map order); panics with both when they never do.
fn compare_with(p: &TestProject, args: &[&str], normalise: impl Fn(Outcome) -> Outcome) {
    let mut last = None;
    for _ in 0..5 {
        let theirs = normalise(outcome(&p.reference(args)));
        let ours = normalise(outcome(&p.berth(args)));
        if theirs == ours {
            return;
        }
        last = Some((theirs, ours));
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    let (theirs, ours) = last.expect("at least one run");
    pretty_assertions::assert_eq!(theirs, ours, "berth {args:?} differs from the reference");
}

fn compare(p: &TestProject, args: &[&str]) {
    compare_with(p, args, |(code, out, err)| (code, seconds_ago(&out), err));
}

/// `41 seconds ago` as `N seconds ago`: an age in seconds can tick between the two runs
/// however often they are retried on a loaded machine.
fn seconds_ago(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(" seconds ago") {
        let digits = rest[..at].len()
            - rest[..at]
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .len();
        out.push_str(&rest[..at - digits]);
        out.push_str(if digits > 0 { "N" } else { "" });
        out.push_str(" seconds ago");
        rest = &rest[at + " seconds ago".len()..];
    }
    out.push_str(rest);
    out
}

/// Sorts the comma-separated list in every `"Labels":"…"` field (Go's map order).
fn sort_labels(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("\"Labels\":\"") {
        let from = start + "\"Labels\":\"".len();
        out.push_str(&rest[..from]);
        rest = &rest[from..];
        let len = rest.find('"').unwrap_or(rest.len());
        let mut items: Vec<&str> = rest[..len].split(',').collect();
        items.sort();
        out.push_str(&items.join(","));
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// The lines of a text, sorted (what goes on in parallel prints in any order).
fn sorted_lines(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort();
    lines.join("\n")
}

#[test]
fn port_images_volumes_and_version_match_the_reference() {
    let p = up("inspect");
    let cases: &[&[&str]] = &[
        &["port", "web", "80"],
        &["port", "web", "81", "--protocol", "udp"],
        &["port", "web", "81", "--protocol", "UDP"],
        &["port", "--index", "1", "web", "80"],
        &["port", "web", "80", "extra"],
        &["port", "--index", "2", "worker", "80"],
        &["port", "--index", "3", "worker", "80"],
        &["port", "nope", "80"],
        &["port", "web"],
        &["port", "web", "abc"],
        &["port", "web", "70000"],
        &["port", "--index", "x", "web", "80"],
        &["images"],
        &["images", "worker"],
        &["images", "nope"],
        &["images", "-q"],
        &["images", "--quiet", "web"],
        &["images", "--format", "table"],
        &["images", "--format", "TABLE"],
        &["images", "--format", "JSON"],
        &["images", "--format", "Json", "nope"],
        &["images", "--format", "xml"],
        &["volumes"],
        &["volumes", "-q"],
        &["volumes", "web"],
        &["volumes", "worker"],
        &["volumes", "--format", "{{.Name}} {{.Driver}} {{.Scope}}"],
        &[
            "volumes",
            "--format",
            "table {{.Name}}\\t{{.Mountpoint}}\\t{{.Size}}",
        ],
        &[
            "volumes",
            "--format",
            "{{.Label \"com.docker.compose.volume\"}}",
        ],
        &["volumes", "--format", "raw"],
        &["volumes", "--format", "{{.Nope}}"],
        &["volumes", "--format", "{{"],
        &["version"],
        &["version", "--short"],
        &["version", "-f", "json"],
        &["version", "--format", "pretty"],
        &["version", "x"],
    ];
    for args in cases {
        compare(&p, args);
    }
    compare_with(&p, &["port", "web", "82"], |(code, out, err)| {
        // The container's ports come in the engine's map order.
        let (head, list) = err.trim_end().split_once(": ").unwrap_or((&err, ""));
        let mut ports: Vec<&str> = list.split(", ").collect();
        ports.sort();
        (code, out, format!("{head}: {}", ports.join(", ")))
    });
    compare_with(&p, &["volumes", "--format", "json"], |(code, out, err)| {
        (code, sort_labels(&out), err)
    });
    // The JSON list of `images` is in Go's map order: compared as a set of objects.
    compare_with(&p, &["images", "--format", "json"], |(code, out, err)| {
        let mut list: Vec<serde_json::Value> =
            serde_json::from_str(out.trim_end()).expect("images JSON");
        list.sort_by_key(|i| i["ContainerName"].as_str().unwrap_or_default().to_string());
        (code, serde_json::to_string(&list).unwrap(), err)
    });
    // Without -p, from the project's folder: its file names the services.
    // (`COMPOSE_PROJECT_NAME` makes a failed load fall back to that name, silently.)
    let in_folder = |program: &Path, args: &[&str], env_name: bool| {
        let mut cmd = Command::new(program);
        cmd.current_dir(p.dir.path())
            .env_remove("COMPOSE_PROJECT_NAME")
            .env_remove("COMPOSE_FILE")
            .args(args);
        if env_name {
            cmd.env("COMPOSE_PROJECT_NAME", &p.name);
        }
        outcome(&run(&mut cmd))
    };
    for args in [
        &["volumes", "nope"][..],
        &["volumes", "web"],
        &["images", "nope"],
    ] {
        for env_name in [true, false] {
            assert_eq!(
                in_folder(&reference(), args, env_name),
                in_folder(&berth(), args, env_name),
                "{args:?} (COMPOSE_PROJECT_NAME: {env_name})"
            );
        }
    }
}

#[test]
fn a_project_without_containers_matches_the_reference() {
    let p = TestProject::new("inspect-empty", COMPOSE);
    for args in [
        &["images"][..],
        &["images", "--format", "json"],
        &["images", "-q"],
        &["volumes"],
        &["volumes", "--format", "json"],
        &["port", "web", "80"],
        &["commit", "web"],
        &["export", "web"],
        &["cp", "web:/etc/hostname", "-"],
        &["cp", "compose.yaml", "web:/tmp/"],
    ] {
        compare(&p, args);
    }
}

/// An image's author, comment and config, as `docker inspect` shows them.
fn image_summary(image: &str) -> String {
    docker_ok(&[
        "image",
        "inspect",
        "--format",
        "{{.Author}}|{{.Comment}}|{{json .Config}}",
        image,
    ])
}

/// The image ID of a `Committed as sha256:…` line.
fn committed_id(stderr: &str) -> Option<String> {
    let at = stderr.find("Committed as sha256:")? + "Committed as ".len();
    Some(stderr[at..].split_whitespace().next()?.to_string())
}

/// stderr with the image IDs of `Committed as sha256:…` blanked.
fn without_image_ids(o: Outcome) -> Outcome {
    let (code, out, err) = o;
    let err = err
        .lines()
        .map(|l| match l.find("Committed as sha256:") {
            Some(i) => format!("{}Committed as <id>", &l[..i]),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    (code, out, err)
}

#[test]
fn commit_matches_the_reference() {
    let p = up("commit");
    let theirs_tag = format!("{}-theirs:v1", p.name);
    let ours_tag = format!("{}-ours:v1", p.name);
    let _cleanup = [
        Scratch::adopt("image", &theirs_tag),
        Scratch::adopt("image", &ours_tag),
    ];
    let flags = [
        "-a",
        "Ann <ann@example.com>",
        "-m",
        "a message",
        "-c",
        "ENV A=1",
        "--change",
        "LABEL x=y",
        "--pause=false",
        "--index",
        "2",
        "worker",
    ];
    let theirs = outcome(&p.reference(&[&["commit"][..], &flags, &[&theirs_tag]].concat()));
    let ours = outcome(&p.berth(&[&["commit"][..], &flags, &[&ours_tag]].concat()));
    assert_eq!(
        without_image_ids(theirs.clone()),
        without_image_ids(ours.clone()),
        "commit"
    );
    assert_eq!(theirs.0, Some(0), "{theirs:?}");
    assert!(ours.2.contains("Committed as sha256:"), "{ours:?}");
    let summary = image_summary(&ours_tag);
    assert!(
        summary.starts_with("Ann <ann@example.com>|a message|"),
        "{summary}"
    );
    assert!(
        summary.contains("\"A=1\"") && summary.contains("\"x\":\"y\""),
        "{summary}"
    );
    assert_eq!(image_summary(&theirs_tag), summary);

    // An untagged commit, with pausing, and the dry run that commits nothing.
    let theirs = outcome(&p.reference(&["commit", "web"]));
    let ours = outcome(&p.berth(&["commit", "web"]));
    // The untagged images are removed however the test ends.
    let _untagged: Vec<Scratch> = [&theirs, &ours]
        .iter()
        .filter_map(|o| committed_id(&o.2))
        .map(|id| Scratch::adopt("image", &id))
        .collect();
    assert!(committed_id(&ours.2).is_some(), "{ours:?}");
    assert_eq!(without_image_ids(theirs), without_image_ids(ours));
    compare(&p, &["--dry-run", "commit", "web", "dry:run"]);
    assert!(!exists("image", "dry:run"), "a dry run committed");
    for args in [
        &["commit"][..],
        &["commit", "web", "a", "b"],
        &["commit", "nope"],
        &["commit", "--index", "5", "worker"],
        &["commit", "web", "Bad:tag"],
        &[
            "commit",
            "web",
            "x@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ],
        &["commit", "--pause=maybe", "web"],
    ] {
        compare(&p, args);
    }
}

/// The names and sizes of a tar archive's entries.
fn tar_listing(bytes: &[u8]) -> Vec<(String, u64)> {
    let mut archive = tar::Archive::new(bytes);
    let mut list: Vec<(String, u64)> = archive
        .entries()
        .expect("a tar archive")
        .map(|e| {
            let e = e.expect("a tar entry");
            (
                String::from_utf8_lossy(&e.path_bytes()).into_owned(),
                e.header().size().unwrap_or(0),
            )
        })
        .collect();
    list.sort();
    list
}

#[test]
fn export_matches_the_reference() {
    let p = up("export");
    // To standard output (a pipe here).
    let theirs = p.reference(&["export", "web"]);
    let ours = p.berth(&["export", "web"]);
    assert_eq!(theirs.status.code(), Some(0));
    assert_eq!(
        ours.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(theirs.stderr, ours.stderr);
    let listing = tar_listing(&ours.stdout);
    assert!(
        listing.iter().any(|(n, _)| n == "bin/busybox"),
        "{listing:?}"
    );
    assert_eq!(tar_listing(&theirs.stdout), listing);
    // To a file, which is written whole with mode 0600.
    compare_with(
        &p,
        &["export", "-o", "out.tar", "--index", "1", "web"],
        |o| {
            let file = p.dir.path().join("out.tar");
            let meta = std::fs::metadata(&file).expect("out.tar written");
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
            let bytes = std::fs::read(&file).unwrap();
            std::fs::remove_file(&file).unwrap();
            let (code, out, err) = o;
            (code, format!("{out}{:?}", tar_listing(&bytes)), err)
        },
    );
    compare(&p, &["--dry-run", "export", "-o", "dry.tar", "web"]);
    assert!(!p.dir.path().join("dry.tar").exists());
    std::fs::create_dir(p.dir.path().join("adir")).unwrap();
    for args in [
        &["export"][..],
        &["export", "nope"],
        &["export", "--index", "3", "worker"],
        &["export", "-o", "/nonexistent/x.tar", "web"],
        &["export", "-o", "adir", "web"],
    ] {
        compare(&p, args);
    }
}

/// A local tree: every path under `root` with its kind, mode, and content or link target.
fn local_tree(root: &Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    fn walk(root: &Path, path: &Path, out: &mut Vec<String>) {
        let meta = std::fs::symlink_metadata(path).unwrap();
        let rel = path.strip_prefix(root).unwrap().display().to_string();
        let mode = meta.permissions().mode() & 0o7777;
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(path).unwrap();
            out.push(format!("{rel} link -> {}", target.display()));
        } else if meta.is_dir() {
            out.push(format!("{rel} dir {mode:o}"));
            let mut children: Vec<_> = std::fs::read_dir(path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            children.sort();
            for child in children {
                walk(root, &child, out);
            }
        } else {
            let content = std::fs::read_to_string(path).unwrap_or_default();
            out.push(format!("{rel} file {mode:o} {content:?}"));
        }
    }
    if root.exists() {
        walk(root, root, &mut out);
    }
    out
}

/// A tree in a container: `find` and `stat` of everything under `root`, with contents.
fn container_tree(container: &str, root: &str) -> String {
    let script = format!(
        "find {root} | sort | while read f; do stat -c '%n %F %a %u:%g' \"$f\"; \
         if [ -f \"$f\" ] && [ ! -L \"$f\" ]; then cat \"$f\"; echo; fi; \
         if [ -L \"$f\" ]; then readlink \"$f\"; fi; done"
    );
    docker_ok(&["exec", container, "sh", "-c", &script])
}

/// Runs `args` with `program` in the project folder, with `input` on stdin when given.
fn run_with(p: &TestProject, program: &Path, args: &[&str], input: Option<&[u8]>) -> Output {
    let mut cmd = p.command(program, args);
    if let Some(bytes) = input {
        use std::io::Write;
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child.stdin.take().unwrap().write_all(bytes).unwrap();
        return child.wait_with_output().unwrap();
    }
    run(&mut cmd)
}

/// A tar archive of one small file, for `cp - SERVICE:DIR`.
fn small_tar() -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    header.set_size(6);
    header.set_mode(0o600);
    header.set_mtime(1_700_000_000);
    let mut builder = tar::Builder::new(Vec::new());
    builder
        .append_data(&mut header, "piped.txt", &b"piped\n"[..])
        .unwrap();
    builder.into_inner().unwrap()
}

/// Each copy from the host runs once per tool from the same state (the containers' `/t`
/// made anew) and must leave the same files there, with the same messages and status.
#[test]
fn cp_to_containers_matches_the_reference() {
    let p = up("cp-to");
    let dir = p.dir.path();
    std::fs::create_dir_all(dir.join("src/sub")).unwrap();
    std::fs::write(dir.join("src/a.txt"), "alpha").unwrap();
    std::fs::write(dir.join("src/sub/b.txt"), "beta").unwrap();
    std::fs::write(dir.join("file.txt"), "file").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("src/a.txt"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    std::os::unix::fs::symlink("file.txt", dir.join("link")).unwrap();
    let containers: Vec<String> = p.containers().into_iter().map(|(name, _)| name).collect();
    let reset = || {
        for c in &containers {
            docker_ok(&[
                "exec",
                c,
                "sh",
                "-c",
                "rm -rf /t && mkdir -p /t/existing_dir && echo old > /t/existing_file \
                 && ln -s existing_dir /t/dirlink && ln -s /t/existing_file /t/filelink",
            ]);
        }
    };
    let trees = || -> Vec<String> {
        containers
            .iter()
            .filter(|c| !c.contains("idle"))
            .map(|c| container_tree(c, "/t"))
            .collect()
    };
    let stdin_tar = small_tar();
    let cases: &[(&[&str], bool)] = &[
        (&["cp", "src", "web:/t/"], false),
        (&["cp", "src", "web:/t/new"], false),
        (&["cp", "src/", "web:/t/new"], false),
        (&["cp", "src/.", "web:/t/existing_dir"], false),
        (&["cp", "src/.", "web:/t/newdot"], false),
        (&["cp", "src/a.txt", "web:/t/existing_file"], false),
        (&["cp", "src/a.txt", "web:/t/existing_dir"], false),
        (&["cp", "src/a.txt", "web:/t/renamed.txt"], false),
        (&["cp", "src/a.txt", "web:/t/missing/"], false),
        (&["cp", "src", "web:/t/existing_file"], false),
        (&["cp", "missing", "web:/t/"], false),
        (&["cp", "link", "web:/t/"], false),
        (&["cp", "-L", "link", "web:/t/followed"], false),
        (&["cp", "-a", "file.txt", "web:/t/"], false),
        (&["cp", "--archive=true", "src", "web:/t/arch"], false),
        (&["cp", "file.txt", "worker:/t/"], false),
        (&["cp", "--index", "2", "file.txt", "worker:/t/"], false),
        (&["cp", "--index", "3", "file.txt", "worker:/t/"], false),
        (&["cp", "file.txt", "nope:/t/"], false),
        (&["cp", "file.txt", "web:/t/dirlink"], false),
        (&["cp", "src", "web:/t/dirlink"], false),
        (&["cp", "file.txt", "web:/t/filelink"], false),
        (&["cp", "file.txt", "web:/dev/null"], false),
        (&["cp", "file.txt", "web:/etc/hostname/x"], false),
        (&["cp", "-", "web:/t/"], true),
        (&["cp", "-", "web:/t/existing_file"], true),
        (&["cp", "-", "web:/t/nothere"], true),
        (&["--dry-run", "cp", "src", "web:/t/dry"], false),
        (&["--dry-run", "cp", "-", "web:/t/"], true),
        (&["--dry-run", "cp", "-", "web:/t/nothere"], true),
        (&["--dry-run", "cp", "missing", "web:/t/"], false),
        (&["cp", "", "web:/t/"], false),
        (&["cp", "src", ""], false),
        (&["cp", "src"], false),
        (&["cp", "src", "web:/t", "extra"], false),
        (&["cp", "web:/t", "worker:/t"], false),
        (&["cp", "src", "other"], false),
    ];
    for (args, piped) in cases {
        let input = piped.then_some(stdin_tar.as_slice());
        let mut runs = Vec::new();
        for program in [reference(), berth()] {
            reset();
            let out = run_with(&p, &program, args, input);
            let (code, stdout, stderr) = outcome(&out);
            // Copies to several containers report in any order; the reference's dry run
            // also logs, racing, that its archive's pipe was closed.
            let stderr: String = stderr
                .lines()
                .filter(|l| !l.contains("level=error"))
                .map(|l| format!("{l}\n"))
                .collect();
            runs.push((code, stdout, sorted_lines(&stderr), trees()));
        }
        pretty_assertions::assert_eq!(
            runs[0],
            runs[1],
            "berth {args:?} differs from the reference"
        );
    }
}

/// Each copy to the host runs once per tool from the same state (the folder `out` made
/// anew) and must leave the same files there, with the same messages and status.
#[test]
fn cp_from_containers_matches_the_reference() {
    let p = up("cp-from");
    let dir = p.dir.path().to_path_buf();
    let web = format!("{}-web-1", p.name);
    docker_ok(&[
        "exec",
        &web,
        "sh",
        "-c",
        "mkdir -p /s/dir/sub && echo alpha > /s/dir/a.txt && echo beta > /s/dir/sub/b.txt \
         && chmod 640 /s/dir/a.txt && echo file > /s/file.txt && ln -s file.txt /s/link \
         && ln -s dir /s/dirlink && touch -d '2024-01-02 03:04:05' /s/file.txt",
    ]);
    let out = dir.join("out");
    let reset = || {
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(out.join("existing_dir")).unwrap();
        std::fs::write(out.join("existing_file"), "old").unwrap();
    };
    let cases: &[&[&str]] = &[
        &["cp", "web:/s/dir", "out/"],
        &["cp", "web:/s/dir", "out/new"],
        &["cp", "web:/s/dir/", "out/new"],
        &["cp", "web:/s/dir/.", "out/existing_dir"],
        &["cp", "web:/s/dir/.", "out/newdot"],
        &["cp", "web:/s/file.txt", "out/existing_file"],
        &["cp", "web:/s/file.txt", "out/existing_dir"],
        &["cp", "web:/s/file.txt", "out/renamed.txt"],
        &["cp", "web:/s/file.txt", "out/missing/"],
        &["cp", "web:/s/file.txt", "out/missing/deeper"],
        &["cp", "web:/s/dir", "out/existing_file"],
        &["cp", "web:/s/nonexistent", "out/"],
        &["cp", "web:/s/link", "out/"],
        &["cp", "-L", "web:/s/link", "out/"],
        &["cp", "--follow-link", "web:/s/dirlink", "out/followed"],
        &["cp", "web:/s/dirlink/", "out/"],
        &["cp", "worker:/etc/hostname", "out/host"],
        &["cp", "--index", "2", "web:/s/file.txt", "out/"],
        &["cp", "--all", "web:/s/file.txt", "out/"],
        &["cp", "nope:/s", "out/"],
        &["cp", "web:/s/file.txt", "/nonexistent/dir/x"],
        &["--dry-run", "cp", "web:/s/dir", "out/dry"],
        &["--dry-run", "cp", "web:/s/nonexistent", "out/"],
        &["--dry-run", "cp", "web:/s/file.txt", "out/missing/"],
        &["--dry-run", "cp", "web:/s/file.txt", "-"],
    ];
    for args in cases {
        let mut runs = Vec::new();
        for program in [reference(), berth()] {
            reset();
            let o = run_with(&p, &program, args, None);
            runs.push((outcome(&o), local_tree(&out)));
        }
        pretty_assertions::assert_eq!(
            runs[0],
            runs[1],
            "berth {args:?} differs from the reference"
        );
    }
    // A stopped container: `cp` finds it, the others want it running.
    let idle = format!("{}-idle-1", p.name);
    docker_ok(&["stop", "-t", "0", &idle]);
    for args in [
        &["cp", "idle:/etc/hostname", "-"][..],
        &["commit", "idle"],
        &["export", "idle"],
        &["port", "idle", "80"],
    ] {
        compare(&p, args);
    }
    // `-` writes the engine's archive itself.
    let theirs = p.reference(&["cp", "web:/s/dir", "-"]);
    let ours = p.berth(&["cp", "web:/s/dir", "-"]);
    assert_eq!(outcome(&theirs).2, outcome(&ours).2);
    assert_eq!(ours.status.code(), Some(0));
    assert_eq!(tar_listing(&ours.stdout), tar_listing(&theirs.stdout));
    assert!(tar_listing(&ours.stdout)
        .iter()
        .any(|(n, _)| n == "dir/sub/b.txt"));
    // Modification times come with the files.
    reset();
    p.berth_ok(&["cp", "web:/s/file.txt", "out/"]);
    let ours_mtime = std::fs::metadata(out.join("file.txt"))
        .unwrap()
        .modified()
        .unwrap();
    reset();
    p.reference_ok(&["cp", "web:/s/file.txt", "out/"]);
    let theirs_mtime = std::fs::metadata(out.join("file.txt"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(ours_mtime, theirs_mtime);
}

/// Without `-p` and without a compose file, every command fails as the reference does.
#[test]
fn without_a_project_the_commands_fail_as_the_reference_does() {
    common::engine::require_engine();
    let empty = tempfile::tempdir().unwrap();
    let in_empty = |program: &Path, args: &[&str]| {
        let mut cmd = Command::new(program);
        cmd.current_dir(empty.path())
            .env_remove("COMPOSE_PROJECT_NAME")
            .env_remove("COMPOSE_FILE")
            .args(args);
        outcome(&run(&mut cmd))
    };
    for args in [
        &["images"][..],
        &["volumes"],
        &["port", "web", "80"],
        &["commit", "web"],
        &["export", "web"],
        &["cp", "web:/etc/hostname", "-"],
        &["version", "--short"],
    ] {
        let theirs = in_empty(&reference(), args);
        assert_eq!(theirs, in_empty(&berth(), args), "{args:?}");
        if args[0] != "version" {
            assert_eq!(theirs.0, Some(1), "{args:?}: {theirs:?}");
        }
    }
}
