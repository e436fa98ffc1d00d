//! The canonical shape of the compose model: field order and Go types of compose-go's structs.
//! OWNER: model helper (replaces this stub).
use crate::Value;
#[derive(Debug)]
pub struct DecodeError;
impl std::fmt::Display for DecodeError { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "decode stub") } }
impl std::error::Error for DecodeError {}
pub fn decode(dict: &Value) -> Result<Value, DecodeError> { Ok(dict.clone()) }
