//! Phase defaults: once all files are merged and canonical, fills the defaults compose-go's
//! `transform.SetDefaultValues` adds (port mode/protocol, build context, secret targets,
//! device request counts). Input: the merged canonical dict; runs before `paths`.

use super::tree::{Path, RuleTree, LIST_ITEM};
use berth_model::golang::type_name;
use berth_model::{Map, Value};

/// Why defaults could not be set (compose-go's wording).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DefaultsError {
    #[error("{path}: unsupported type {go_type}")]
    UnsupportedType { path: String, go_type: &'static str },
    #[error("{path}: invalid type {go_type} for device request")]
    DeviceRequest { path: String, go_type: &'static str },
}

type Rule = fn(Value, &Path) -> Result<Value, DefaultsError>;

/// Which default owns which path; like the canonical table, no path matches two patterns.
const DEFAULTS: &[(&str, Rule)] = &[
    ("services.*.build", default_build_context),
    ("services.*.secrets.*", default_secret_mount),
    ("services.*.ports.*", port_defaults),
    (
        "services.*.deploy.resources.reservations.devices.*",
        device_request_defaults,
    ),
    ("services.*.gpus.*", device_request_defaults),
];

/// Sets the default values of attributes left out of the (canonical) model.
pub fn set_default_values(dict: Value) -> Result<Value, DefaultsError> {
    set_defaults(dict, &Path::root())
}

fn set_defaults(data: Value, p: &Path) -> Result<Value, DefaultsError> {
    static TREE: std::sync::LazyLock<RuleTree<Rule>> =
        std::sync::LazyLock::new(|| RuleTree::new(DEFAULTS));
    if let Some(rule) = TREE.at(p) {
        return rule(data, p);
    }
    if !TREE.below(p) {
        return Ok(data);
    }
    Ok(match data {
        Value::Map(m) => Value::Map(
            m.into_iter()
                .map(|(k, v)| {
                    let child = p.next(&k);
                    set_defaults(v, &child).map(|v| (k, v))
                })
                .collect::<Result<Map, _>>()?,
        ),
        Value::Seq(items) => {
            let child = p.next(LIST_ITEM);
            Value::Seq(
                items
                    .into_iter()
                    .map(|v| set_defaults(v, &child))
                    .collect::<Result<_, _>>()?,
            )
        }
        other => other,
    })
}

fn default_build_context(data: Value, _: &Path) -> Result<Value, DefaultsError> {
    Ok(match data {
        Value::Map(mut m) => {
            m.entry("context".to_string()).or_insert(".".into());
            Value::Map(m)
        }
        other => other,
    })
}

fn default_secret_mount(data: Value, p: &Path) -> Result<Value, DefaultsError> {
    match data {
        Value::Map(mut m) => {
            if !m.contains_key("target") {
                // Go formats a missing source as `%!s(<nil>)`; the schema requires one.
                let source = match m.get("source") {
                    Some(v) => v.scalar_to_string().unwrap_or_default(),
                    None => "%!s(<nil>)".to_string(),
                };
                m.insert("target".into(), format!("/run/secrets/{source}").into());
            }
            Ok(Value::Map(m))
        }
        other => Err(DefaultsError::UnsupportedType {
            path: p.to_string(),
            go_type: type_name(&other),
        }),
    }
}

fn port_defaults(data: Value, _: &Path) -> Result<Value, DefaultsError> {
    Ok(match data {
        Value::Map(mut m) => {
            m.entry("protocol".to_string()).or_insert("tcp".into());
            m.entry("mode".to_string()).or_insert("ingress".into());
            Value::Map(m)
        }
        other => other,
    })
}

/// A device request naming neither a count nor device ids asks for all devices.
fn device_request_defaults(data: Value, p: &Path) -> Result<Value, DefaultsError> {
    match data {
        Value::Map(mut m) => {
            if !m.contains_key("count") && !m.contains_key("device_ids") {
                m.insert("count".into(), "all".into());
            }
            Ok(Value::Map(m))
        }
        // compose-go prints the typed nil of the failed assertion here.
        _ => Err(DefaultsError::DeviceRequest {
            path: p.to_string(),
            go_type: "map[string]interface {}",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phases::canonical::tests::v;
    use crate::phases::tree::overlapping_patterns;
    use serde_json::json;

    #[test]
    fn no_path_matches_two_rules() {
        assert_eq!(overlapping_patterns(DEFAULTS), vec![]);
    }

    // Checked against the reference: long-form ports get mode/protocol, secrets a target
    // under /run/secrets, build a "." context, and device requests `count: all` (printed -1).
    #[test]
    fn fills_defaults() {
        let out = set_default_values(v(json!({"services": {"s": {
            "build": {"dockerfile": "D"},
            "ports": [{"target": 80}, {"target": 81, "protocol": "udp", "mode": "host"}],
            "secrets": [{"source": "s1"}, {"source": "s2", "target": "/x"}],
            "configs": [{"source": "c1"}],
            "gpus": [{"driver": "nvidia"}, {"count": 2}],
            "deploy": {"resources": {"reservations": {"devices": [{"capabilities": ["gpu"]},
                {"device_ids": ["0"]}]}}},
        }}})))
        .unwrap();
        assert_eq!(
            out,
            v(json!({"services": {"s": {
                "build": {"dockerfile": "D", "context": "."},
                "ports": [{"target": 80, "protocol": "tcp", "mode": "ingress"},
                          {"target": 81, "protocol": "udp", "mode": "host"}],
                "secrets": [{"source": "s1", "target": "/run/secrets/s1"},
                            {"source": "s2", "target": "/x"}],
                "configs": [{"source": "c1"}],
                "gpus": [{"driver": "nvidia", "count": "all"}, {"count": 2}],
                "deploy": {"resources": {"reservations": {"devices": [
                    {"capabilities": ["gpu"], "count": "all"}, {"device_ids": ["0"]}]}}},
            }}}))
        );
    }
}
