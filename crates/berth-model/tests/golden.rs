//! Golden tests: the reference's own `config --format json` output, read back as a dict and
//! bound with `decode`, must print byte-for-byte what the reference printed (YAML and JSON),
//! and hash to what `config --hash '*'` printed.
//!
//! Where the files come from: `scripts/model-golden.sh` runs the reference docker compose
//! on each case's inputs (`compose.yaml`, env files) and writes every other file of
//! `tests/golden/<case>/`; nothing here is written by hand. The berth-cli test
//! `model_goldens_are_the_references_output` (in `differential.rs`) runs it with `--check`
//! on every test run, so a golden file that is not what the reference prints fails there.

use berth_model::emit::{to_json, to_yaml};
use berth_model::hash::service_hash;
use berth_model::shape::decode;
use berth_model::Value;
use pretty_assertions::assert_eq;
use std::path::Path;

fn from_json(v: &serde_json::Value) -> Value {
    Value::from(v.clone())
}

fn check(dir: &str) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(dir);
    let read = |f: &str| std::fs::read_to_string(base.join(f)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&read("ref.json")).unwrap();
    let typed = decode(&from_json(&json)).unwrap();
    assert_eq!(to_json(&typed).unwrap(), read("ref.json"));
    assert_eq!(to_yaml(&typed), read("ref.yaml"));
    let services = typed.get("services").and_then(Value::as_map).unwrap();
    let mut hashes = String::new();
    let mut names: Vec<_> = services.keys().collect();
    names.sort();
    for name in names {
        hashes.push_str(&format!(
            "{} {}\n",
            name,
            service_hash(&services[name.as_str()]).unwrap()
        ));
    }
    assert_eq!(hashes, read("ref.hash"));
}

#[test]
fn golden_g1() {
    check("g1");
}

fn golden(dir: &str, file: &str) -> String {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(dir);
    std::fs::read_to_string(base.join(file)).unwrap()
}

#[test]
fn golden_g2_no_interpolate_prints_the_raw_model_sorted() {
    use berth_model::emit::{to_json_generic, to_yaml_generic};
    let json: serde_json::Value = serde_json::from_str(&golden("g2", "ni.json")).unwrap();
    let model = from_json(&json);
    assert_eq!(to_json_generic(&model).unwrap(), golden("g2", "ni.json"));
    assert_eq!(to_yaml_generic(&model), golden("g2", "ni.yaml"));
}

#[test]
fn golden_g2_extensions_ulimit_zero_and_dollars() {
    use berth_model::emit::escape_dollars;
    let json: serde_json::Value = serde_json::from_str(&golden("g2", "ne.json")).unwrap();
    let mut raw = from_json(&json);
    // The JSON form drops extensions (json:"-"): put them back as the loader has them.
    let mut xsvc = berth_model::Map::default();
    xsvc.insert("z".into(), Value::Int(1));
    xsvc.insert("a".into(), Value::from("yes"));
    raw.get_mut("services")
        .and_then(|s| s.get_mut("app"))
        .and_then(Value::as_map_mut)
        .unwrap()
        .insert("x-svc".into(), Value::Map(xsvc));
    raw.get_mut("networks")
        .and_then(|s| s.get_mut("n1"))
        .and_then(Value::as_map_mut)
        .unwrap()
        .insert("x-net".into(), Value::Int(1));
    // The loader's dict holds the unescaped value.
    let cmd = raw
        .get_mut("services")
        .and_then(|s| s.get_mut("app"))
        .unwrap();
    cmd.as_map_mut().unwrap().insert(
        "command".into(),
        Value::Seq(vec!["echo".into(), "$HOME".into()]),
    );
    let typed = decode(&raw).unwrap();
    assert_eq!(escape_dollars(&to_yaml(&typed)), golden("g2", "ne.yaml"));
    assert_eq!(
        escape_dollars(&to_json(&typed).unwrap()),
        golden("g2", "ne.json")
    );
    // `config --hash` skips env_file resolution: hash the service as it was declared.
    let mut app = typed
        .get("services")
        .and_then(|s| s.get("app"))
        .unwrap()
        .clone();
    let m = app.as_map_mut().unwrap();
    let mut env = berth_model::Map::default();
    env.insert("X".into(), Value::from("1"));
    m.insert("environment".into(), Value::Map(env));
    let mut a = berth_model::Map::default();
    a.insert("path".into(), Value::from("/tmp/mref/g2/a.env"));
    a.insert("required".into(), Value::Bool(true));
    let mut b = berth_model::Map::default();
    b.insert("path".into(), Value::from("/tmp/mref/g2/b.env"));
    b.insert("required".into(), Value::Bool(false));
    b.insert("format".into(), Value::from("raw"));
    m.insert(
        "env_file".into(),
        Value::Seq(vec![Value::Map(a), Value::Map(b)]),
    );
    assert_eq!(
        format!("app {}\n", service_hash(&app).unwrap()),
        golden("g2", "ne.hash")
    );
}
