//! Reconciliation, one module per verb: each returns the verb's [`Plan`](crate::Plan) from
//! the project and what was observed, with no I/O. Below them, the per-service and
//! per-resource decisions as compose's convergence makes them (`ensureService`,
//! `mustRecreate`, `ensureNetwork`, `ensureVolume`, `isOrphaned`).

pub mod down;
mod error;
pub mod explain;
pub mod lifecycle;
pub mod pull;
pub mod run;
pub mod up;

use std::fmt;

use indexmap::IndexMap;

use crate::observed::{Container, Network, State, Volume};

/// When existing containers are replaced (`--force-recreate`, `--no-recreate`, default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recreate {
    /// Only when the container diverged from the file.
    Diverged,
    Force,
    Never,
}

/// What a service should look like on the engine, derived from the file and the images.
#[derive(Debug, Clone)]
pub struct DesiredService {
    pub name: String,
    pub scale: u32,
    pub config_hash: String,
    /// The image ID the containers should carry in `com.docker.compose.image`.
    pub image_id: String,
    /// IDs of the networks the service must be attached to (checked on running containers).
    pub network_ids: Vec<String>,
    /// Engine names of the named volumes the service mounts.
    pub volumes: Vec<String>,
    pub policy: Recreate,
}

/// Why a container is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Divergence {
    Forced,
    ConfigHash,
    Image,
    Network,
    Volume,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Divergence::Forced => "forced",
            Divergence::ConfigHash => "configuration changed",
            Divergence::Image => "image changed",
            Divergence::Network => "network missing",
            Divergence::Volume => "volume missing",
        })
    }
}

/// One step for one container of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerAction {
    /// A new replica.
    Create { number: u32 },
    /// Replace a diverged container, keeping its number.
    Recreate {
        container: Container,
        reason: Divergence,
    },
    /// Up to date; running ones report `Running`, stopped ones are started later.
    Keep { container: Container },
    /// Up to date but in a state `start` does not handle (paused…): started now.
    Restart { container: Container },
    /// A surplus replica (scale down): stopped and removed.
    Remove { container: Container },
}

/// Whether `container` must be replaced to match `desired`, and why.
pub fn must_recreate(desired: &DesiredService, container: &Container) -> Option<Divergence> {
    match desired.policy {
        Recreate::Never => return None,
        Recreate::Force => return Some(Divergence::Forced),
        Recreate::Diverged => {}
    }
    if container.config_hash != desired.config_hash {
        return Some(Divergence::ConfigHash);
    }
    if container.image_label != desired.image_id {
        return Some(Divergence::Image);
    }
    if container.state == State::Running
        && desired
            .network_ids
            .iter()
            .any(|id| !container.networks.values().any(|n| n == id))
    {
        return Some(Divergence::Network);
    }
    if desired
        .volumes
        .iter()
        .any(|v| !container.volumes.iter().any(|m| m == v))
    {
        return Some(Divergence::Volume);
    }
    None
}

/// The actions that bring `observed` (the service's containers) to `desired`: obsolete
/// replicas and then the highest numbers go first when scaling down; new replicas take
/// numbers after the highest one seen, so gaps are not reused.
pub fn converge_service(desired: &DesiredService, observed: &[Container]) -> Vec<ContainerAction> {
    let mut containers: Vec<(&Container, Option<Divergence>)> = observed
        .iter()
        .map(|c| (c, must_recreate(desired, c)))
        .collect();
    // Up-to-date ones by increasing number, then the obsolete ones.
    containers.sort_by(|(a, a_obsolete), (b, b_obsolete)| {
        a_obsolete
            .is_some()
            .cmp(&b_obsolete.is_some())
            .then_with(|| match (a.number, b.number) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => b.created.cmp(&a.created),
            })
    });
    let expected = desired.scale as usize;
    let mut actions = Vec::new();
    for (i, (container, divergence)) in containers.iter().enumerate() {
        let container = (*container).clone();
        let action = if i >= expected {
            ContainerAction::Remove { container }
        } else if let Some(reason) = divergence {
            ContainerAction::Recreate {
                container,
                reason: *reason,
            }
        } else {
            match container.state {
                State::Running | State::Created | State::Restarting | State::Exited => {
                    ContainerAction::Keep { container }
                }
                _ => ContainerAction::Restart { container },
            }
        };
        actions.push(action);
    }
    let next = observed.iter().filter_map(|c| c.number).max().unwrap_or(0) + 1;
    for i in observed.len()..expected {
        actions.push(ContainerAction::Create {
            number: next + (i - observed.len()) as u32,
        });
    }
    actions
}

