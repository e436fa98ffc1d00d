//! Phase: profiles and service selection on the typed project (compose-go `types/project.go`:
//! WithProfiles, WithServicesEnabled, WithSelectedServices, WithoutUnnecessaryResources).

use std::collections::{BTreeSet, HashSet};

use berth_model::{Map, Value};

use crate::error::LoadError;
use crate::project::Project;

fn service_profiles(service: &Value) -> Vec<&str> {
    service
        .get("profiles")
        .and_then(Value::as_seq)
        .map(|p| p.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether a service is active: it has no profile, or one of them is selected (`*` = all).
pub fn has_profile(service: &Value, profiles: &[String]) -> bool {
    let own = service_profiles(service);
    own.is_empty()
        || profiles
            .iter()
            .any(|p| p == "*" || own.contains(&p.as_str()))
}

/// Moves services whose profiles are not active to the disabled set.
pub fn with_profiles(project: &mut Project, profiles: &[String]) {
    let mut all = std::mem::take(project.services_mut());
    all.extend(std::mem::take(&mut project.disabled_services));
    let (enabled, disabled): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|(_, s)| has_profile(s, profiles));
    *project.services_mut() = enabled.into_iter().collect();
    project.disabled_services = disabled.into_iter().collect();
    project.profiles = profiles.to_vec();
}

/// Enables services named on the command line by activating their profiles.
pub fn with_services_enabled(project: &mut Project, names: &[String]) {
    if names.is_empty() {
        return;
    }
    let mut profiles = project.profiles.clone();
    for name in names {
        if project.services().contains_key(name) {
            continue;
        }
        if let Some(service) = project.disabled_services.get(name) {
            profiles.extend(service_profiles(service).into_iter().map(str::to_string));
        }
    }
    with_profiles(project, &profiles);
}

fn depends_on(service: &Value) -> Vec<(String, bool)> {
    service
        .get("depends_on")
        .and_then(Value::as_map)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let required = v.get("required").and_then(Value::as_bool).unwrap_or(true);
                    (k.clone(), required)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Go's `filepath.Match` for the `*`, `?` and `[...]` patterns compose accepts as names.
fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|i| go(&p[1..], &n[i..])),
            Some('?') => !n.is_empty() && go(&p[1..], &n[1..]),
            Some('[') => {
                let Some(end) = p.iter().position(|c| *c == ']') else {
                    return false;
                };
                let Some(c) = n.first() else { return false };
                let class = &p[1..end];
                let (negate, class) = match class.first() {
                    Some('^') => (true, &class[1..]),
                    _ => (false, class),
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == '-' {
                        hit |= class[i] <= *c && *c <= class[i + 2];
                        i += 3;
                    } else {
                        hit |= class[i] == *c;
                        i += 1;
                    }
                }
                hit != negate && go(&p[end + 1..], &n[1..])
            }
            Some(ch) => n.first() == Some(ch) && go(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

/// Names of the services `names` selects (glob patterns allowed) with their dependencies,
/// the way compose's `ForEachService` walks them.
fn collect_with_dependencies(
    project: &Project,
    names: &[String],
    required: &dyn Fn(&str) -> bool,
    seen: &mut BTreeSet<String>,
) -> Result<(), LoadError> {
    for name in names {
        let matched: Vec<String> = project
            .services()
            .keys()
            .filter(|s| glob_match(name, s))
            .cloned()
            .collect();
        if matched.is_empty() {
            if required(name) {
                return Err(LoadError::invalid(format!("no such service: {name}")));
            }
            continue;
        }
        for service_name in matched {
            if !seen.insert(service_name.clone()) {
                continue;
            }
            let deps = depends_on(&project.services()[&service_name]);
            if !deps.is_empty() {
                let dep_names: Vec<String> = deps.iter().map(|(n, _)| n.clone()).collect();
                let req = |n: &str| deps.iter().any(|(d, r)| d == n && *r);
                collect_with_dependencies(project, &dep_names, &req, seen)?;
            }
        }
    }
    Ok(())
}

/// Keeps only the selected services and their dependencies.
pub fn with_selected_services(project: &mut Project, names: &[String]) -> Result<(), LoadError> {
    if names.is_empty() {
        return Ok(());
    }
    let mut set = BTreeSet::new();
    collect_with_dependencies(project, names, &|_| true, &mut set)?;
    let services = std::mem::take(project.services_mut());
    let mut enabled = Map::default();
    for (name, mut service) in services {
        if set.contains(&name) {
            if let Some(Value::Map(deps)) = service.get_mut("depends_on") {
                deps.retain(|d, _| set.contains(d));
            }
            enabled.insert(name, service);
        } else {
            project.disabled_services.insert(name, service);
        }
    }
    *project.services_mut() = enabled;
    Ok(())
}

/// Service names with every dependency before its dependents (compose's `--services` order).
pub fn dependency_order(project: &Project) -> Vec<String> {
    let services = project.services();
    let mut names: Vec<&String> = services.keys().collect();
    names.sort();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::with_capacity(names.len());
    fn visit<'a>(
        name: &'a str,
        services: &'a Map,
        seen: &mut HashSet<&'a str>,
        out: &mut Vec<String>,
    ) {
        if !seen.insert(name) {
            return;
        }
        if let Some((key, service)) = services.get_key_value(name) {
            if let Some(Value::Map(deps)) = service.get("depends_on") {
                let mut deps: Vec<&String> = deps.keys().collect();
                deps.sort();
                for d in deps {
                    visit(d, services, seen, out);
                }
            }
            out.push(key.clone());
        }
    }
    for name in names {
        visit(name, services, &mut seen, &mut out);
    }
    out
}

/// Drops networks, volumes, secrets, configs and models that no enabled service uses.
pub fn without_unnecessary_resources(project: &mut Project) {
    let mut used: [BTreeSet<String>; 5] = Default::default();
    let [networks, volumes, secrets, configs, models] = &mut used;
    for service in project.services().values() {
        if let Some(Value::Map(n)) = service.get("networks") {
            networks.extend(n.keys().cloned());
        }
        for v in service
            .get("volumes")
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
        {
            if v.get("type").and_then(Value::as_str) == Some("volume") {
                if let Some(source) = v
                    .get("source")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                {
                    volumes.insert(source.to_string());
                }
            }
        }
        let build_secrets = service.get("build").and_then(|b| b.get("secrets"));
        for list in [service.get("secrets"), build_secrets] {
            for s in list.and_then(Value::as_seq).into_iter().flatten() {
                if let Some(source) = s.get("source").and_then(Value::as_str) {
                    secrets.insert(source.to_string());
                }
            }
        }
        for c in service
            .get("configs")
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
        {
            if let Some(source) = c.get("source").and_then(Value::as_str) {
                configs.insert(source.to_string());
            }
        }
        if let Some(Value::Map(m)) = service.get("models") {
            models.extend(m.keys().cloned());
        }
    }
    let Some(model) = project.model.as_map_mut() else {
        return;
    };
    for (key, keep) in ["networks", "volumes", "secrets", "configs", "models"]
        .iter()
        .zip(used.iter())
    {
        if let Some(Value::Map(resources)) = model.get_mut(*key) {
            resources.retain(|name, _| keep.contains(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_as_go_filepath_match() {
        assert!(glob_match("web*", "web-1"));
        assert!(glob_match("w?b", "web"));
        assert!(glob_match("[a-c]x", "bx"));
        assert!(!glob_match("[^a-c]x", "bx"));
        assert!(!glob_match("web", "web2"));
    }
}
