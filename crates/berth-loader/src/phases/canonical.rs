//! Phase canonical. OWNER: transform helper (replaces this stub).
use berth_model::Value;
#[derive(Debug, thiserror::Error)]
#[error("canonical stub")]
pub struct CanonicalError;
pub fn canonical(dict: Value, _ignore_parse_error: bool) -> Result<Value, CanonicalError> { Ok(dict) }
pub fn omit_empty(dict: Value) -> Value { dict }
