//! Differential test: every compose project under `tests/fixtures/config/` is run through the
//! reference `docker compose` (v2.40.3) and through `berth`, and the two must agree.
//!
//! # Fixture layout
//! One folder per case, `tests/fixtures/config/<nnn-descriptive-name>/`, holding the compose
//! files and whatever else the case needs (`.env`, env files, included files, Dockerfiles...),
//! plus these optional control files (none of them is ever read by the tools):
//! - `args`: one line of shell words, the arguments after the binary (default: `config`).
//!   The word `$OUT` is replaced by a per-tool temporary file path; the harness then also
//!   compares the contents of those files (this is how `config -o` is covered).
//! - `env`: `KEY=VALUE` lines added to the process environment of both tools.
//! - `cwd`: a relative subdirectory of the fixture to run in (file discovery, parent search).
//! - `unordered`: compare stdout as a sorted multiset of lines instead of byte for byte. Used
//!   only where the reference prints in Go map order (`config --volumes`, `--networks`,
//!   `--images`, `--services` with independent services, the `--variables` table) and the
//!   case has more than one entry; one-entry cases of those flags are compared exactly.
//! - `stdin`: what both tools read on standard input (for `-f -`).
//! - `expect-stderr`: a substring both tools must print on stderr, replacing the derived
//!   "key part" rule below (for multi-line errors whose first line says little).
//!
//! # Rules
//! Both tools run in the same folder (so absolute paths in the output match) with a controlled
//! environment: `env_clear()`, then `PATH` (a fixed value), `HOME` (one temporary directory
//! shared by both tools, so `~` expands identically) and the fixture's `env` file. Stdin is
//! empty unless the fixture has a `stdin` file. For every fixture:
//! 1. the exit statuses are identical;
//! 2. stdout is identical (see `unordered`), and so are `$OUT` files;
//! 3. when the reference fails: both stderrs are non-empty and berth's stderr contains the
//!    reference's key part. The reference's *main error line* is the first stderr line that
//!    is not a logrus warning/info line (`time="..." level=warning msg="..."`); a logrus
//!    `level=error|fatal` line counts through its unescaped `msg`. The *key part* is the longest
//!    of that line's segments when split on `": "` (so `validating /abs/compose.yaml:
//!    services.s.ports must be a array` keys on the schema message, and `service "s" refers
//!    to undefined network nope: invalid compose project` on the service message).
//!    Warnings printed by successful runs are not compared.
//!
//! # Environment knobs
//! - `BERTH_REFERENCE`: the reference binary (default: the pip package's `docker-compose`).
//!   If it is missing the test FAILS; it never skips.
//! - `BERTH_BIN`: run this binary instead of the freshly built `berth` (self-check: point it at
//!   the reference to check that every fixture is deterministic).
//! - `BERTH_FIXTURE`: only run fixtures whose folder name contains this substring.
//! - `BERTH_JOBS`: worker threads (default: min(available parallelism, 4)).
//!
//! `scripts/test.sh` clears them (and every other variable that steers the tests) unless they
//! are its arguments (`scripts/test.sh BERTH_FIXTURE=042`); the summary line names those in
//! force.
//!
//! Nothing is written into the repository: `HOME` and `$OUT` files live in a temporary dir.

// The harness is configured by its own environment (BERTH_REFERENCE, BERTH_FIXTURE, …).
#![allow(clippy::disallowed_methods)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const DEFAULT_REFERENCE: &str =
    "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/compose/docker-compose";
const FIXED_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const TIMEOUT: Duration = Duration::from_secs(60);

/// One fixture folder and its control files.
struct Fixture {
    name: String,
    dir: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    cwd: PathBuf,
    unordered: bool,
    expect_stderr: Option<String>,
    /// Fed to both tools' standard input (`-f -`); empty when absent.
    stdin: Option<PathBuf>,
}

/// What one tool did on one fixture.
struct Outcome {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    out_file: Option<String>,
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/config")
}

fn read_optional(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok()
}

