//! Phase normalise: on the whole model after `environment`, injects what compose implies
//! but the file leaves out (compose-go `loader.Normalize`): the `default` network, build
//! defaults, bare build args and environment keys resolved from the project environment,
//! implicit `depends_on` entries, and the engine names of top-level resources.
//!
//! Input: the merged canonical dict with defaults and absolute paths, with `name` already
//! set to the project name (the caller decides it: -p, COMPOSE_PROJECT_NAME, `name:`, dir).
//! Skipped entirely by `config --no-normalize`.

use berth_model::golang::clean;
use berth_model::{Map, Value};
use indexmap::IndexMap;

/// Where the model had a shape normalisation cannot work with (compose-go would panic on
/// these type assertions; validation normally rules them out).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NormaliseError {
    #[error("{path} must be a mapping")]
    NotAMapping { path: String },
    #[error("{path} must be a list")]
    NotAList { path: String },
}

/// Namespaces that can be shared with another service via `service:<name>`; each implies a
/// dependency that restarts with it.
const SHARED_NAMESPACES: &[&str] = &["network_mode", "ipc", "pid", "uts", "cgroup"];

/// Top-level sections whose entries get an engine name.
const NAMED_RESOURCES: &[&str] = &["networks", "volumes", "configs", "secrets"];

const SERVICE_PREFIX: &str = "service:";
const CONTAINER_PREFIX: &str = "container:";

/// Normalises the model; `env` is the project (interpolation) environment.
pub fn normalize(dict: Value, env: &IndexMap<String, String>) -> Result<Value, NormaliseError> {
    let Value::Map(mut root) = dict else {
        return Err(NormaliseError::NotAMapping {
            path: "(root)".into(),
        });
    };
    normalize_networks(&mut root);
    if let Some(services) = root.get_mut("services") {
        let Value::Map(services) = services else {
            return Err(NormaliseError::NotAMapping {
                path: "services".into(),
            });
        };
        for (name, service) in services.iter_mut() {
            let Value::Map(service) = service else {
                return Err(NormaliseError::NotAMapping {
                    path: format!("services.{name}"),
                });
            };
            normalize_service(name, service, env)?;
        }
    }
    set_name_from_key(&mut root);
    Ok(Value::Map(root))
}

fn normalize_service(
    name: &str,
    service: &mut Map,
    env: &IndexMap<String, String>,
) -> Result<(), NormaliseError> {
    if service.get("pull_policy").and_then(Value::as_str) == Some("if_not_present") {
        service.insert("pull_policy".into(), "missing".into());
    }

    if let Some(build) = service.get_mut("build") {
        let Value::Map(build) = build else {
            return Err(NormaliseError::NotAMapping {
                path: format!("services.{name}.build"),
            });
        };
        if build.get("context").is_none_or(Value::is_null) {
            build.insert("context".into(), ".".into());
        }
        if build.get("dockerfile").is_none_or(Value::is_null)
            && build.get("dockerfile_inline").is_none_or(Value::is_null)
        {
            build.insert("dockerfile".into(), "Dockerfile".into());
        }
        if let Some(args) = build.get_mut("args") {
            *args = resolve(std::mem::replace(args, Value::Null), env, false);
        }
    }

    if let Some(environment) = service.get_mut("environment") {
        *environment = resolve(std::mem::replace(environment, Value::Null), env, true);
    }

    let mut depends_on = match service.get("depends_on") {
        Some(Value::Map(m)) => m.clone(),
        Some(_) => {
            return Err(NormaliseError::NotAMapping {
                path: format!("services.{name}.depends_on"),
            })
        }
        None => Map::default(),
    };

    for link in strings_at(service, "links", name)? {
        // `service:alias` depends on the service; anything else is taken whole.
        let parts: Vec<&str> = link.split(':').collect();
        let target = if parts.len() == 2 { parts[0] } else { &link };
        add_dependency(&mut depends_on, target, true);
    }
    for namespace in SHARED_NAMESPACES {
        if let Some(shared) = service
            .get(*namespace)
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(SERVICE_PREFIX))
        {
            add_dependency(&mut depends_on, shared, true);
        }
    }

    if let Some(volumes) = service.get_mut("volumes") {
        let Value::Seq(volumes) = volumes else {
            return Err(NormaliseError::NotAList {
                path: format!("services.{name}.volumes"),
            });
        };
        for volume in volumes.iter_mut() {
            if let Some(Value::String(target)) = volume.get_mut("target") {
                *target = clean(target);
            }
        }
    }

    for from in strings_at(service, "volumes_from", name)? {
        if !from.starts_with(CONTAINER_PREFIX) {
            let source = from.split(':').next().unwrap_or_default();
            add_dependency(&mut depends_on, source, false);
        }
    }

    if !depends_on.is_empty() {
        service.insert("depends_on".into(), Value::Map(depends_on));
    }
    Ok(())
}

