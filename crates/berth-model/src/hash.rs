//! Config hashes of services, networks and volumes, equal to the reference's
//! (docker/compose pkg/compose/hash.go): sha256 of Go's compact `json.Marshal` of the typed
//! object, after clearing the fields that must not trigger a recreate.

use crate::emit::{marshal_struct, write_json_compact, Format, UnsupportedValue};
use crate::shape::{NETWORK, SERVICE, VOLUME};
use crate::value::{Map, Value};
use sha2::{Digest, Sha256};

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The JSON bytes `ServiceHash` digests, for a typed service (as `shape::decode` makes it).
/// Fails like `json.Marshal` on a non-finite float (`cpus: .inf`).
pub fn service_hash_input(service: &Value) -> Result<String, UnsupportedValue> {
    let mut m: Map = service.as_map().cloned().unwrap_or_default();
    // ServiceHash clears these before marshalling.
    for key in ["build", "pull_policy", "scale", "depends_on", "profiles"] {
        m.shift_remove(key);
    }
    if let Some(Value::Map(deploy)) = m.get_mut("deploy") {
        deploy.shift_remove("replicas");
    }
    write_json_compact(&marshal_struct(Some(&m), &SERVICE, Format::Json))
}

/// compose's `ServiceHash` of a typed service.
pub fn service_hash(service: &Value) -> Result<String, UnsupportedValue> {
    Ok(sha256_hex(service_hash_input(service)?.as_bytes()))
}

/// compose's `NetworkHash` of a typed network.
pub fn network_hash(network: &Value) -> Result<String, UnsupportedValue> {
    let json = write_json_compact(&marshal_struct(network.as_map(), &NETWORK, Format::Json))?;
    Ok(sha256_hex(json.as_bytes()))
}

/// compose's `VolumeHash` of a typed volume (the driver defaults to "local").
pub fn volume_hash(volume: &Value) -> Result<String, UnsupportedValue> {
    let mut m: Map = volume.as_map().cloned().unwrap_or_default();
    let empty = m
        .get("driver")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty);
    if empty {
        m.insert("driver".into(), Value::from("local"));
    }
    let json = write_json_compact(&marshal_struct(Some(&m), &VOLUME, Format::Json))?;
    Ok(sha256_hex(json.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_and_volume_hashes_match_compose() {
        // Values printed by the reference (compose facts §3.2).
        let net = Value::from_pairs([("name", "invlabels_front".into())]);
        assert!(network_hash(&net).unwrap().starts_with("0826470a"));
        let vol = Value::from_pairs([("name", "invlabels_data".into())]);
        assert!(volume_hash(&vol).unwrap().starts_with("a38e163e"));
    }
}
