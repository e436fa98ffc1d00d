//! Phase environment: after `paths`, resolves bare `KEY` entries of service `environment`
//! lists, and secrets/configs sourced from an `environment` variable, against the project
//! environment (compose-go `loader.ResolveEnvironment`).
//!
//! Input: the merged canonical dict. `environment` maps are left for `normalise`, which
//! resolves their null values.

use berth_model::{Map, Value};
use indexmap::IndexMap;

/// Where compose keeps a secret's value read from the environment (`types.SecretConfigXValue`).
pub const SECRET_VALUE_KEY: &str = "x-#value";

/// Resolves bare `KEY` environment entries and environment-sourced secrets and configs.
pub fn resolve_environment(dict: &mut Value, env: &IndexMap<String, String>) {
    let Some(root) = dict.as_map_mut() else {
        return;
    };
    if let Some(Value::Map(services)) = root.get_mut("services") {
        for service in services.values_mut() {
            if let Some(Value::Seq(entries)) = service.get_mut("environment") {
                resolve_list(entries, env);
            }
        }
    }
    resolve_file_objects(root, "secrets", SECRET_VALUE_KEY, env);
    resolve_file_objects(root, "configs", "content", env);
}

/// `KEY` becomes `KEY=value` when the environment has it; `KEY=value` entries never match
/// (the whole entry is looked up, as compose-go does), and non-strings are dropped.
fn resolve_list(entries: &mut Vec<Value>, env: &IndexMap<String, String>) {
    *entries = std::mem::take(entries)
        .into_iter()
        .filter_map(|entry| match entry {
            Value::String(key) => Some(Value::String(match env.get(&key) {
                Some(found) => format!("{key}={found}"),
                None => key,
            })),
            _ => None,
        })
        .collect();
}

fn resolve_file_objects(
    root: &mut Map,
    section: &str,
    target_key: &str,
    env: &IndexMap<String, String>,
) {
    let Some(Value::Map(objects)) = root.get_mut(section) else {
        return;
    };
    for object in objects.values_mut() {
        let Some(obj) = object.as_map_mut() else {
            continue;
        };
        let Some(var) = obj.get("environment").and_then(Value::as_str) else {
            continue;
        };
        if let Some(found) = env.get(var) {
            obj.insert(target_key.to_string(), found.clone().into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phases::canonical::tests::v;
    use serde_json::json;

    fn env() -> IndexMap<String, String> {
        [("A", "a"), ("EMPTY", "")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    // The reference (A=a EMPTY=) printed A: a, B: b, EMPTY: "", UNSET: null.
    #[test]
    fn bare_keys_resolve_from_the_project_env() {
        let mut dict = v(json!({
            "services": {"s": {"environment": ["A", "B=b", "UNSET", "EMPTY", "A=x"]},
                         "m": {"environment": {"A": null}}},
            "secrets": {"sx": {"environment": "A"}, "sy": {"file": "/f"}},
            "configs": {"cx": {"environment": "A"}, "cy": {"environment": "UNSET"}},
        }));
        resolve_environment(&mut dict, &env());
        assert_eq!(
            dict,
            v(json!({
                "services": {"s": {"environment": ["A=a", "B=b", "UNSET", "EMPTY=", "A=x"]},
                             "m": {"environment": {"A": null}}},
                "secrets": {"sx": {"environment": "A", "x-#value": "a"}, "sy": {"file": "/f"}},
                "configs": {"cx": {"environment": "A", "content": "a"},
                            "cy": {"environment": "UNSET"}},
            }))
        );
    }
}
