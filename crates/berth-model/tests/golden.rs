//! Golden tests: the reference's own `config --format json` output, read back as a dict and
//! bound with `decode`, must print byte-for-byte what the reference printed (YAML and JSON),
//! and hash to what `config --hash '*'` printed.

use berth_model::emit::{to_json, to_yaml};
use berth_model::hash::service_hash;
use berth_model::shape::decode;
use berth_model::Value;
use pretty_assertions::assert_eq;
use std::path::Path;

fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(a) => Value::Seq(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            Value::Map(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
}

fn check(dir: &str) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(dir);
    let read = |f: &str| std::fs::read_to_string(base.join(f)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&read("ref.json")).unwrap();
    let typed = decode(&from_json(&json)).unwrap();
    assert_eq!(to_json(&typed), read("ref.json"));
    assert_eq!(to_yaml(&typed), read("ref.yaml"));
    let services = typed.get("services").and_then(Value::as_map).unwrap();
    let mut hashes = String::new();
    let mut names: Vec<_> = services.keys().collect();
    names.sort();
    for name in names {
        hashes.push_str(&format!(
            "{} {}\n",
            name,
            service_hash(&services[name.as_str()])
        ));
    }
    assert_eq!(hashes, read("ref.hash"));
}

#[test]
fn golden_g1() {
    check("g1");
}