fn load_fixture(dir: &Path) -> Result<Fixture, String> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let args = match read_optional(&dir.join("args")) {
        Some(line) => shell_words::split(line.trim())
            .map_err(|e| format!("{name}: cannot parse `args`: {e}"))?,
        None => vec!["config".to_string()],
    };
    let mut env = Vec::new();
    if let Some(text) = read_optional(&dir.join("env")) {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (k, v) = line
                .split_once('=')
                .ok_or_else(|| format!("{name}: `env` line without '=': {line}"))?;
            env.push((k.to_string(), v.to_string()));
        }
    }
    let cwd = match read_optional(&dir.join("cwd")) {
        Some(rel) => dir.join(rel.trim()),
        None => dir.to_path_buf(),
    };
    let expect_stderr = read_optional(&dir.join("expect-stderr"))
        .map(|s| s.trim_end_matches('\n').to_string())
        .filter(|s| !s.is_empty());
    Ok(Fixture {
        name,
        dir: dir.to_path_buf(),
        args,
        env,
        cwd,
        unordered: dir.join("unordered").exists(),
        expect_stderr,
        stdin: Some(dir.join("stdin")).filter(|p| p.is_file()),
    })
}

/// Runs `bin` on the fixture with the controlled environment; `tag` keeps `$OUT` files apart.
fn run_tool(bin: &Path, fx: &Fixture, home: &Path, scratch: &Path, tag: &str) -> Outcome {
    let out_path = scratch.join(format!("{}.{tag}.out", fx.name));
    let _ = fs::remove_file(&out_path);
    let uses_out = fx.args.iter().any(|a| a.contains("$OUT"));
    let args: Vec<String> = fx
        .args
        .iter()
        .map(|a| a.replace("$OUT", &out_path.to_string_lossy()))
        .collect();
    let stdout_path = scratch.join(format!("{}.{tag}.stdout", fx.name));
    let stderr_path = scratch.join(format!("{}.{tag}.stderr", fx.name));
    let spawn = || -> std::io::Result<Option<i32>> {
        let mut cmd = Command::new(bin);
        cmd.args(&args)
            .current_dir(&fx.cwd)
            .env_clear()
            .env("PATH", FIXED_PATH)
            .env("HOME", home)
            .stdin(match &fx.stdin {
                Some(path) => Stdio::from(fs::File::open(path)?),
                None => Stdio::null(),
            })
            .stdout(fs::File::create(&stdout_path)?)
            .stderr(fs::File::create(&stderr_path)?);
        for (k, v) in &fx.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn()?;
        let start = Instant::now();
        loop {
            if let Some(st) = child.try_wait()? {
                return Ok(st.code());
            }
            if start.elapsed() > TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(Some(-999));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    let status = match spawn() {
        Ok(s) => s,
        Err(e) => {
            return Outcome {
                status: Some(-998),
                stdout: String::new(),
                stderr: format!("harness: cannot run {}: {e}", bin.display()),
                out_file: None,
            }
        }
    };
    let read = |p: &Path| {
        fs::read(p)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    Outcome {
        status,
        stdout: read(&stdout_path),
        stderr: read(&stderr_path),
        out_file: if uses_out {
            fs::read(&out_path)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        } else {
            None
        },
    }
}

/// Extracts and unescapes the `msg="..."` of a logrus text line, with its level.
fn logrus(line: &str) -> Option<(&str, String)> {
    if !line.starts_with("time=") {
        return None;
    }
    let level_at = line.find(" level=")? + " level=".len();
    let level = line[level_at..].split(' ').next()?;
    let msg_at = line.find(" msg=")? + " msg=".len();
    let raw = &line[msg_at..];
    let msg = if let Some(quoted) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = quoted.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(o) => out.push(o),
                    None => break,
                },
                '"' => break,
                _ => out.push(c),
            }
        }
        out
    } else {
        raw.split(' ').next().unwrap_or("").to_string()
    };
    Some((level, msg))
}

/// The reference's main error line (see the module docs).
fn main_error_line(stderr: &str) -> Option<String> {
    for line in stderr.lines() {
        if line.trim().is_empty() {
            continue;
        }
        match logrus(line) {
            Some((level, msg)) if level == "error" || level == "fatal" => {
                return msg.lines().next().map(str::to_string)
            }
            Some(_) => continue,
            None => return Some(line.to_string()),
        }
    }
    None
}

/// The longest `": "`-separated segment of the main error line.
fn key_part(line: &str) -> String {
    let key = line
        .split(": ")
        .map(|s| s.trim().trim_end_matches(':').trim())
        .max_by_key(|s| s.len())
        .unwrap_or("");
    if key.is_empty() {
        line.trim().to_string()
    } else {
        key.to_string()
    }
}

fn sorted_lines(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.lines().collect();
    v.sort_unstable();
    v
}