/// The string items of a list attribute (non-strings are ignored).
fn strings_at(service: &Map, key: &str, name: &str) -> Result<Vec<String>, NormaliseError> {
    match service.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Seq(items)) => Ok(items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()),
        Some(_) => Err(NormaliseError::NotAList {
            path: format!("services.{name}.{key}"),
        }),
    }
}

/// Adds an implicit dependency unless one is declared (a declared one wins as written).
fn add_dependency(depends_on: &mut Map, service: &str, restart: bool) {
    if depends_on.contains_key(service) {
        return;
    }
    let mut entry = Map::default();
    entry.insert("condition".into(), "service_started".into());
    entry.insert("restart".into(), restart.into());
    entry.insert("required".into(), true.into());
    depends_on.insert(service.to_string(), Value::Map(entry));
}

/// Resolves bare keys (`KEY` in a list, `KEY: null` in a map) from `env`; unset ones stay
/// (environment, `keep_empty`) or are dropped (build args).
fn resolve(value: Value, env: &IndexMap<String, String>, keep_empty: bool) -> Value {
    match value {
        Value::Seq(items) => Value::Seq(
            items
                .into_iter()
                .filter_map(|item| match item {
                    Value::String(s) if s.contains('=') => Some(Value::String(s)),
                    Value::String(key) => match env.get(&key) {
                        Some(found) => Some(Value::String(format!("{key}={found}"))),
                        None if keep_empty => Some(Value::String(key)),
                        None => None,
                    },
                    // compose-go drops list items that are not strings.
                    _ => None,
                })
                .collect(),
        ),
        Value::Map(m) => Value::Map(
            m.into_iter()
                .filter_map(|(key, val)| {
                    if !val.is_null() {
                        return Some((key, val));
                    }
                    match env.get(&key) {
                        Some(found) => {
                            let found = Value::String(found.clone());
                            Some((key, found))
                        }
                        None if keep_empty => Some((key, Value::Null)),
                        None => None,
                    }
                })
                .collect(),
        ),
        other => other,
    }
}

/// Connects every service that declares no network (and shares no network namespace) to
/// `default`, and declares `default` only when some service uses it.
fn normalize_networks(root: &mut Map) {
    let mut uses_default = false;
    if let Some(Value::Map(services)) = root.get_mut("services") {
        for service in services.values_mut() {
            let Value::Map(service) = service else {
                continue;
            };
            if service.contains_key("provider") || service.contains_key("network_mode") {
                continue;
            }
            match service.get("networks") {
                None => {
                    set_default_network(service);
                    uses_default = true;
                }
                Some(Value::Map(networks)) if networks.is_empty() => {
                    // `networks: {}` declared but empty: a corner case compose treats as none.
                    set_default_network(service);
                    uses_default = true;
                }
                Some(Value::Map(networks)) => {
                    uses_default |= networks.contains_key("default");
                }
                Some(_) => {}
            }
        }
    }

    let mut networks = match root.shift_remove_full("networks") {
        Some((index, _, Value::Map(m))) => Some((index, m)),
        Some((index, _, _)) => Some((index, Map::default())),
        None => None,
    };
    let declared = networks
        .as_ref()
        .is_some_and(|(_, m)| m.contains_key("default"));
    if uses_default && !declared {
        networks
            .get_or_insert_with(|| (root.len(), Map::default()))
            .1
            .insert("default".into(), Value::Null);
    }
    if let Some((index, m)) = networks {
        if !m.is_empty() {
            root.shift_insert(index.min(root.len()), "networks".into(), Value::Map(m));
        }
    }
}

