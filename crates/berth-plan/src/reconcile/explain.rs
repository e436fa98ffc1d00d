//! Why a container is recreated, down to the setting: the create call the file asks for
//! is compared with the container as the engine reports it (its inspect), setting by
//! setting, after taking out what the engine fills in from the image. The comparison needs
//! no label of berth's, so it explains containers docker compose created too. A change the
//! engine does not show (a setting that never reaches it) falls back to the config hashes.

use berth_model::compose::{Project, Service};
use bollard_stubs::models::ContainerInspectResponse;
use serde_json::Value as Json;

use super::Divergence;
use crate::convert::ContainerSpec;
use crate::observed::{Container, Observed};
use crate::plan::Deferred;

/// The most changes one reason lists.
const SHOWN: usize = 4;

/// Where a setting lives: in the container's `Config` or its `HostConfig`.
#[derive(Clone, Copy)]
enum Place {
    Config(&'static str),
    Host(&'static str),
}

/// How a setting's values compare.
#[derive(Clone, Copy)]
enum Kind {
    /// One value (lists and objects whole). The container's value without a wanted one is
    /// the image's (in `Config`) or the engine's default.
    Value,
    /// One value the engine leaves unset when the file does not set it: a container that
    /// has one the file no longer asks for shows a removed setting.
    Removable,
    /// `K=V` entries, compared key by key; the image's own entries are not the file's.
    Env,
    /// A map compared key by key; compose's own labels and the image's are left out.
    Labels,
}

/// compose's setting, where the engine keeps it, and how it compares.
const RULES: &[(&str, Place, Kind)] = &[
    ("image", Place::Config("Image"), Kind::Value),
    ("environment", Place::Config("Env"), Kind::Env),
    ("command", Place::Config("Cmd"), Kind::Removable),
    ("entrypoint", Place::Config("Entrypoint"), Kind::Removable),
    ("working_dir", Place::Config("WorkingDir"), Kind::Removable),
    ("user", Place::Config("User"), Kind::Removable),
    ("hostname", Place::Config("Hostname"), Kind::Value),
    ("domainname", Place::Config("Domainname"), Kind::Removable),
    ("tty", Place::Config("Tty"), Kind::Removable),
    ("stdin_open", Place::Config("OpenStdin"), Kind::Removable),
    ("stop_signal", Place::Config("StopSignal"), Kind::Removable),
    (
        "stop_grace_period",
        Place::Config("StopTimeout"),
        Kind::Removable,
    ),
    ("healthcheck", Place::Config("Healthcheck"), Kind::Removable),
    ("labels", Place::Config("Labels"), Kind::Labels),
    ("ports", Place::Host("PortBindings"), Kind::Removable),
    ("volumes", Place::Host("Binds"), Kind::Removable),
    ("volumes", Place::Host("Mounts"), Kind::Removable),
    ("tmpfs", Place::Host("Tmpfs"), Kind::Removable),
    ("volumes_from", Place::Host("VolumesFrom"), Kind::Removable),
    ("links", Place::Host("Links"), Kind::Removable),
    ("restart", Place::Host("RestartPolicy"), Kind::Value),
    ("network_mode", Place::Host("NetworkMode"), Kind::Value),
    ("pid", Place::Host("PidMode"), Kind::Value),
    ("ipc", Place::Host("IpcMode"), Kind::Value),
    ("privileged", Place::Host("Privileged"), Kind::Removable),
    ("read_only", Place::Host("ReadonlyRootfs"), Kind::Removable),
    ("init", Place::Host("Init"), Kind::Removable),
    ("cap_add", Place::Host("CapAdd"), Kind::Removable),
    ("cap_drop", Place::Host("CapDrop"), Kind::Removable),
    ("security_opt", Place::Host("SecurityOpt"), Kind::Removable),
    ("extra_hosts", Place::Host("ExtraHosts"), Kind::Removable),
    ("dns", Place::Host("Dns"), Kind::Removable),
    ("dns_search", Place::Host("DnsSearch"), Kind::Removable),
    ("group_add", Place::Host("GroupAdd"), Kind::Removable),
    ("mem_limit", Place::Host("Memory"), Kind::Value),
    (
        "mem_reservation",
        Place::Host("MemoryReservation"),
        Kind::Value,
    ),
    ("cpus", Place::Host("NanoCpus"), Kind::Value),
    ("cpu_shares", Place::Host("CpuShares"), Kind::Value),
    ("shm_size", Place::Host("ShmSize"), Kind::Value),
    ("pids_limit", Place::Host("PidsLimit"), Kind::Value),
    ("sysctls", Place::Host("Sysctls"), Kind::Removable),
    ("ulimits", Place::Host("Ulimits"), Kind::Removable),
    ("devices", Place::Host("Devices"), Kind::Removable),
    ("logging", Place::Host("LogConfig"), Kind::Value),
];

/// The reason `container` is recreated, where `spec` is what replaces it.
pub fn explain(
    project: &Project,
    observed: &Observed,
    service: &Service,
    container: &Container,
    divergence: Divergence,
    spec: &ContainerSpec,
    deferred: Option<&Deferred>,
) -> String {
    let reference = service.image_name(project);
    match divergence {
        Divergence::Forced => {
            "recreate forced (--force-recreate, -V or --always-recreate-deps)".into()
        }
        Divergence::Image => {
            let now = observed
                .image(&reference)
                .map(|i| i.id.as_str())
                .unwrap_or("");
            format!(
                "image {reference} changed ({} → {})",
                short_id(&container.image_label),
                short_id(now)
            )
        }
        Divergence::Network => {
            let missing: Vec<&str> = service
                .networks
                .keys()
                .map(String::as_str)
                .filter(|k| {
                    let name = project.network_name(k);
                    observed
                        .networks
                        .get(&name)
                        .is_none_or(|n| !container.networks.values().any(|id| *id == n.id))
                })
                .collect();
            format!("not connected to network {}", missing.join(", "))
        }
        Divergence::Volume => {
            let missing: Vec<String> = service
                .volumes
                .iter()
                .filter_map(|v| v.source.as_deref())
                .filter(|s| project.volumes.contains_key(*s))
                .map(|s| project.volume_name(s))
                .filter(|name| !container.volumes.contains(name))
                .collect();
            format!("volume {} not mounted", missing.join(", "))
        }
        Divergence::ConfigHash => {
            if let Some(deferred) = deferred {
                let names: Vec<&str> = deferred.services.iter().map(|(s, _)| s.as_str()).collect();
                return format!(
                    "it shares a namespace or volumes with {}, whose container is created anew",
                    names.join(", ")
                );
            }
            let image = observed.image(&reference).and_then(|i| i.config.as_ref());
            // Without `network_mode` the engine's network mode is the primary network:
            // what changed is the service's networks, compared as such.
            let own_mode = service.network_mode.is_some();
            let changes = observed
                .inspected
                .get(&container.id)
                .map(|inspect| changes(spec, inspect, image, own_mode))
                .unwrap_or_default();
            if changes.is_empty() {
                let wanted = service.config_hash.known().unwrap_or_default();
                return format!(
                    "configuration changed where the container does not show it (config hash {} → {})",
                    short_hash(&container.config_hash),
                    short_hash(wanted)
                );
            }
            let mut text = changes[..changes.len().min(SHOWN)].join("; ");
            if changes.len() > SHOWN {
                text.push_str(&format!("; and {} more", changes.len() - SHOWN));
            }
            text
        }
    }
}

fn short_id(id: &str) -> String {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    if hex.is_empty() {
        return "none".into();
    }
    format!("sha256:{}", &hex[..hex.len().min(12)])
}

fn short_hash(hash: &str) -> String {
    if hash.is_empty() {
        return "none".into();
    }
    hash[..hash.len().min(12)].to_string()
}

/// The settings whose values differ, as `setting old → new` (or `setting.KEY …`);
/// `network_mode`: whether the file sets the network mode (else the networks are compared).
pub fn changes(
    spec: &ContainerSpec,
    inspect: &ContainerInspectResponse,
    image: Option<&bollard_stubs::models::ImageConfig>,
    network_mode: bool,
) -> Vec<String> {
    let wanted = serde_json::to_value(&spec.body).unwrap_or(Json::Null);
    let config = serde_json::to_value(&inspect.config).unwrap_or(Json::Null);
    let host = serde_json::to_value(&inspect.host_config).unwrap_or(Json::Null);
    let image = serde_json::to_value(image).unwrap_or(Json::Null);
    let mut out = Vec::new();
    for (setting, place, kind) in RULES {
        if *setting == "network_mode" && !network_mode {
            continue;
        }
        let (want, have, default) = match place {
            Place::Config(field) => (&wanted[field], &config[field], &image[field]),
            Place::Host(field) => (&wanted["HostConfig"][field], &host[field], &Json::Null),
        };
        match kind {
            Kind::Value | Kind::Removable => {
                if !is_empty(want) && !covers(want, have) {
                    out.push(format!(
                        "{setting} {} → {}",
                        show(&like(have, want)),
                        show(want)
                    ));
                } else if matches!(kind, Kind::Removable)
                    && is_empty(want)
                    && !is_empty(have)
                    && have != default
                {
                    out.push(format!("{setting} removed (was {})", show(have)));
                }
            }
            Kind::Env => out.extend(map_changes(
                setting,
                &env_map(want),
                &env_map(have),
                &env_map(default),
            )),
            Kind::Labels => {
                let own = |m: &Json| -> Vec<(String, String)> {
                    m.as_object()
                        .into_iter()
                        .flatten()
                        .filter(|(k, _)| !k.starts_with("com.docker.compose."))
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                };
                out.extend(map_changes(setting, &own(want), &own(have), &own(default)));
            }
        }
    }
    if !network_mode {
        out.extend(network_changes(spec, inspect));
    }
    out.dedup();
    out
}

/// The networks the container is on against those the file asks for.
fn network_changes(spec: &ContainerSpec, inspect: &ContainerInspectResponse) -> Vec<String> {
    let mut wanted: Vec<&str> = spec
        .body
        .networking_config
        .iter()
        .flat_map(|n| n.endpoints_config.iter().flatten())
        .map(|(name, _)| name.as_str())
        .chain(spec.connect.iter().map(|(name, _)| name.as_str()))
        .collect();
    wanted.sort();
    wanted.dedup();
    let has: Vec<&str> = inspect
        .network_settings
        .iter()
        .flat_map(|s| s.networks.iter().flatten())
        .map(|(name, _)| name.as_str())
        .collect();
    let mut out: Vec<String> = wanted
        .iter()
        .filter(|w| !has.contains(w))
        .map(|w| format!("networks: {w} added"))
        .collect();
    let mut gone: Vec<&&str> = has.iter().filter(|h| !wanted.contains(h)).collect();
    gone.sort();
    out.extend(gone.into_iter().map(|h| format!("networks: {h} removed")));
    out
}

/// Key-by-key differences of two maps; a key the container has only because the image
/// gives it (with the image's value) is not a difference.
fn map_changes(
    setting: &str,
    want: &[(String, String)],
    have: &[(String, String)],
    image: &[(String, String)],
) -> Vec<String> {
    let get = |m: &[(String, String)], k: &str| {
        m.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone())
    };
    let mut out = Vec::new();
    for (key, value) in want {
        match get(have, key) {
            Some(old) if old == *value => {}
            Some(old) => out.push(format!(
                "{setting}.{key} {} → {}",
                quote(&old),
                quote(value)
            )),
            None => out.push(format!("{setting}.{key} added ({})", quote(value))),
        }
    }
    for (key, old) in have {
        if get(want, key).is_some() || get(image, key).as_deref() == Some(old.as_str()) {
            continue;
        }
        out.push(format!("{setting}.{key} removed (was {})", quote(old)));
    }
    out
}

/// `K=V` entries as pairs (a bare `K` has an empty value).
fn env_map(list: &Json) -> Vec<(String, String)> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .map(|e| match e.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (e.to_string(), String::new()),
        })
        .collect()
}

