//! Merge of several compose files. OWNER: merge helper (replaces this stub).
use berth_model::Value;
#[derive(Debug, thiserror::Error)]
#[error("merge stub")]
pub struct MergeError;
pub fn merge(base: Value, over: Value) -> Result<Value, MergeError> {
    match (base, over) {
        (Value::Map(mut b), Value::Map(o)) => { for (k, v) in o { let merged = match b.shift_remove(&k) { Some(bv) => merge(bv, v)?, None => v }; b.insert(k, merged); } Ok(Value::Map(b)) }
        (_, o) => Ok(o),
    }
}
pub fn enforce_unicity(dict: Value) -> Result<Value, MergeError> { Ok(dict) }
pub fn extend_service(base: Value, local: Value) -> Result<Value, MergeError> { merge(base, local) }