/// What to do about one of the project's networks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkAction {
    /// Exists with the expected configuration (or without a hash label).
    Use {
        id: String,
    },
    Create,
    /// Exists with another configuration hash: its services are stopped, it is removed
    /// and created again.
    Recreate {
        id: String,
    },
    /// `external: true` and present.
    External {
        id: String,
    },
}

pub use error::PlanError;

/// A decision and the warning compose prints on the way.
pub type Decision<T> = (T, Option<String>);

/// Decides about network `key` (engine name `name`) given what the engine has under that
/// name (`ensureNetwork`). A network of that name that compose did not create is warned
/// about and then refused, since its `com.docker.compose.network` label does not match.
pub fn plan_network(
    project: &str,
    key: &str,
    name: &str,
    external: bool,
    expected_hash: &str,
    found: Option<&Network>,
) -> Result<Decision<NetworkAction>, PlanError> {
    use berth_model::labels;
    if external {
        return match found {
            Some(n) => Ok((NetworkAction::External { id: n.id.clone() }, None)),
            None => Err(PlanError::ExternalNetworkMissing(name.to_string())),
        };
    }
    let Some(found) = found else {
        return Ok((NetworkAction::Create, None));
    };
    let warning = match found.labels.get(labels::PROJECT) {
        None => Some(format!(
            "a network with name {name} exists but was not created by compose.\nSet `external: true` to use an existing network"
        )),
        Some(p) if p != project => Some(format!(
            "a network with name {name} exists but was not created for project {project:?}.\nSet `external: true` to use an existing network"
        )),
        _ => None,
    };
    let label = found
        .labels
        .get(labels::NETWORK)
        .map(String::as_str)
        .unwrap_or("");
    if label != key {
        return Err(PlanError::NetworkLabel {
            name: name.to_string(),
            found: label.to_string(),
            expected: key.to_string(),
            warning,
        });
    }
    let action = match found.labels.get(labels::CONFIG_HASH) {
        Some(hash) if !hash.is_empty() && hash != expected_hash => NetworkAction::Recreate {
            id: found.id.clone(),
        },
        _ => NetworkAction::Use {
            id: found.id.clone(),
        },
    };
    Ok((action, warning))
}

/// What to do about one of the project's volumes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeAction {
    Use,
    Create,
    /// Exists with another configuration hash: compose asks before recreating it.
    Diverged,
    External,
}

/// Decides about volume `name` (`ensureVolume`).
pub fn plan_volume(
    project: &str,
    name: &str,
    external: bool,
    expected_hash: &str,
    found: Option<&Volume>,
) -> Result<Decision<VolumeAction>, PlanError> {
    use berth_model::labels;
    let Some(found) = found else {
        if external {
            return Err(PlanError::ExternalVolumeMissing(name.to_string()));
        }
        return Ok((VolumeAction::Create, None));
    };
    if external {
        return Ok((VolumeAction::External, None));
    }
    let warning = match found.labels.get(labels::PROJECT) {
        None => Some(format!("volume {name:?} already exists but was not created by Docker Compose. Use `external: true` to use an existing volume")),
        Some(p) if p != project => Some(format!("volume {name:?} already exists but was created for project {p:?} (expected {project:?}). Use `external: true` to use an existing volume")),
        _ => None,
    };
    let action = match found.labels.get(labels::CONFIG_HASH) {
        Some(hash) if hash != expected_hash => VolumeAction::Diverged,
        _ => VolumeAction::Use,
    };
    Ok((action, warning))
}

