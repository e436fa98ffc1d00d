//! Config hashes of services, networks and volumes, equal to the reference's.
//! OWNER: model helper (replaces this stub).
use crate::Value;
pub fn service_hash(_v: &Value) -> String { String::new() }
