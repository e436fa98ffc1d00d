//! Canonical-form tests; expected shapes are what the reference printed for the same input
//! (`docker compose config` v2.40.3 in /tmp/transform-a and -b), before typing and printing.

use super::*;
use serde_json::json;

/// Builds a model value from JSON (objects keep their order); shared by the phases' tests.
pub(crate) fn v(j: serde_json::Value) -> Value {
    Value::from(j)
}

fn service(body: serde_json::Value) -> Value {
    canonical(v(json!({"services": {"web": body}})), false).unwrap()
}

fn web(out: &Value) -> &Value {
    out.get("services").and_then(|s| s.get("web")).unwrap()
}

#[test]
fn no_path_matches_two_transformers() {
    assert_eq!(
        crate::phases::tree::overlapping_patterns(TRANSFORMERS),
        vec![]
    );
}

#[test]
fn ports_long_form_and_ranges() {
    let out = service(
        json!({"ports": ["3000-3001:3000-3001", "127.0.0.1::80", 7000,
        {"target": 1, "published": "2"}]}),
    );
    assert_eq!(
        web(&out).get("ports"),
        Some(&v(json!([
            {"mode": "ingress", "target": 3000, "published": "3000", "protocol": "tcp"},
            {"mode": "ingress", "target": 3001, "published": "3001", "protocol": "tcp"},
            {"mode": "ingress", "host_ip": "127.0.0.1", "target": 80, "protocol": "tcp"},
            {"mode": "ingress", "target": 7000, "protocol": "tcp"},
            {"target": 1, "published": "2"},
        ])))
    );
}

#[test]
fn bad_port_is_an_error_unless_ignored() {
    let dict = v(json!({"services": {"web": {"ports": ["abc"]}}}));
    assert_eq!(
        canonical(dict.clone(), false).unwrap_err().to_string(),
        "invalid containerPort: abc"
    );
    let kept = canonical(dict, true).unwrap();
    assert_eq!(web(&kept).get("ports"), Some(&v(json!(["abc"]))));
}

#[test]
fn volumes_short_syntax() {
    let out = service(
        json!({"volumes": ["data:/data:nocopy", "./src:/src:ro,z", "/anon",
        {"type": "bind", "source": "rel", "target": "/rel"}]}),
    );
    assert_eq!(
        web(&out).get("volumes"),
        Some(&v(json!([
            {"type": "volume", "source": "data", "target": "/data", "volume": {"nocopy": true}},
            {"type": "bind", "source": "./src", "target": "/src", "read_only": true,
             "bind": {"selinux": "z", "create_host_path": true}},
            {"type": "volume", "target": "/anon", "volume": {}},
            {"type": "bind", "source": "rel", "target": "/rel"},
        ])))
    );
    assert_eq!(
        canonical(v(json!({"services": {"w": {"volumes": [""]}}})), false)
            .unwrap_err()
            .to_string(),
        "invalid empty volume spec"
    );
}

#[test]
fn string_and_list_forms_become_maps() {
    let out = service(json!({
        "build": "./app",
        "depends_on": ["db", "cache"],
        "networks": ["front", "back"],
        "secrets": ["s1"],
        "configs": ["c1", {"source": "c2", "target": "/c2"}],
        "env_file": "a.env",
        "extends": "base",
        "dns": "8.8.8.8",
        "label_file": "l.txt",
        "gpus": "all",
        "devices": ["/dev/sda:/dev/xvda:rwm", "/dev/null"],
        "ulimits": {"nofile": 1024, "nproc": {"soft": 1, "hard": 2}},
    }));
    assert_eq!(
        web(&out),
        &v(json!({
            "build": {"context": "./app"},
            "depends_on": {
                "db": {"condition": "service_started", "required": true},
                "cache": {"condition": "service_started", "required": true},
            },
            "networks": {"front": null, "back": null},
            "secrets": [{"source": "s1"}],
            "configs": [{"source": "c1"}, {"source": "c2", "target": "/c2"}],
            "env_file": [{"path": "a.env", "required": true}],
            "extends": {"service": "base"},
            "dns": ["8.8.8.8"],
            "label_file": ["l.txt"],
            "gpus": [{"count": "all"}],
            "devices": [
                {"source": "/dev/sda", "target": "/dev/xvda", "permissions": "rwm"},
                {"source": "/dev/null", "target": "/dev/null", "permissions": "rwm"},
            ],
            "ulimits": {"nofile": 1024, "nproc": {"soft": 1, "hard": 2}},
        }))
    );
}

