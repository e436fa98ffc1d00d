//! Benchmark: printing a project of 500, 1000 and 2000 services as YAML and as JSON (what
//! the test `five_hundred_services_print_as_their_parts_in_order` checks by its output,
//! timed). Prints each size's median and its ratio to the previous size's, about 2 while
//! printing stays linear. A benchmark, not a test: it bounds no time. Run with
//! `cargo bench -p berth-model --bench emit` or `scripts/bench-model.sh`.

// A benchmark reports on stdout.
#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use berth_model::emit::{to_json, to_yaml};
use berth_model::{Map, Value};

const RUNS: usize = 21;

/// The same project as the test's: each service an image, 20 variables and a command.
fn project(services: usize) -> Value {
    let mut all = Map::default();
    for i in 0..services {
        let mut env = Map::default();
        for j in 0..20 {
            env.insert(format!("VAR_{j}"), Value::from(format!("value {i} {j}")));
        }
        let mut s = Map::default();
        s.insert("image".into(), Value::from("busybox"));
        s.insert("environment".into(), Value::Map(env));
        s.insert(
            "command".into(),
            Value::Seq(vec!["sh".into(), "-c".into(), "sleep 1".into()]),
        );
        all.insert(format!("s{i}"), Value::Map(s));
    }
    let mut p = Map::default();
    p.insert("name".into(), Value::from("big"));
    p.insert("services".into(), Value::Map(all));
    Value::Map(p)
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
    let projects: Vec<Value> = sizes.iter().map(|&n| project(n)).collect();
    let index = |n: usize| sizes.iter().position(|&s| s == n).unwrap();
    println!("emit, medians of {RUNS} rounds:");
    let yaml = medians(&sizes, |n| {
        let p = &projects[index(n)];
        let start = Instant::now();
        black_box(to_yaml(black_box(p)));
        start.elapsed()
    });
    println!("  yaml: {}", report(&sizes, &yaml));
    let json = medians(&sizes, |n| {
        let p = &projects[index(n)];
        let start = Instant::now();
        black_box(to_json(black_box(p)).unwrap());
        start.elapsed()
    });
    println!("  json: {}", report(&sizes, &json));
}
