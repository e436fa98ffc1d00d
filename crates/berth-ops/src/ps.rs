//! `ps`: the project's containers as compose's `api.ContainerSummary`, from one list call
//! filtered by the project label. The reference inspects every container for its health and
//! exit code; both are in the list's `Status` text (`Up 3 seconds (healthy)`,
//! `Exited (3) 2 seconds ago`), so only dead containers (whose status text has no code) are
//! inspected, concurrently.

use berth_engine::models::ContainerSummary as EngineSummary;
use berth_engine::{ContainerFilter, Engine, EngineError};
use berth_model::labels;
use indexmap::IndexMap;

/// What `ps` asks for (compose's `api.PsOptions`).
#[derive(Debug, Clone, Default)]
pub struct PsOptions {
    /// Stopped containers and run containers too.
    pub all: bool,
    /// Only these services (empty: all).
    pub services: Vec<String>,
}

/// A published or exposed port (`api.PortPublisher`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    pub url: String,
    pub target_port: u16,
    pub published_port: u16,
    pub protocol: String,
}

/// One container as `ps` shows it (`api.ContainerSummary`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContainerSummary {
    pub id: String,
    /// The canonical name, without the leading `/`.
    pub name: String,
    /// The engine's names, with their leading `/`.
    pub names: Vec<String>,
    pub image: String,
    pub project: String,
    pub service: String,
    pub command: String,
    pub state: String,
    pub status: String,
    /// Unix seconds.
    pub created: i64,
    /// Sorted by key (the reference prints them in Go's random map order).
    pub labels: IndexMap<String, String>,
    pub size_rw: i64,
    pub size_root_fs: i64,
    /// Volume names, or sources for binds.
    pub mounts: Vec<String>,
    pub local_volumes: usize,
    /// Sorted (the reference's order is Go's random map order).
    pub networks: Vec<String>,
    pub health: String,
    pub exit_code: i64,
    pub publishers: Vec<Publisher>,
}

/// The label filters compose's `getDefaultFilters` puts on a project's container list.
pub fn project_filter(project: &str, oneoff: Option<bool>, service: Option<&str>) -> Vec<String> {
    let mut f = vec![format!("{}={}", labels::PROJECT, project)];
    if let Some(service) = service {
        f.push(format!("{}={}", labels::SERVICE, service));
    }
    f.push(labels::CONFIG_HASH.to_string());
    if let Some(oneoff) = oneoff {
        f.push(format!(
            "{}={}",
            labels::ONEOFF,
            if oneoff { "True" } else { "False" }
        ));
    }
    f
}

/// The container's canonical name (compose's `getCanonicalContainerName`).
pub fn canonical_name(id: &str, names: &[String]) -> String {
    if names.is_empty() {
        return id.chars().take(12).collect();
    }
    for name in names {
        if name.rfind('/') == Some(0) {
            return name[1..].to_string();
        }
    }
    names[0].trim_start_matches('/').to_string()
}

/// Lists the project's containers (compose's `Ps`), in engine order.
pub async fn ps(
    engine: &Engine,
    project: &str,
    options: &PsOptions,
) -> Result<Vec<ContainerSummary>, EngineError> {
    let project = project.to_lowercase();
    let oneoff = if options.all { None } else { Some(false) };
    let service = match options.services.as_slice() {
        [one] => Some(one.as_str()),
        _ => None,
    };
    let filter = ContainerFilter {
        labels: project_filter(&project, oneoff, service),
        all: options.all,
    };
    let list = engine.list_containers(&filter).await?;
    let mut out: Vec<ContainerSummary> = list
        .into_iter()
        .map(summarise)
        .filter(|c| options.services.is_empty() || options.services.contains(&c.service))
        .collect();
    // Dead containers: the status text carries no exit code.
    let dead: Vec<usize> = (0..out.len()).filter(|&i| out[i].state == "dead").collect();
    if !dead.is_empty() {
        let inspections = futures_util::future::join_all(
            dead.iter().map(|&i| engine.inspect_container(&out[i].id)),
        )
        .await;
        for (i, inspect) in dead.into_iter().zip(inspections) {
            out[i].exit_code = inspect?.state.and_then(|s| s.exit_code).unwrap_or_default();
        }
    }
    Ok(out)
}

