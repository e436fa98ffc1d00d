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

/// A service's config hash as the loader computes it. A service that names another
/// service's container (`network_mode`, `ipc` or `pid` as `service:x`, `volumes_from`) is
/// hashed as compose hashes it, after those references became container IDs
/// (`resolveServiceReferences`): its hash is only known once the IDs are.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigHash {
    Known(String),
    /// The service's typed model, to hash once the referenced containers are known.
    References(Box<Value>),
    /// `json.Marshal` refuses the service (a non-finite float): the error compose reports
    /// when it hashes it.
    Unmarshallable(String),
}

impl Default for ConfigHash {
    fn default() -> Self {
        ConfigHash::Known(String::new())
    }
}

/// The keys of a service that name other services' containers.
const NAMESPACE_KEYS: [&str; 3] = ["network_mode", "ipc", "pid"];

impl ConfigHash {
    /// Hashes a typed service (one entry of `shape::decode`'s `services`); `references`:
    /// whether it names other services' containers (`Service::container_references`).
    pub fn of_service(service: &Value, references: bool) -> ConfigHash {
        if references {
            return ConfigHash::References(Box::new(service.clone()));
        }
        // `volumes_from: [container:x]` is hashed as `x`.
        match service_hash(&resolve_references(service, &|_| None)) {
            Ok(hash) => ConfigHash::Known(hash),
            Err(e) => ConfigHash::Unmarshallable(e.to_string()),
        }
    }

    /// The hash once each referenced service's first container ID is known (`first_id`);
    /// a reference without a container stays as written, as compose leaves it.
    pub fn resolve(&self, first_id: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
        match self {
            ConfigHash::Known(hash) => Ok(hash.clone()),
            ConfigHash::Unmarshallable(e) => Err(e.clone()),
            ConfigHash::References(model) => {
                service_hash(&resolve_references(model, first_id)).map_err(|e| e.to_string())
            }
        }
    }

    /// The hash when it does not depend on other containers.
    pub fn known(&self) -> Option<&str> {
        match self {
            ConfigHash::Known(hash) => Some(hash),
            _ => None,
        }
    }
}

/// The service with `service:x` references replaced by container IDs, as compose replaces
/// them before hashing (`resolveServiceReferences`).
fn resolve_references(service: &Value, first_id: &dyn Fn(&str) -> Option<String>) -> Value {
    let mut model = service.clone();
    if let Some(map) = model.as_map_mut() {
        for key in NAMESPACE_KEYS {
            if let Some(Value::String(mode)) = map.get_mut(key) {
                if let Some(id) = mode.strip_prefix("service:").and_then(first_id) {
                    *mode = format!("container:{id}");
                }
            }
        }
        if let Some(Value::Seq(list)) = map.get_mut("volumes_from") {
            for entry in list.iter_mut() {
                if let Value::String(s) = entry {
                    let mut parts = s.split(':');
                    let head = parts.next().unwrap_or_default().to_string();
                    if head == "container" {
                        *s = parts.next().unwrap_or_default().to_string();
                    } else if let Some(id) = first_id(&head) {
                        *s = id;
                    }
                }
            }
        }
    }
    model
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
