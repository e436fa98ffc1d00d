//! Benchmark: schema validation of a valid file of 500, 1000 and 2000 services (what the
//! test `a_large_valid_project_is_checked_once_per_service` checks by counting, timed).
//! Prints each size's median and its ratio to the previous size's, about 2 while validation
//! stays linear. A benchmark, not a test: it bounds no time. Run with
//! `cargo bench -p berth-loader --bench validate` or `scripts/bench-model.sh`.

// A benchmark reports on stdout.
#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use berth_loader::phases::validate::validate_schema;
use berth_model::Value;

const RUNS: usize = 21;

/// The same file as the test's: every service with ports, environment, depends_on,
/// volumes, labels, a healthcheck and deploy.
fn services(n: usize) -> Value {
    let services: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#""svc{i}": {{"image": "nginx", "ports": ["{i}:80"], "environment": {{"A": "1"}},
                    "depends_on": ["svc0"], "volumes": ["./d:/d"], "labels": ["a=b"],
                    "healthcheck": {{"test": "true"}}, "deploy": {{"replicas": 1}}}}"#
            )
        })
        .collect();
    let json: serde_json::Value =
        serde_json::from_str(&format!(r#"{{"services": {{{}}}}}"#, services.join(","))).unwrap();
    Value::from(json)
}

/// Medians of `rounds` timings of `run` at each size; the sizes alternate within a round,
/// so a machine busy with something else slows them alike.
fn medians(sizes: &[usize], mut run: impl FnMut(usize) -> Duration) -> Vec<Duration> {
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); sizes.len()];
    for _ in 0..RUNS {
        for (i, &n) in sizes.iter().enumerate() {
            times[i].push(run(n));
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            t.sort();
            t[RUNS / 2]
        })
        .collect()
}

/// `500 services 1.2ms, 1000 services 2.4ms (x2.00), …`: each size's median, and its ratio
/// to the previous size's (2 while the cost grows linearly).
fn report(sizes: &[usize], times: &[Duration]) -> String {
    let mut parts = Vec::new();
    for (i, (n, t)) in sizes.iter().zip(times).enumerate() {
        let mut part = format!("{n} services {t:.3?}");
        if i > 0 {
            part.push_str(&format!(
                " (x{:.2})",
                t.as_secs_f64() / times[i - 1].as_secs_f64()
            ));
        }
        parts.push(part);
    }
    parts.join(", ")
}

fn main() {
    let sizes = [500, 1000, 2000];
    let files: Vec<Value> = sizes.iter().map(|&n| services(n)).collect();
    for file in &files {
        assert!(validate_schema(file).is_ok(), "the file is valid");
    }
    let index = |n: usize| sizes.iter().position(|&s| s == n).unwrap();
    let times = medians(&sizes, |n| {
        let file = &files[index(n)];
        let start = Instant::now();
        black_box(validate_schema(black_box(file)).is_ok());
        start.elapsed()
    });
    println!(
        "validate, medians of {RUNS} rounds: {}",
        report(&sizes, &times)
    );
}