fn set_default_network(service: &mut Map) {
    let mut networks = Map::default();
    networks.insert("default".into(), Value::Null);
    service.insert("networks".into(), Value::Map(networks));
}

/// Go's `strconv.ParseBool` on `fmt.Sprint(x)`.
fn is_true(v: &Value) -> bool {
    matches!(
        v.scalar_to_string().as_deref(),
        Some("1" | "t" | "T" | "TRUE" | "true" | "True")
    )
}

/// Resources with no explicit name are named `<project>_<key>`, or `<key>` when external.
fn set_name_from_key(root: &mut Map) {
    let project = root
        .get("name")
        .and_then(Value::scalar_to_string)
        .unwrap_or_default();
    for section in NAMED_RESOURCES {
        let Some(Value::Map(resources)) = root.get_mut(*section) else {
            continue;
        };
        for (key, resource) in resources.iter_mut() {
            if resource.is_null() {
                *resource = Value::Map(Map::default());
            }
            let Value::Map(resource) = resource else {
                continue;
            };
            if resource.get("name").is_none_or(Value::is_null) {
                let name = if resource.get("external").is_some_and(is_true) {
                    key.clone()
                } else {
                    format!("{project}_{key}")
                };
                resource.insert("name".into(), name.into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phases::canonical::tests::v;
    use serde_json::json;

    fn env() -> IndexMap<String, String> {
        [("A", "a"), ("E", "")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    // Input and output of the reference in /tmp/transform-b (A=a E=, project np), before
    // binding: build args lists stay lists here (binding turns them into maps).
    #[test]
    fn normalises_like_the_reference() {
        let dict = v(json!({
            "name": "np",
            "services": {
                "a": {
                    "image": "x",
                    "build": {"context": "/p", "args": {"A": null, "B": "b", "UNSET": null,
                        "E": null}},
                    "pull_policy": "if_not_present",
                    "networks": {},
                    "links": ["b", "c:alias"],
                    "depends_on": {"c": {"condition": "service_healthy", "required": true}},
                    "volumes_from": ["b", "container:xyz", "c:ro"],
                    "environment": {"A": null, "UNSET": null, "K": "v"},
                    "volumes": [{"type": "volume", "target": "/x/../y/"}],
                },
                "b": {
                    "image": "x",
                    "build": {"context": "/p", "dockerfile_inline": "FROM x",
                        "args": ["A", "UNSET", "B=b"]},
                    "ipc": "service:c",
                    "pid": "service:c",
                    "networks": {"n1": null},
                    "environment": ["A", "UNSET", "K=v"],
                },
                "c": {"image": "x", "network_mode": "host"},
                "d": {"image": "x", "build": {"context": "/p"}, "volumes_from": ["c"]},
            },
            "networks": {"n1": {"name": "custom"}, "ext": {"external": true}},
            "volumes": {"v1": null, "v2": {"external": true}},
            "secrets": {"s1": {"file": "/p/a"}},
        }));
        let out = normalize(dict, &env()).unwrap();
        assert_eq!(
            out,
            v(json!({
                "name": "np",
                "services": {
                    "a": {
                        "image": "x",
                        "build": {"context": "/p", "args": {"A": "a", "B": "b", "E": ""},
                            "dockerfile": "Dockerfile"},
                        "pull_policy": "missing",
                        "networks": {"default": null},
                        "links": ["b", "c:alias"],
                        "depends_on": {
                            "c": {"condition": "service_healthy", "required": true},
                            "b": {"condition": "service_started", "restart": true,
                                "required": true},
                        },
                        "volumes_from": ["b", "container:xyz", "c:ro"],
                        "environment": {"A": "a", "UNSET": null, "K": "v"},
                        "volumes": [{"type": "volume", "target": "/y"}],
                    },
                    "b": {
                        "image": "x",
                        "build": {"context": "/p", "dockerfile_inline": "FROM x",
                            "args": ["A=a", "B=b"]},
                        "ipc": "service:c",
                        "pid": "service:c",
                        "networks": {"n1": null},
                        "environment": ["A=a", "UNSET", "K=v"],
                        "depends_on": {"c": {"condition": "service_started", "restart": true,
                            "required": true}},
                    },
                    "c": {"image": "x", "network_mode": "host"},
                    "d": {
                        "image": "x",
                        "build": {"context": "/p", "dockerfile": "Dockerfile"},
                        "volumes_from": ["c"],
                        "networks": {"default": null},
                        "depends_on": {"c": {"condition": "service_started", "restart": false,
                            "required": true}},
                    },
                },
                "networks": {"n1": {"name": "custom"}, "ext": {"external": true, "name": "ext"},
                    "default": {"name": "np_default"}},
                "volumes": {"v1": {"name": "np_v1"}, "v2": {"external": true, "name": "v2"}},
                "secrets": {"s1": {"file": "/p/a", "name": "np_s1"}},
            }))
        );
    }

    #[test]
    fn default_network_only_when_used() {
        let out = normalize(
            v(
                json!({"name": "p", "services": {"c": {"network_mode": "host"},
                "q": {"provider": {"type": "x"}}}}),
            ),
            &env(),
        )
        .unwrap();
        assert_eq!(out.get("networks"), None);
    }

    /// canonical → omit_empty → defaults → paths → environment → normalise on the file in
    /// /tmp/transform-a (as parsed and interpolated); expected values are the reference's
    /// `config --format json` (A=a HOME=/root), whose typing (gpus count -1, build args as a
    /// map) belongs to the binding phase.
    #[test]
    fn pipeline_matches_the_reference() {
        use crate::phases::{canonical, defaults, environment, paths};
        let input = v(json!({
            "name": "tp",
            "services": {
                "web": {
                    "image": "nginx",
                    "build": "./app",
                    "ports": ["3000-3001:3000-3001", "127.0.0.1::80", "[::1]:6000:6000",
                        "53:53/udp", 7000, "8000-8010:80", "0.0.0.0:9000:9000/tcp"],
                    "volumes": ["data:/data:nocopy", "./src:/src:ro,z", "~/x:/x:rshared",
                        "/anon/../anon2/", "C:\\\\foo:/win",
                        {"type": "bind", "source": "rel", "target": "/rel"}],
                    "depends_on": ["db"],
                    "networks": ["front", "back"],
                    "secrets": ["s1"],
                    "configs": ["c1"],
                    "devices": ["/dev/sda:/dev/xvda:rwm", "/dev/null"],
                    "gpus": "all",
                    "ulimits": {"nofile": 1024, "nproc": {"soft": 1, "hard": 2}},
                    "dns": "8.8.8.8",
                    "pull_policy": "if_not_present",
                },
                "db": {
                    "image": "pg",
                    "network_mode": "service:other",
                    "build": {"context": ".", "args": ["A", "B=b", "UNSET_ARG", "HOME"]},
                },
                "other": {"image": "o"},
            },
            "networks": {"front": null, "back": {"external": true}},
            "secrets": {"s1": {"file": "./s1.txt"}},
            "configs": {"c1": {"file": "./c1.txt"}},
            "volumes": {"data": null},
        }));
        let env: IndexMap<String, String> = [("A", "a"), ("HOME", "/root")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let dict = canonical::omit_empty(canonical::canonical(input, false).unwrap());
        let mut dict = defaults::set_default_values(dict).unwrap();
        paths::resolve_relative_paths(&mut dict, "/tmp/transform-a", Some("/root")).unwrap();
        environment::resolve_environment(&mut dict, &env);
        let out = normalize(dict, &env).unwrap();
        let svc = |s: &str, k: &str| {
            out.get("services")
                .and_then(|x| x.get(s))
                .and_then(|x| x.get(k))
                .cloned()
        };
        let expect = |j| Some(v(j));
        assert_eq!(
            svc("web", "build"),
            expect(json!({"context": "/tmp/transform-a/app", "dockerfile": "Dockerfile"}))
        );
        assert_eq!(
            svc("web", "ports"),
            expect(json!([
                {"mode": "ingress", "target": 3000, "published": "3000", "protocol": "tcp"},
                {"mode": "ingress", "target": 3001, "published": "3001", "protocol": "tcp"},
                {"mode": "ingress", "host_ip": "127.0.0.1", "target": 80, "protocol": "tcp"},
                {"mode": "ingress", "host_ip": "::1", "target": 6000, "published": "6000",
                    "protocol": "tcp"},
                {"mode": "ingress", "target": 53, "published": "53", "protocol": "udp"},
                {"mode": "ingress", "target": 7000, "protocol": "tcp"},
                {"mode": "ingress", "target": 80, "published": "8000-8010", "protocol": "tcp"},
                {"mode": "ingress", "host_ip": "0.0.0.0", "target": 9000, "published": "9000",
                    "protocol": "tcp"},
            ]))
        );
        assert_eq!(
            svc("web", "volumes"),
            expect(json!([
                {"type": "volume", "source": "data", "target": "/data",
                    "volume": {"nocopy": true}},
                {"type": "bind", "source": "/tmp/transform-a/src", "target": "/src",
                    "read_only": true, "bind": {"selinux": "z", "create_host_path": true}},
                {"type": "bind", "source": "/root/x", "target": "/x",
                    "bind": {"propagation": "rshared", "create_host_path": true}},
                {"type": "volume", "target": "/anon2", "volume": {}},
                {"type": "bind", "source": "C:\\\\foo", "target": "/win",
                    "bind": {"create_host_path": true}},
                {"type": "bind", "source": "/tmp/transform-a/rel", "target": "/rel"},
            ]))
        );
        assert_eq!(
            svc("web", "depends_on"),
            expect(json!({"db": {"condition": "service_started", "required": true}}))
        );
        assert_eq!(
            svc("web", "networks"),
            expect(json!({"front": null, "back": null}))
        );
        assert_eq!(
            svc("web", "secrets"),
            expect(json!([{"source": "s1", "target": "/run/secrets/s1"}]))
        );
        assert_eq!(svc("web", "configs"), expect(json!([{"source": "c1"}])));
        assert_eq!(svc("web", "dns"), expect(json!(["8.8.8.8"])));
        assert_eq!(svc("web", "pull_policy"), expect(json!("missing")));
        assert_eq!(svc("web", "gpus"), expect(json!([{"count": "all"}])));
        assert_eq!(
            svc("db", "build"),
            expect(
                json!({"context": "/tmp/transform-a", "args": ["A=a", "B=b", "HOME=/root"],
                "dockerfile": "Dockerfile"})
            )
        );
        assert_eq!(
            svc("db", "depends_on"),
            expect(
                json!({"other": {"condition": "service_started", "restart": true,
                "required": true}})
            )
        );
        assert_eq!(
            out.get("networks"),
            Some(&v(json!({"front": {"name": "tp_front"},
                "back": {"external": true, "name": "back"}, "default": {"name": "tp_default"}})))
        );
        assert_eq!(
            out.get("secrets"),
            Some(&v(
                json!({"s1": {"file": "/tmp/transform-a/s1.txt", "name": "tp_s1"}})
            ))
        );
        assert_eq!(
            out.get("volumes"),
            Some(&v(json!({"data": {"name": "tp_data"}})))
        );
    }
}