/// A small line diff (LCS) printed as `-expected` / `+actual` with two lines of context.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let (n, m) = (a.len(), b.len());
    if n * m > 4_000_000 {
        return format!("(outputs too long to diff: {n} vs {m} lines)\n");
    }
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // (kind, text): ' ' same, '-' only expected, '+' only actual
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            ops.push(('+', b[j]));
            j += 1;
        } else {
            ops.push(('-', a[i]));
            i += 1;
        }
    }
    let near_change = |k: usize| {
        let lo = k.saturating_sub(2);
        let hi = (k + 2).min(ops.len() - 1);
        (lo..=hi).any(|x| ops[x].0 != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, (kind, text)) in ops.iter().enumerate() {
        if near_change(k) {
            if skipped {
                out.push_str("    ...\n");
                skipped = false;
            }
            let _ = writeln!(out, "  {kind} {text}");
        } else {
            skipped = true;
        }
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        let _ = writeln!(
            out,
            "  (trailing newline: reference {}, berth {})",
            expected.ends_with('\n'),
            actual.ends_with('\n')
        );
    }
    out
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    | {l}\n")).collect()
}

/// Compares the two outcomes; returns the list of problems (empty when they agree).
fn compare(fx: &Fixture, reference: &Outcome, berth: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    if reference.status != berth.status {
        problems.push(format!(
            "exit status: reference {:?}, berth {:?}\n  berth stderr:\n{}",
            reference.status,
            berth.status,
            indent(&berth.stderr)
        ));
    }
    let same_stdout = if fx.unordered {
        sorted_lines(&reference.stdout) == sorted_lines(&berth.stdout)
    } else {
        reference.stdout == berth.stdout
    };
    if !same_stdout {
        problems.push(format!(
            "stdout differs{} (- reference, + berth):\n{}",
            if fx.unordered {
                " as a sorted set of lines"
            } else {
                ""
            },
            diff(&reference.stdout, &berth.stdout)
        ));
    }
    if reference.out_file != berth.out_file {
        problems.push(format!(
            "-o file differs (- reference, + berth):\n{}",
            diff(
                reference.out_file.as_deref().unwrap_or("<no file>"),
                berth.out_file.as_deref().unwrap_or("<no file>")
            )
        ));
    }
    if let Some(want) = &fx.expect_stderr {
        if !reference.stderr.contains(want.as_str()) {
            problems.push(format!(
                "fixture is stale: the reference's stderr lacks expect-stderr {want:?}:\n{}",
                indent(&reference.stderr)
            ));
        }
        if !berth.stderr.contains(want.as_str()) {
            problems.push(format!(
                "berth's stderr lacks expect-stderr {want:?}:\n{}",
                indent(&berth.stderr)
            ));
        }
    } else if reference.status != Some(0) {
        match main_error_line(&reference.stderr) {
            None => problems.push("the reference failed with an empty stderr".to_string()),
            Some(line) => {
                let key = key_part(&line);
                if berth.stderr.trim().is_empty() {
                    problems.push(format!(
                        "berth's stderr is empty; the reference said: {line}"
                    ));
                } else if !berth.stderr.contains(&key) {
                    problems.push(format!(
                        "error message: berth's stderr lacks {key:?}\n  reference: {line}\n  berth stderr:\n{}",
                        indent(&berth.stderr)
                    ));
                }
            }
        }
    }
    problems
}