/// Whether a wanted value says nothing the engine would not default (unset, empty, zero).
fn is_empty(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.values().all(is_empty),
        Json::String(s) => s.is_empty(),
        Json::Bool(b) => !b,
        Json::Number(n) => n.as_f64() == Some(0.0),
    }
}

/// Whether the container's value has everything the wanted one says (the engine adds
/// defaults to objects, and reports empty values as unset).
fn covers(want: &Json, have: &Json) -> bool {
    match (want, have) {
        (w, _) if is_empty(w) => true,
        (Json::Object(w), Json::Object(h)) => w
            .iter()
            .all(|(k, v)| covers(v, h.get(k).unwrap_or(&Json::Null))),
        (Json::Array(w), Json::Array(h)) => {
            w.len() == h.len() && w.iter().zip(h).all(|(a, b)| covers(a, b))
        }
        (w, h) => w == h,
    }
}

/// The container's value with only the keys the wanted one has (the engine's defaults
/// are noise in a reason).
fn like(have: &Json, want: &Json) -> Json {
    match (have, want) {
        (Json::Object(h), Json::Object(w)) => Json::Object(
            h.iter()
                .filter(|(k, _)| w.contains_key(*k))
                .map(|(k, v)| (k.clone(), like(v, &w[k])))
                .collect(),
        ),
        (h, _) => h.clone(),
    }
}