#[test]
fn env_file_list_and_depends_on_map_get_defaults() {
    let out = service(json!({
        "env_file": ["a.env", {"path": "b.env", "required": false}, {"path": "c.env"}],
        "depends_on": {"db": {"condition": "service_healthy"}},
    }));
    assert_eq!(
        web(&out).get("env_file"),
        Some(&v(json!([
            {"path": "a.env", "required": true},
            {"path": "b.env", "required": false},
            {"path": "c.env", "required": true},
        ])))
    );
    assert_eq!(
        web(&out).get("depends_on"),
        Some(&v(
            json!({"db": {"condition": "service_healthy", "required": true}})
        ))
    );
}

#[test]
fn build_ssh_contexts_and_provenance() {
    let out = service(json!({"build": {
        "context": ".",
        "ssh": ["default", "key=/path"],
        "additional_contexts": ["a=../a", "b=docker-image://x"],
        "provenance": true,
        "secrets": ["tok"],
        "ulimits": {"nofile": 5},
    }}));
    assert_eq!(
        web(&out).get("build"),
        Some(&v(json!({
            "context": ".",
            "ssh": {"default": null, "key": "/path"},
            "additional_contexts": {"a": "../a", "b": "docker-image://x"},
            "provenance": "true",
            "secrets": [{"source": "tok"}],
            "ulimits": {"nofile": 5},
        })))
    );
    let err = |body| {
        canonical(v(json!({"services": {"s": {"build": body}}})), false)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(json!({"context": ".", "ssh": ["foo"]})),
        "invalid ssh key \"foo\""
    );
    assert_eq!(
        err(json!({"context": ".", "additional_contexts": ["foo"]})),
        "services.s.build.additional_contexts: invalid value foo, expected key=value"
    );
}

#[test]
fn device_with_too_many_colons() {
    let dict = v(json!({"services": {"s": {"devices": ["a:b:c:d"]}}}));
    assert_eq!(
        canonical(dict, false).unwrap_err().to_string(),
        "confusing device mapping, please use long syntax: a:b:c:d"
    );
}

#[test]
fn external_name_is_adopted_with_a_warning() {
    let mut diags = Diagnostics::default();
    let out = canonical_with(
        v(json!({"networks": {"n": {"external": {"name": "real"}}, "m": null}})),
        false,
        &mut diags,
    )
    .unwrap();
    assert_eq!(
        out.get("networks"),
        Some(&v(
            json!({"n": {"external": true, "name": "real"}, "m": null})
        ))
    );
    assert_eq!(
        diags.warnings,
        vec!["networks.n: external.name is deprecated. Please set name and external: true"]
    );
    let conflict = v(json!({"volumes": {"d": {"name": "a", "external": {"name": "b"}}}}));
    assert_eq!(
        canonical(conflict, false).unwrap_err().to_string(),
        "volumes.d: name and external.name conflict; only use name"
    );
}

#[test]
fn include_strings_become_maps() {
    let out = canonical(
        v(json!({"include": ["a.yaml", {"path": ["b.yaml"]}]})),
        false,
    )
    .unwrap();
    assert_eq!(
        out.get("include"),
        Some(&v(json!([{"path": "a.yaml"}, {"path": ["b.yaml"]}])))
    );
}

#[test]
fn omit_empty_drops_blank_dns() {
    let out = omit_empty(v(
        json!({"services": {"s": {"dns": ["", "1.1.1.1"], "x": [""]}}}),
    ));
    assert_eq!(
        out,
        v(json!({"services": {"s": {"dns": ["1.1.1.1"], "x": [""]}}}))
    );
}