/// The project's containers whose service is neither enabled nor disabled, and exited
/// run containers (`isOrphaned`).
pub fn orphans<'a>(containers: &'a [Container], known_services: &[&str]) -> Vec<&'a Container> {
    containers
        .iter()
        .filter(|c| {
            // A run container is an orphan once it exited, whatever its service.
            if c.oneoff {
                return matches!(c.state, State::Exited | State::Dead);
            }
            !known_services.contains(&c.service.as_str())
        })
        .collect()
}

/// Observed containers grouped by service (run containers left out), numbers ascending.
pub fn by_service(containers: &[Container]) -> IndexMap<String, Vec<Container>> {
    let mut map: IndexMap<String, Vec<Container>> = IndexMap::new();
    for c in containers.iter().filter(|c| !c.oneoff) {
        map.entry(c.service.clone()).or_default().push(c.clone());
    }
    for list in map.values_mut() {
        list.sort_by_key(|c| (c.number.unwrap_or(0), c.name.clone()));
    }
    map
}

impl fmt::Display for ContainerAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContainerAction::Create { number } => write!(f, "create #{number}"),
            ContainerAction::Recreate { container, reason } => {
                write!(f, "recreate {} ({reason})", container.name)
            }
            ContainerAction::Keep { container } => {
                write!(f, "keep {} ({})", container.name, container.state.as_str())
            }
            ContainerAction::Restart { container } => write!(f, "restart {}", container.name),
            ContainerAction::Remove { container } => write!(f, "remove {}", container.name),
        }
    }
}

