//! Interpolation phase. OWNER: interpolation helper (replaces this stub).
use berth_model::Value;
#[derive(Debug, thiserror::Error)]
#[error("interpolation stub")]
pub struct InterpolateError;
impl InterpolateError { pub fn yaml_path(&self) -> Option<String> { None } }
pub fn interpolate(dict: Value, _lookup: crate::Lookup, _diags: &mut crate::Diagnostics) -> Result<Value, InterpolateError> { Ok(dict) }