fn summarise(c: EngineSummary) -> ContainerSummary {
    let id = c.id.unwrap_or_default();
    let names = c.names.unwrap_or_default();
    let mut label_map: Vec<(String, String)> = c.labels.unwrap_or_default().into_iter().collect();
    label_map.sort();
    let labels: IndexMap<String, String> = label_map.into_iter().collect();
    let state = c.state.map(|s| s.to_string()).unwrap_or_default();
    let status = c.status.unwrap_or_default();
    let mut ports = c.ports.unwrap_or_default();
    // compose sorts by private port only (a stable sort for so few ports).
    ports.sort_by_key(|p| p.private_port);
    let publishers = ports
        .into_iter()
        .map(|p| Publisher {
            url: p.ip.unwrap_or_default(),
            target_port: p.private_port,
            published_port: p.public_port.unwrap_or_default(),
            protocol: p.typ.map(|t| t.to_string()).unwrap_or_default(),
        })
        .collect();
    let mut mounts = Vec::new();
    let mut local_volumes = 0;
    for m in c.mounts.unwrap_or_default() {
        let name = m
            .name
            .filter(|n| !n.is_empty())
            .or(m.source)
            .unwrap_or_default();
        if m.driver.as_deref() == Some("local") {
            local_volumes += 1;
        }
        mounts.push(name);
    }
    let mut networks: Vec<String> = c
        .network_settings
        .and_then(|n| n.networks)
        .map(|n| n.into_keys().collect())
        .unwrap_or_default();
    networks.sort();
    let health = if state == "running" {
        health_from_status(&status)
    } else {
        String::new()
    };
    let exit_code = if state == "exited" {
        exit_code_from_status(&status)
    } else {
        0
    };
    ContainerSummary {
        name: canonical_name(&id, &names),
        project: labels.get(labels::PROJECT).cloned().unwrap_or_default(),
        service: labels.get(labels::SERVICE).cloned().unwrap_or_default(),
        id,
        names,
        image: c.image.unwrap_or_default(),
        command: c.command.unwrap_or_default(),
        state,
        status,
        created: c.created.unwrap_or_default(),
        labels,
        size_rw: c.size_rw.unwrap_or_default(),
        size_root_fs: c.size_root_fs.unwrap_or_default(),
        mounts,
        local_volumes,
        networks,
        health,
        exit_code,
        publishers,
    }
}

/// The health word the engine puts in a running container's status (moby's
/// `container.State.String`): `Up 3 seconds (healthy)`, `(health: starting)`.
pub fn health_from_status(status: &str) -> String {
    let Some((_, rest)) = status.split_once('(') else {
        return String::new();
    };
    let Some(inner) = rest.strip_suffix(')') else {
        return String::new();
    };
    let inner = inner.strip_prefix("health: ").unwrap_or(inner);
    match inner {
        "healthy" | "unhealthy" | "starting" => inner.to_string(),
        _ => String::new(),
    }
}

/// The exit code in an exited container's status: `Exited (3) 2 seconds ago`.
pub fn exit_code_from_status(status: &str) -> i64 {
    status
        .strip_prefix("Exited (")
        .and_then(|r| r.split_once(')'))
        .and_then(|(code, _)| code.parse().ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_text_carries_health_and_exit_code() {
        assert_eq!(health_from_status("Up 3 seconds (healthy)"), "healthy");
        assert_eq!(
            health_from_status("Up 1 second (health: starting)"),
            "starting"
        );
        assert_eq!(health_from_status("Up 2 minutes (unhealthy)"), "unhealthy");
        assert_eq!(health_from_status("Up 2 minutes (Paused)"), "");
        assert_eq!(health_from_status("Up 2 minutes"), "");
        assert_eq!(exit_code_from_status("Exited (3) 2 seconds ago"), 3);
        assert_eq!(
            exit_code_from_status("Exited (137) About a minute ago"),
            137
        );
        assert_eq!(exit_code_from_status("Created"), 0);
    }

    #[test]
    fn canonical_name_skips_link_aliases() {
        let names = vec!["/other/alias".to_string(), "/p-web-1".to_string()];
        assert_eq!(canonical_name("abc", &names), "p-web-1");
        assert_eq!(canonical_name("0123456789abcdef", &[]), "0123456789ab");
    }

    #[test]
    fn filters_as_compose() {
        assert_eq!(
            project_filter("p", Some(false), Some("web")),
            vec![
                "com.docker.compose.project=p",
                "com.docker.compose.service=web",
                "com.docker.compose.config-hash",
                "com.docker.compose.oneoff=False"
            ]
        );
    }
}
