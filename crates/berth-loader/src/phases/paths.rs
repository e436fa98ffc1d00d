//! Phase paths. OWNER: transform helper (replaces this stub).
use berth_model::Value;
#[derive(Debug, thiserror::Error)]
#[error("paths stub")]
pub struct PathsError;
pub fn resolve_relative_paths(_dict: &mut Value, _wd: &str, _home: Option<&str>) -> Result<(), PathsError> { Ok(()) }
