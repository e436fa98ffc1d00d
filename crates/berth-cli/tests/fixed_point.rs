//! Property: what `config` prints, loaded again, prints the same — as with the reference.
//!
//! Random compose models are generated from the attributes' short and long syntaxes, loaded
//! through the whole pipeline and rendered; the rendering is then loaded and rendered again.

mod common;

use proptest::prelude::*;

fn render(dir: &std::path::Path, content: &str) -> Result<String, String> {
    std::fs::write(dir.join("compose.yaml"), content).map_err(|e| e.to_string())?;
    let project = common::load_in(dir, Default::default()).map_err(|e| e.to_string())?;
    Ok(berth_model::emit::escape_dollars(
        &berth_model::emit::to_yaml(&project.model),
    ))
}

fn service() -> impl Strategy<Value = String> {
    let image = prop::sample::select(vec!["busybox", "nginx:1.25", "example.org/app:v1"]);
    let ports = prop::collection::vec(
        prop::sample::select(vec![
            "\"8080:80\"",
            "\"127.0.0.1:9000:9000/udp\"",
            "3000",
            "\"5000-5001:5000-5001\"",
            "{target: 81, published: \"8081\", protocol: tcp}",
        ]),
        0..3,
    );
    let env = prop::collection::btree_map("[A-Z]{1,4}", "[a-z0-9 ]{0,6}", 0..3);
    let command = prop::sample::select(vec![
        "",
        "command: echo hi",
        "command: [\"sh\", \"-c\", \"sleep 1\"]",
    ]);
    let extra = prop::sample::select(vec![
        "",
        "healthcheck: {test: \"true\", interval: 90s}",
        "mem_limit: 64m",
        "restart: always",
        "volumes: [\"./data:/data:ro\", \"cache:/cache\"]",
        "tmpfs: /run",
        "labels: [a=b, c]",
        "stop_grace_period: 1m30s",
        "ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 65535}",
    ]);
    (image, ports, env, command, extra).prop_map(|(image, ports, env, command, extra)| {
        let mut s = format!("    image: {image}\n");
        if !ports.is_empty() {
            s.push_str(&format!("    ports: [{}]\n", ports.join(", ")));
        }
        if !env.is_empty() {
            s.push_str("    environment:\n");
            for (k, v) in env {
                s.push_str(&format!("      {k}: \"{v}\"\n"));
            }
        }
        for line in [command, extra] {
            if !line.is_empty() {
                s.push_str(&format!("    {line}\n"));
            }
        }
        s
    })
}

fn project() -> impl Strategy<Value = String> {
    prop::collection::vec(service(), 1..4).prop_map(|services| {
        let mut s = String::from("services:\n");
        for (i, body) in services.iter().enumerate() {
            s.push_str(&format!("  s{i}:\n{body}"));
        }
        s.push_str("volumes:\n  cache: {}\n");
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn config_output_is_a_fixed_point(content in project()) {
        let dir = tempfile::tempdir().unwrap();
        let first = render(dir.path(), &content).map_err(TestCaseError::fail)?;
        let second = render(dir.path(), &first).map_err(TestCaseError::fail)?;
        prop_assert_eq!(first, second);
    }
}