fn reference_binary() -> PathBuf {
    let path = std::env::var_os("BERTH_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_REFERENCE));
    assert!(
        path.is_file(),
        "differential: the reference docker compose binary was not found at {} \
         (set BERTH_REFERENCE to the docker compose v2.40.3 binary); this test never skips",
        path.display()
    );
    path
}

#[test]
fn differential() {
    let reference = reference_binary();
    let berth = std::env::var_os("BERTH_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_berth")));
    let filter = std::env::var("BERTH_FIXTURE").unwrap_or_default();

    let root = fixtures_root();
    let all: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("differential: cannot list {}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    let mut dirs: Vec<PathBuf> = all
        .iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(&filter))
        })
        .cloned()
        .collect();
    dirs.sort();
    assert!(
        !dirs.is_empty(),
        "differential: no fixture under {} matches BERTH_FIXTURE={filter:?}",
        root.display()
    );
    let fixtures: Vec<Fixture> = dirs
        .iter()
        .map(|d| load_fixture(d).unwrap_or_else(|e| panic!("differential: {e}")))
        .collect();

    let tmp = tempfile::tempdir().expect("temporary directory");
    let home = tmp.path().join("home");
    let scratch = tmp.path().join("scratch");
    fs::create_dir_all(&home).expect("create HOME");
    fs::create_dir_all(&scratch).expect("create scratch dir");

    let jobs = std::env::var("BERTH_JOBS")
        .ok()
        .and_then(|j| j.parse::<usize>().ok())
        .filter(|&j| j > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get().min(4))
                .unwrap_or(2)
        });
    let next = AtomicUsize::new(0);
    let failures: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(fx) = fixtures.get(i) else { break };
                let r = run_tool(&reference, fx, &home, &scratch, "reference");
                let b = run_tool(&berth, fx, &home, &scratch, "berth");
                let problems = compare(fx, &r, &b);
                if !problems.is_empty() {
                    let mut report = format!(
                        "=== {} ===\n  args: {}\n",
                        fx.name,
                        shell_words::join(&fx.args)
                    );
                    if fx.cwd != fx.dir {
                        let _ = writeln!(report, "  cwd: {}", fx.cwd.display());
                    }
                    if !fx.env.is_empty() {
                        let env: Vec<String> =
                            fx.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        let _ = writeln!(report, "  env: {}", env.join(" "));
                    }
                    for p in problems {
                        let _ = writeln!(report, "  {p}");
                    }
                    failures
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, report));
                }
            });
        }
    });

    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    failures.sort_by_key(|(i, _)| *i);
    // What the environment changed is said with the result, so a narrowed run is not
    // mistaken for the whole corpus.
    let mut knobs = Vec::new();
    if !filter.is_empty() {
        knobs.push(format!(
            "BERTH_FIXTURE={filter:?}: {} of {} fixtures",
            fixtures.len(),
            all.len()
        ));
    }
    if std::env::var_os("BERTH_BIN").is_some() {
        knobs.push(format!("BERTH_BIN={}", berth.display()));
    }
    let summary = format!(
        "differential: {} passed, {} failed{}",
        fixtures.len() - failures.len(),
        failures.len(),
        if knobs.is_empty() {
            String::new()
        } else {
            format!(" ({})", knobs.join(", "))
        }
    );
    if !failures.is_empty() {
        let mut report = String::new();
        for (_, f) in &failures {
            report.push_str(f);
            report.push('\n');
        }
        panic!("\n{report}{summary}");
    }
    // The summary goes to the test's captured output (shown with --nocapture).
    #[allow(clippy::print_stdout)]
    {
        println!("{summary}");
    }
}

/// The golden files of berth-model's tests (`crates/berth-model/tests/golden/`) are what
/// the reference prints for their inputs today: `scripts/model-golden.sh --check` makes them
/// again from the reference and fails on any difference.
#[test]
fn model_goldens_are_the_references_output() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/model-golden.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg("--check")
        .env("BERTH_REFERENCE", reference_binary())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} --check failed ({:?}):\n{}",
        script.display(),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(test)]
mod rules {
    use super::*;

    #[test]
    fn main_line_skips_warnings_and_unframes_errors() {
        let stderr = "time=\"2026-01-01T00:00:00Z\" level=warning msg=\"The \\\"X\\\" variable is not set.\"\nservice \"s\" refers to undefined network nope: invalid compose project\n";
        assert_eq!(
            main_error_line(stderr).as_deref(),
            Some("service \"s\" refers to undefined network nope: invalid compose project")
        );
        let framed = "time=\"t\" level=fatal msg=\"boom: \\\"quoted\\\" part\"\n";
        assert_eq!(
            main_error_line(framed).as_deref(),
            Some("boom: \"quoted\" part")
        );
    }

    #[test]
    fn key_part_is_longest_segment() {
        assert_eq!(
            key_part("validating /a/compose.yaml: services.s.ports must be a array"),
            "services.s.ports must be a array"
        );
        assert_eq!(
            key_part("yaml: line 5: did not find expected ',' or ']'"),
            "did not find expected ',' or ']'"
        );
        assert_eq!(key_part("Circular reference:"), "Circular reference");
    }

    #[test]
    fn diff_marks_changes() {
        let d = diff("a\nb\nc\n", "a\nx\nc\n");
        assert!(d.contains("  - b\n"), "{d}");
        assert!(d.contains("  + x\n"), "{d}");
    }
}
