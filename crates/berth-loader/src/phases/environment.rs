//! Phase environment. OWNER: transform helper (replaces this stub).
use berth_model::Value;
pub fn resolve_environment(_dict: &mut Value, _env: &indexmap::IndexMap<String, String>) {}
