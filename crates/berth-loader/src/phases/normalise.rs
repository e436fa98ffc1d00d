//! Phase normalise. OWNER: transform helper (replaces this stub).
use berth_model::Value;
#[derive(Debug, thiserror::Error)]
#[error("normalise stub")]
pub struct NormaliseError;
pub fn normalize(dict: Value, _env: &indexmap::IndexMap<String, String>) -> Result<Value, NormaliseError> { Ok(dict) }