fn show(v: &Json) -> String {
    match v {
        Json::Null => "(unset)".into(),
        other => other.to_string(),
    }
}

fn quote(s: &str) -> String {
    Json::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard_stubs::models::{ContainerConfig, ContainerCreateBody, HostConfig};

    fn spec(body: ContainerCreateBody) -> ContainerSpec {
        ContainerSpec {
            name: "p-web-1".into(),
            platform: None,
            body,
            connect: Vec::new(),
            files: Vec::new(),
            files_error: None,
            mac_address: None,
        }
    }

    #[test]
    fn environment_changes_are_named_by_key_and_the_image_s_own_are_not_differences() {
        let want = spec(ContainerCreateBody {
            env: Some(vec!["DB_HOST=db2".into(), "NEW=1".into()]),
            image: Some("web".into()),
            ..Default::default()
        });
        let inspect = ContainerInspectResponse {
            config: Some(ContainerConfig {
                env: Some(vec![
                    "DB_HOST=db".into(),
                    "PATH=/bin".into(),
                    "OLD=x".into(),
                ]),
                image: Some("web".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let image = bollard_stubs::models::ImageConfig {
            env: Some(vec!["PATH=/bin".into()]),
            ..Default::default()
        };
        assert_eq!(
            changes(&want, &inspect, Some(&image), false),
            [
                r#"environment.DB_HOST "db" → "db2""#,
                r#"environment.NEW added ("1")"#,
                r#"environment.OLD removed (was "x")"#,
            ]
        );
    }

    #[test]
    fn engine_defaults_are_not_differences_but_set_values_are() {
        let want = spec(ContainerCreateBody {
            host_config: Some(HostConfig {
                restart_policy: Some(bollard_stubs::models::RestartPolicy {
                    name: Some(bollard_stubs::models::RestartPolicyNameEnum::ALWAYS),
                    maximum_retry_count: None,
                }),
                privileged: Some(false),
                ..Default::default()
            }),
            cmd: Some(vec!["sleep".into(), "2".into()]),
            ..Default::default()
        });
        let inspect = ContainerInspectResponse {
            config: Some(ContainerConfig {
                cmd: Some(vec!["sleep".into(), "1".into()]),
                ..Default::default()
            }),
            host_config: Some(HostConfig {
                restart_policy: Some(bollard_stubs::models::RestartPolicy {
                    name: Some(bollard_stubs::models::RestartPolicyNameEnum::NO),
                    maximum_retry_count: Some(0),
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            changes(&want, &inspect, None, false),
            [
                r#"command ["sleep","1"] → ["sleep","2"]"#,
                r#"restart {"Name":"no"} → {"Name":"always"}"#,
            ]
        );
    }
}
