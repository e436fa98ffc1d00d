//! Phase: consistency of the typed project (compose-go `loader/validate.go`): every reference
//! resolves (networks, volumes, secrets, configs, models, dependencies), exclusive settings are
//! not combined, scale and replicas agree, no mount target is used twice.

use std::collections::HashMap;

use berth_model::Value;

use crate::error::LoadError;
use crate::project::Project;

const INVALID: &str = "invalid compose project";

fn invalid(message: String, path: String) -> LoadError {
    LoadError::Invalid {
        message,
        path: Some(path),
    }
}

fn as_f64(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn non_zero(v: Option<&Value>) -> Option<f64> {
    as_f64(v).filter(|f| *f != 0.0)
}

fn str_list(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    v.and_then(Value::as_seq).into_iter().flatten()
}

/// compose-go's `checkConsistency`.
pub fn check_consistency(project: &mut Project) -> Result<(), LoadError> {
    let names: Vec<String> = project.services().keys().cloned().collect();
    for name in names {
        check_service(project, &name)?;
    }
    if let Some(Value::Map(secrets)) = project.model.get("secrets") {
        for (name, secret) in secrets {
            if secret.get("external").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let set = |k: &str| {
                secret
                    .get(k)
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
            };
            if !set("file") && !set("environment") {
                return Err(invalid(
                    format!(
                        "secret {name:?} must declare either `file` or `environment`: {INVALID}"
                    ),
                    format!("secrets.{name}"),
                ));
            }
        }
    }
    check_cycles(project)
}

/// A dependency cycle is an error naming the whole cycle (`a -> b -> a`).
///
/// Linear in services + dependencies (an iterative colouring DFS), unlike the reference's
/// search, which is slow on long chains.
fn check_cycles(project: &Project) -> Result<(), LoadError> {
    let services = project.services();
    let mut names: Vec<&String> = services.keys().collect();
    names.sort();
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state: HashMap<&str, u8> = HashMap::new();
    for root in names {
        if state.contains_key(root.as_str()) {
            continue;
        }
        let mut path: Vec<&str> = vec![root];
        let mut stack: Vec<std::vec::IntoIter<&str>> = vec![deps_of(services, root)];
        state.insert(root, 1);
        while let Some(iter) = stack.last_mut() {
            match iter.next() {
                Some(dep) => match state.get(dep) {
                    Some(1) => {
                        let start = path.iter().position(|p| *p == dep).unwrap_or(0);
                        let mut cycle: Vec<&str> = path[start..].to_vec();
                        cycle.push(dep);
                        return Err(LoadError::invalid(format!(
                            "dependency cycle detected: {}",
                            cycle.join(" -> ")
                        )));
                    }
                    Some(_) => {}
                    None => {
                        state.insert(dep, 1);
                        path.push(dep);
                        stack.push(deps_of(services, dep));
                    }
                },
                None => {
                    stack.pop();
                    if let Some(done) = path.pop() {
                        state.insert(done, 2);
                    }
                }
            }
        }
    }
    Ok(())
}

fn deps_of<'a>(services: &'a berth_model::Map, name: &str) -> std::vec::IntoIter<&'a str> {
    let mut deps: Vec<&str> = services
        .get(name)
        .and_then(|s| s.get("depends_on"))
        .and_then(Value::as_map)
        .map(|m| {
            m.keys()
                .map(String::as_str)
                .filter(|d| services.contains_key(*d))
                .collect()
        })
        .unwrap_or_default();
    deps.sort();
    deps.into_iter()
}

fn resource_exists(project: &Project, kind: &str, name: &str) -> bool {
    project
        .model
        .get(kind)
        .and_then(Value::as_map)
        .is_some_and(|m| m.contains_key(name))
}

/// Every `{source: …}` entry of `refs` names a top-level resource of `kind`.
fn check_references(
    project: &Project,
    service: &str,
    refs: Option<&Value>,
    kind: &str,
    what: &str,
    key: &str,
) -> Result<(), LoadError> {
    for reference in str_list(refs) {
        let source = reference
            .get("source")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !resource_exists(project, kind, source) {
            return Err(invalid(
                format!("service {service:?} refers to undefined {what} {source}: {INVALID}"),
                format!("services.{service}.{key}"),
            ));
        }
    }
    Ok(())
}

