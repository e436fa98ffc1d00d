//! `cp` streams: a tree far larger than a memory bound goes both ways (container to a host
//! folder, renamed on the way; container to stdout; host folder to a container; stdin to a
//! container) while berth's peak resident memory (`VmHWM`, read from /proc while it runs)
//! stays under the bound, and the content arrives whole. Fails — never skips — without the
//! engine.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

mod common;

use common::engine::{berth, docker_ok, TestProject};

const COMPOSE: &str = r#"services:
  box:
    image: berth-example/busybox:local
    command: sleep 3600
  pair:
    image: berth-example/busybox:local
    command: sleep 3600
    scale: 2
"#;

/// The big file's size: five times the bound, so that holding it whole cannot pass.
const BIG_MIB: u64 = 320;
const BIG_BYTES: u64 = BIG_MIB * 1024 * 1024;
/// berth's peak resident memory may not exceed this during any copy.
const BOUND_KIB: u64 = 64 * 1024;
/// The small file's content, checked by its checksum on arrival.
const SMALL: &str = "a small file beside the big one\n";

/// The peak resident memory of a running process, in KiB (`VmHWM` of /proc/PID/status).
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Waits for `child`, reading its peak memory until it exits; returns the exit status,
/// the last peak read, and its stderr. `feed` runs beside it (to write its stdin or read its
/// stdout) and its result is handed back.
fn watch<T: Send>(
    mut child: Child,
    feed: impl FnOnce(&mut Child) -> T + Send,
) -> (std::process::ExitStatus, u64, String, T) {
    let pid = child.id();
    let mut stderr = child.stderr.take().expect("stderr piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut peak = 0;
    let fed = std::thread::scope(|scope| {
        let feeding = scope.spawn(|| feed(&mut child));
        // Until it is a zombie, the process's status still answers.
        while !feeding.is_finished() {
            if let Some(kib) = peak_kib(pid) {
                peak = peak.max(kib);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        feeding.join().expect("feeding thread")
    });
    let status = child.wait().unwrap();
    (status, peak, stderr_reader.join().unwrap(), fed)
}

/// Runs berth with `args` in the project, its output piped, under [`watch`].
fn berth_watched<T: Send>(
    p: &TestProject,
    args: &[&str],
    feed: impl FnOnce(&mut Child) -> T + Send,
) -> (u64, T) {
    let child = p
        .command(&berth(), args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn berth");
    // Each feeder ends by waiting for the process, so that the peak is read throughout.
    let (status, peak, stderr, fed) = watch(child, feed);
    assert!(
        status.success(),
        "berth {args:?} failed: {status}\n{stderr}"
    );
    assert!(peak > 0, "berth {args:?}: no VmHWM was read");
    assert!(
        peak < BOUND_KIB,
        "berth {args:?} peaked at {peak} KiB of resident memory, over {BOUND_KIB} KiB"
    );
    (peak, fed)
}

/// Waits for the child's exit without taking its status (the watcher takes it).
fn wait_exit(child: &mut Child) {
    while child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn md5_local(path: &Path) -> String {
    let out = Command::new("md5sum").arg(path).output().expect("md5sum");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn in_container(container: &str, script: &str) -> String {
    docker_ok(&["exec", container, "sh", "-c", script])
        .trim()
        .to_string()
}

#[test]
fn big_trees_copy_both_ways_in_bounded_memory() {
    let p = TestProject::new("cp-stream", COMPOSE);
    p.berth_ok(&["up", "-d"]);
    let dir = p.dir.path().to_path_buf();
    let container = format!("{}-box-1", p.name);
    let small_md5 = {
        std::fs::write(dir.join("small.ref"), SMALL).unwrap();
        md5_local(&dir.join("small.ref"))
    };

    // Container → host folder, the top entry renamed on the way (`big` becomes `out/got`).
    in_container(
        &container,
        &format!(
            "mkdir -p /big && dd if=/dev/zero of=/big/zero bs=1048576 count={BIG_MIB} 2>/dev/null \
             && printf '{}' > /big/small.txt",
            SMALL.replace('\n', "\\n")
        ),
    );
    std::fs::create_dir(dir.join("out")).unwrap();
    berth_watched(&p, &["cp", "box:/big", "out/got"], wait_exit);
    let got = dir.join("out/got");
    assert_eq!(
        std::fs::metadata(got.join("zero")).unwrap().len(),
        BIG_BYTES
    );
    assert_eq!(md5_local(&got.join("small.txt")), small_md5);

    // Container → stdout: the archive arrives whole, in order.
    let (_, archive) = berth_watched(&p, &["cp", "box:/big", "-"], |child| {
        let stdout = child.stdout.take().unwrap();
        let mut entries = Vec::new();
        let mut archive = tar::Archive::new(stdout);
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().display().to_string();
            let mut content = Vec::new();
            let size = if name.ends_with("small.txt") {
                entry.read_to_end(&mut content).unwrap()
            } else {
                std::io::copy(&mut entry, &mut std::io::sink()).unwrap() as usize
            };
            entries.push((name, size as u64, content));
        }
        wait_exit(child);
        entries
    });
    let sizes: Vec<_> = archive.iter().map(|(n, s, _)| (n.as_str(), *s)).collect();
    assert_eq!(
        sizes,
        [
            ("big/", 0),
            ("big/small.txt", SMALL.len() as u64),
            ("big/zero", BIG_BYTES)
        ]
    );
    assert_eq!(archive[1].2, SMALL.as_bytes());

    // Host folder → container: a sparse file, read as zeros.
    let src = dir.join("src");
    std::fs::create_dir(&src).unwrap();
    let sparse = std::fs::File::create(src.join("zero")).unwrap();
    sparse.set_len(BIG_BYTES).unwrap();
    std::fs::write(src.join("small.txt"), SMALL).unwrap();
    in_container(&container, "rm -rf /big /up && mkdir /up");
    berth_watched(&p, &["cp", "src", "box:/up/"], wait_exit);
    assert_eq!(
        in_container(&container, "stat -c %s /up/src/zero"),
        BIG_BYTES.to_string()
    );
    assert_eq!(
        in_container(&container, "md5sum /up/src/small.txt | cut -d' ' -f1"),
        small_md5
    );

    // Standard input → container: a big archive written as berth reads it.
    in_container(&container, "rm -rf /up && mkdir /piped");
    berth_watched(&p, &["cp", "-", "box:/piped"], |child| {
        let stdin = child.stdin.take().unwrap();
        let mut builder = tar::Builder::new(stdin);
        let mut header = tar::Header::new_gnu();
        header.set_size(BIG_BYTES);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, "zero", std::io::repeat(0).take(BIG_BYTES))
            .unwrap();
        let mut header = tar::Header::new_gnu();
        header.set_size(SMALL.len() as u64);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, "small.txt", SMALL.as_bytes())
            .unwrap();
        builder.into_inner().unwrap().flush().unwrap();
        wait_exit(child);
    });
    assert_eq!(
        in_container(&container, "stat -c %s /piped/zero"),
        BIG_BYTES.to_string()
    );
    assert_eq!(
        in_container(&container, "md5sum /piped/small.txt | cut -d' ' -f1"),
        small_md5
    );
    in_container(&container, "rm -rf /piped");
}

/// Standard input's archive goes whole to each of several containers (it is spooled once).
#[test]
fn stdin_goes_whole_to_every_replica() {
    let p = TestProject::new("cp-stream-replicas", COMPOSE);
    p.berth_ok(&["up", "-d"]);
    let mut archive = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(SMALL.len() as u64);
    header.set_mode(0o600);
    archive
        .append_data(&mut header, "piped.txt", SMALL.as_bytes())
        .unwrap();
    let archive = archive.into_inner().unwrap();
    let mut child = p
        .command(&berth(), &["cp", "-", "pair:/tmp"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&archive).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for index in [1, 2] {
        let container = format!("{}-pair-{index}", p.name);
        assert_eq!(
            in_container(&container, "cat /tmp/piped.txt"),
            SMALL.trim_end()
        );
    }
}
