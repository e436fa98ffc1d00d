//! Plan fixtures: `berth plan --replay` on every case of `tests/fixtures/plans/` prints the
//! case's `plan.txt` byte for byte, and exits 2 when that plan changes something, 0 when it
//! says "Nothing to change.". No engine is needed: the engine's answers are the case's
//! `observed.json`.
//!
//! `scripts/record-plans.sh` regenerates the fixtures (`observed.json` and `plan.txt`) from
//! the engine and the reference docker compose: for each case it brings `before.yaml` up with
//! the reference, runs `setup.sh` (what changes behind compose's back), records
//! `berth plan --record observed.json <args>` on `compose.yaml`, and takes everything down.
//! `plan.txt` is a golden file: review its diff against what the reference does for the same
//! change (`scripts/record-plans.sh --reference <case>` shows both).
//!
//! A case folder holds `compose.yaml`, `args` (one line: the verb and its flags),
//! `observed.json` and `plan.txt`, and may hold `before.yaml`, `pre.sh`, `setup.sh`,
//! `cleanup.sh` and `.env`. The project is `berthplan-<case>`.
//!
//! `BERTH_PLAN_CASE`: only the cases whose folder name contains this substring (not
//! `BERTH_FIXTURE`, which selects the differential test's fixtures).

// The harness is configured by its own environment (BERTH_PLAN_CASE), as the differential
// test is.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The files every case has.
const REQUIRED: &[&str] = &["compose.yaml", "args", "observed.json", "plan.txt"];
/// The files a case may have besides (the inputs of scripts/record-plans.sh).
const OPTIONAL: &[&str] = &["before.yaml", "pre.sh", "setup.sh", "cleanup.sh", ".env"];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/plans")
}

/// The case folders, sorted, with `BERTH_PLAN_CASE` applied.
fn cases() -> Vec<PathBuf> {
    let root = corpus();
    let entries =
        fs::read_dir(&root).unwrap_or_else(|e| panic!("the plan fixtures {}: {e}", root.display()));
    let mut cases: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        !cases.is_empty(),
        "no case in {} (scripts/record-plans.sh records them)",
        root.display()
    );
    if let Ok(only) = std::env::var("BERTH_PLAN_CASE") {
        cases.retain(|c| name(c).contains(&only));
        assert!(
            !cases.is_empty(),
            "no plan fixture matches BERTH_PLAN_CASE={only}"
        );
    }
    cases
}

fn name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

/// The problems of one case's files: a required one missing, an unknown one (a misspelt
/// `setup.sh` would silently not run), `args` not one line.
fn layout_problems(dir: &Path) -> Vec<String> {
    let mut problems: Vec<String> = REQUIRED
        .iter()
        .filter(|f| !dir.join(f).is_file())
        .map(|f| format!("no {f}"))
        .collect();
    for entry in fs::read_dir(dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !REQUIRED.contains(&file.as_str()) && !OPTIONAL.contains(&file.as_str()) {
            problems.push(format!("unknown file {file}"));
        }
    }
    if let Ok(args) = fs::read_to_string(dir.join("args")) {
        if args.lines().count() != 1 || args.trim().is_empty() {
            problems.push(format!("args must be one line, not {args:?}"));
        }
    }
    problems
}

/// The exit status a plan's text calls for: its last line says whether it changes anything.
fn expected_status(plan: &str) -> Result<i32, String> {
    let last = plan.lines().last().unwrap_or_default();
    if last == "Nothing to change." {
        return Ok(0);
    }
    let changes = last == "1 step changes the engine."
        || last
            .strip_suffix(" steps change the engine.")
            .is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n > 1));
    if changes {
        Ok(2)
    } else {
        Err(format!(
            "plan.txt does not end with a plan's last line: {last:?}"
        ))
    }
}

/// Replays one case; `Err` says how it differs from its recording.
fn replay(dir: &Path, home: &Path) -> Result<(), String> {
    let problems = layout_problems(dir);
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let args = fs::read_to_string(dir.join("args")).unwrap();
    let expected = fs::read_to_string(dir.join("plan.txt")).unwrap();
    let status = expected_status(&expected)?;
    let compose = dir.join("compose.yaml");
    let observed = dir.join("observed.json");
    // No variable of the caller's steers berth (COMPOSE_*, DOCKER_HOST, a docker CLI config
    // with proxies, which would enter every container's environment): as when recorded.
    let out = common::engine::run(
        Command::new(common::engine::berth())
            .current_dir(dir)
            .env_clear()
            .env("HOME", home)
            .args(["-p", &format!("berthplan-{}", name(dir))])
            .arg("-f")
            .arg(&compose)
            .arg("plan")
            .arg("--replay")
            .arg(&observed)
            .args(args.split_whitespace()),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut failures = Vec::new();
    if stdout != expected {
        failures.push(format!(
            "stdout differs from plan.txt (left: plan.txt, right: the replay):\n{}",
            pretty_assertions::StrComparison::new(&expected, &stdout)
        ));
    }
    if out.status.code() != Some(status) {
        failures.push(format!(
            "exit status {:?}, not {status} as plan.txt calls for",
            out.status.code()
        ));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\nstderr:\n{stderr}", failures.join("\n")))
    }
}

#[test]
fn every_plan_fixture_replays_to_its_recorded_plan() {
    let home = tempfile::tempdir().unwrap();
    let cases = cases();
    let mut failed = Vec::new();
    for dir in &cases {
        if let Err(why) = replay(dir, home.path()) {
            failed.push(format!("== {}: {why}", name(dir)));
        }
    }
    // The count goes to the test's captured output (shown with --nocapture).
    #[allow(clippy::print_stdout)]
    {
        println!(
            "plan fixtures: {} passed, {} failed",
            cases.len() - failed.len(),
            failed.len()
        );
    }
    assert!(
        failed.is_empty(),
        "{} of {} plan fixtures differ from their recording (scripts/record-plans.sh \
         records them again; review the diff of plan.txt):\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

#[test]
fn a_plan_s_last_line_gives_its_exit_status() {
    assert_eq!(expected_status("  1. keep\nNothing to change.\n"), Ok(0));
    assert_eq!(expected_status("1 step changes the engine.\n"), Ok(2));
    assert_eq!(expected_status("12 steps change the engine.\n"), Ok(2));
    assert!(expected_status("").is_err());
    assert!(expected_status("1 steps change the engine.\n").is_err());
    assert!(expected_status("Error: no such service\n").is_err());
}