/// A service's actions as text, one per line: what `--dry-run` amounts to for it.
pub fn describe(actions: &[ContainerAction]) -> String {
    actions.iter().map(|a| format!("{a}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn container(number: u32, hash: &str, state: State) -> Container {
        Container {
            id: format!("id{number}"),
            name: format!("p-web-{number}"),
            service: "web".into(),
            number: Some(number),
            oneoff: false,
            config_hash: hash.into(),
            image_label: "sha256:img".into(),
            state,
            networks: [("p_default".to_string(), "net1".to_string())]
                .into_iter()
                .collect(),
            volumes: vec!["p_data".into()],
            anonymous_volumes: IndexMap::new(),
            created: i64::from(number),
            labels: IndexMap::new(),
        }
    }

    fn desired(scale: u32, policy: Recreate) -> DesiredService {
        DesiredService {
            name: "web".into(),
            scale,
            config_hash: "h1".into(),
            image_id: "sha256:img".into(),
            network_ids: vec!["net1".into()],
            volumes: vec!["p_data".into()],
            policy,
        }
    }

    fn plan(scale: u32, policy: Recreate, observed: &[Container]) -> String {
        describe(&converge_service(&desired(scale, policy), observed))
    }

    #[test]
    fn nothing_observed_creates_every_replica() {
        assert_eq!(plan(2, Recreate::Diverged, &[]), "create #1\ncreate #2\n");
    }

    #[test]
    fn up_to_date_containers_are_kept_and_stopped_ones_started_later() {
        let observed = [
            container(1, "h1", State::Running),
            container(2, "h1", State::Exited),
            container(3, "h1", State::Paused),
        ];
        assert_eq!(
            plan(3, Recreate::Diverged, &observed),
            "keep p-web-1 (running)\nkeep p-web-2 (exited)\nrestart p-web-3\n"
        );
    }

    #[test]
    fn scaling_down_removes_obsolete_then_highest_numbers_and_numbers_are_not_reused() {
        let observed = [
            container(1, "h1", State::Running),
            container(2, "old", State::Running),
            container(4, "h1", State::Running),
        ];
        assert_eq!(
            plan(1, Recreate::Diverged, &observed),
            "keep p-web-1 (running)\nremove p-web-4\nremove p-web-2\n"
        );
        assert_eq!(
            plan(4, Recreate::Diverged, &observed),
            "keep p-web-1 (running)\nkeep p-web-4 (running)\nrecreate p-web-2 (configuration changed)\ncreate #5\n"
        );
    }

    #[test]
    fn divergence_reasons_follow_compose_order() {
        let mut image = container(1, "h1", State::Running);
        image.image_label = "sha256:other".into();
        let mut network = container(2, "h1", State::Running);
        network.networks.clear();
        let mut stopped_off_network = container(3, "h1", State::Exited);
        stopped_off_network.networks.clear();
        let mut volume = container(4, "h1", State::Running);
        volume.volumes.clear();
        assert_eq!(
            plan(4, Recreate::Diverged, &[image, network, stopped_off_network, volume]),
            "keep p-web-3 (exited)\nrecreate p-web-1 (image changed)\nrecreate p-web-2 (network missing)\nrecreate p-web-4 (volume missing)\n"
        );
    }

    #[test]
    fn policies_force_and_never() {
        let observed = [container(1, "old", State::Running)];
        assert_eq!(
            plan(1, Recreate::Never, &observed),
            "keep p-web-1 (running)\n"
        );
        let fresh = [container(1, "h1", State::Running)];
        assert_eq!(
            plan(1, Recreate::Force, &fresh),
            "recreate p-web-1 (forced)\n"
        );
    }

    #[test]
    fn networks_of_other_owners_are_refused_or_warned_about() {
        let labelled = |pairs: &[(&str, &str)]| Network {
            id: "n1".into(),
            name: "p_default".into(),
            labels: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let err = plan_network(
            "p",
            "default",
            "p_default",
            false,
            "h",
            Some(&labelled(&[])),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "network p_default was found but has incorrect label com.docker.compose.network set to \"\" (expected: \"default\")"
        );
        assert!(err
            .warning()
            .unwrap()
            .contains("was not created by compose"));
        let ours = labelled(&[
            ("com.docker.compose.project", "p"),
            ("com.docker.compose.network", "default"),
            ("com.docker.compose.config-hash", "old"),
        ]);
        assert_eq!(
            plan_network("p", "default", "p_default", false, "h", Some(&ours)).unwrap(),
            (NetworkAction::Recreate { id: "n1".into() }, None)
        );
        assert_eq!(
            plan_network("p", "default", "p_default", true, "h", None)
                .unwrap_err()
                .to_string(),
            "network p_default declared as external, but could not be found"
        );
    }

    #[test]
    fn volumes_of_another_project_are_used_with_a_warning() {
        let v = Volume {
            name: "shared".into(),
            labels: [("com.docker.compose.project".to_string(), "q".to_string())]
                .into_iter()
                .collect(),
        };
        let (action, warning) = plan_volume("p", "shared", false, "h", Some(&v)).unwrap();
        assert_eq!(action, VolumeAction::Use);
        assert_eq!(
            warning.unwrap(),
            "volume \"shared\" already exists but was created for project \"q\" (expected \"p\"). Use `external: true` to use an existing volume"
        );
        assert_eq!(
            plan_volume("p", "gone", true, "h", None)
                .unwrap_err()
                .to_string(),
            "external volume \"gone\" not found"
        );
    }

    #[test]
    fn exited_run_containers_and_unknown_services_are_orphans() {
        let mut run = container(1, "h1", State::Exited);
        run.oneoff = true;
        run.name = "p-web-run-1".into();
        let mut gone = container(2, "h1", State::Running);
        gone.service = "gone".into();
        gone.name = "p-gone-1".into();
        let kept = container(3, "h1", State::Running);
        let all = [run, gone, kept];
        let names: Vec<&str> = orphans(&all, &["web"])
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["p-web-run-1", "p-gone-1"]);
    }
}
