//! Writers for the model as `docker compose config` prints it (YAML and JSON).
//! OWNER: model helper (replaces this stub).
use crate::Value;
pub fn to_yaml(v: &Value) -> String { format!("{v:?}\n") }
pub fn to_json(v: &Value) -> String { format!("{v:?}") }
pub fn to_yaml_generic(v: &Value) -> String { format!("{v:?}\n") }
pub fn to_json_generic(v: &Value) -> String { format!("{v:?}") }
