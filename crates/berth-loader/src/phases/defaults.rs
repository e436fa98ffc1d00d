//! Phase defaults. OWNER: transform helper (replaces this stub).
use berth_model::Value;
pub fn set_default_values(dict: Value) -> Result<Value, super::canonical::CanonicalError> { Ok(dict) }