fn check_service(project: &mut Project, name: &str) -> Result<(), LoadError> {
    let s = project.services()[name].clone();
    let at = format!("services.{name}");
    let build = s.get("build");
    if build.is_none() && s.get("image").is_none() && s.get("provider").is_none() {
        return Err(invalid(
            format!(
                "service {name:?} has neither an image nor a build context specified: {INVALID}"
            ),
            at,
        ));
    }
    if let Some(build) = build {
        if build.get("dockerfile_inline").is_some() && build.get("dockerfile").is_some() {
            return Err(invalid(
                format!("service {name:?} declares mutualy exclusive dockerfile and dockerfile_inline: {INVALID}"),
                format!("{at}.build"),
            ));
        }
        if let Some(Value::Map(contexts)) = build.get("additional_contexts") {
            for (key, c) in contexts {
                let Some(target) = c.as_str().and_then(|c| c.strip_prefix("service:")) else {
                    continue;
                };
                match project.services().get(target) {
                    None => {
                        return Err(invalid(
                            format!("service {name:?} declares unknown service {target:?} as additional contexts {key}"),
                            format!("{at}.build.additional_contexts"),
                        ))
                    }
                    Some(t) if t.get("build").is_none() => {
                        return Err(invalid(
                            format!("service {name:?} declares non-buildable service {target:?} as additional contexts {key}"),
                            format!("{at}.build.additional_contexts"),
                        ))
                    }
                    _ => {}
                }
            }
        }
        if let (Some(Value::Seq(platforms)), Some(platform)) = (
            build.get("platforms"),
            s.get("platform").and_then(Value::as_str),
        ) {
            if !platforms.is_empty() && !platforms.iter().any(|p| p.as_str() == Some(platform)) {
                return Err(invalid(
                    format!("service.build.platforms MUST include service.platform {platform:?}: {INVALID}"),
                    format!("{at}.platform"),
                ));
            }
        }
    }
    let networks = s.get("networks").and_then(Value::as_map);
    if s.get("network_mode")
        .and_then(Value::as_str)
        .is_some_and(|m| !m.is_empty())
        && networks.is_some_and(|n| !n.is_empty())
    {
        return Err(invalid(
            format!("service {name} declares mutually exclusive `network_mode` and `networks`: {INVALID}"),
            format!("{at}.network_mode"),
        ));
    }
    for network in networks.into_iter().flat_map(|n| n.keys()) {
        if !resource_exists(project, "networks", network) {
            return Err(invalid(
                format!("service {name:?} refers to undefined network {network}: {INVALID}"),
                format!("{at}.networks.{network}"),
            ));
        }
    }
    if let Some(first) = s
        .get("healthcheck")
        .and_then(|h| h.get("test"))
        .and_then(Value::as_seq)
        .and_then(|t| t.first())
    {
        if !matches!(first.as_str(), Some("CMD" | "CMD-SHELL" | "NONE")) {
            return Err(invalid(
                "healthcheck.test must start either by \"CMD\", \"CMD-SHELL\" or \"NONE\"".into(),
                format!("{at}.healthcheck.test"),
            ));
        }
    }
    if let Some(Value::Map(deps)) = s.get("depends_on") {
        for (dep, cfg) in deps {
            if project.services().contains_key(dep) {
                continue;
            }
            let required = cfg.get("required").and_then(Value::as_bool).unwrap_or(true);
            if project.disabled_services.contains_key(dep) && !required {
                continue;
            }
            return Err(invalid(
                format!("service {name:?} depends on undefined service {dep:?}: {INVALID}"),
                format!("{at}.depends_on.{dep}"),
            ));
        }
    }
    if let Some(target) = s
        .get("network_mode")
        .and_then(Value::as_str)
        .and_then(|m| m.strip_prefix("service:"))
    {
        if !project.services().contains_key(target) {
            return Err(invalid(
                format!("service {target:?} not found for network_mode 'service:{target}'"),
                format!("{at}.network_mode"),
            ));
        }
    }
    for volume in str_list(s.get("volumes")) {
        if volume.get("type").and_then(Value::as_str) != Some("volume") {
            continue;
        }
        if let Some(source) = volume
            .get("source")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            if !resource_exists(project, "volumes", source) {
                return Err(invalid(
                    format!("service {name:?} refers to undefined volume {source}: {INVALID}"),
                    format!("{at}.volumes"),
                ));
            }
        }
    }
    let build_secrets = build.and_then(|b| b.get("secrets"));
    check_references(
        project,
        name,
        build_secrets,
        "secrets",
        "build secret",
        "build.secrets",
    )?;
    check_references(
        project,
        name,
        s.get("configs"),
        "configs",
        "config",
        "configs",
    )?;
    if let Some(Value::Map(models)) = s.get("models") {
        for model in models.keys() {
            if !resource_exists(project, "models", model) {
                return Err(invalid(
                    format!("service {name:?} refers to undefined model {model}: {INVALID}"),
                    format!("{at}.models"),
                ));
            }
        }
    }
    check_references(
        project,
        name,
        s.get("secrets"),
        "secrets",
        "secret",
        "secrets",
    )?;

    let scale = s.get("scale").and_then(Value::as_i64);
    let replicas = s
        .get("deploy")
        .and_then(|d| d.get("replicas"))
        .and_then(Value::as_i64);
    if let (Some(scale), true) = (scale, s.get("deploy").is_some()) {
        if replicas.is_some_and(|r| r != scale) {
            return Err(invalid(
                format!("services.{name}: can't set distinct values on 'scale' and 'deploy.replicas': {INVALID}"),
                format!("{at}.scale"),
            ));
        }
        // compose copies scale into deploy.replicas here (through a shared pointer).
        if let Some(deploy) = project
            .services_mut()
            .get_mut(name)
            .and_then(|s| s.get_mut("deploy"))
        {
            if let Some(d) = deploy.as_map_mut() {
                d.insert("replicas".into(), Value::Int(scale));
            }
        }
    }
    if scale.is_some_and(|s| s < 0) {
        return Err(invalid(
            format!("services.{name}.scale: must be greater than or equal to 0"),
            format!("{at}.scale"),
        ));
    }
    if replicas.is_some_and(|r| r < 0) {
        return Err(invalid(
            format!("services.{name}.deploy.replicas: must be greater than or equal to 0"),
            format!("{at}.deploy.replicas"),
        ));
    }
    let resources = s.get("deploy").and_then(|d| d.get("resources"));
    let limits = resources.and_then(|r| r.get("limits"));
    let reservations = resources.and_then(|r| r.get("reservations"));
    let deploy_set = s.get("deploy").is_some();
    for (key, value, section, deploy_key, label) in [
        (
            "cpus",
            non_zero(s.get("cpus")),
            limits,
            "cpus",
            "deploy.resources.limits.cpus",
        ),
        (
            "mem_limit",
            non_zero(s.get("mem_limit")),
            limits,
            "memory",
            "deploy.resources.limits.memory",
        ),
        (
            "mem_reservation",
            non_zero(s.get("mem_reservation")),
            reservations,
            "memory",
            "deploy.resources.reservations.memory",
        ),
        (
            "pids_limit",
            non_zero(s.get("pids_limit")),
            limits,
            "pids",
            "deploy.resources.limits.pids",
        ),
    ] {
        let (Some(value), true, Some(section)) = (value, deploy_set, section) else {
            continue;
        };
        if as_f64(section.get(deploy_key)).unwrap_or(0.0) != value {
            return Err(invalid(
                format!("services.{name}: can't set distinct values on '{key}' and '{label}': {INVALID}"),
                format!("{at}.{key}"),
            ));
        }
    }
    let effective_scale = scale.or(replicas).unwrap_or(1);
    if effective_scale > 1 && s.get("container_name").is_some() {
        let attr = if scale.is_none() {
            "deploy.replicas"
        } else {
            "scale"
        };
        return Err(invalid(
            format!("services.{attr}: can't set container_name and {name} as container name must be unique: {INVALID}"),
            format!("{at}.container_name"),
        ));
    }
    for watch in str_list(s.get("develop").and_then(|d| d.get("watch"))) {
        let target = watch.get("target").and_then(Value::as_str).unwrap_or("");
        let action = watch.get("action").and_then(Value::as_str).unwrap_or("");
        if target.is_empty() && action != "rebuild" && action != "restart" {
            return Err(invalid(
                format!("services.{name}.develop.watch: target is required for non-rebuild actions: {INVALID}"),
                format!("{at}.develop.watch"),
            ));
        }
    }
    // No target is mounted twice: tmpfs entries first, then volumes, as compose checks them.
    let tmpfs_targets = str_list(s.get("tmpfs")).map(|t| {
        let text = t.as_str().unwrap_or("");
        ("tmpfs", text.split(':').next().unwrap_or("").to_string())
    });
    let volume_targets = str_list(s.get("volumes")).map(|v| {
        let target = v.get("target").and_then(Value::as_str).unwrap_or("");
        ("volumes", target.to_string())
    });
    let mut mounts: HashMap<String, String> = HashMap::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (key, target) in tmpfs_targets.chain(volume_targets) {
        let i = index.entry(key).or_default();
        let loc = format!("services.{name}.{key}[{i}]");
        *i += 1;
        if let Some(p) = mounts.get(&target) {
            return Err(invalid(
                format!("{loc}: target {target} already mounted as {p}"),
                format!("{at}.{key}"),
            ));
        }
        mounts.insert(target, loc);
    }
    Ok(())
}

/// docker compose's `CheckContainerNameUnicity`. Its message prints the set's empty value
/// (`{}`) where a service name was meant, and a stray quote; both kept to match.
pub fn check_container_name_unicity(project: &Project) -> Result<(), LoadError> {
    let mut names: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut services: Vec<(&String, &Value)> = project.services().iter().collect();
    services.sort_by_key(|(n, _)| *n);
    for (name, s) in services {
        if let Some(container) = s
            .get("container_name")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
        {
            if names.contains(container) {
                return Err(invalid(
                    format!("services.{name}: container name {container:?} is already in use by service {{}}\""),
                    format!("services.{name}.container_name"),
                ));
            }
            names.insert(container);
        }
    }
    Ok(())
}
