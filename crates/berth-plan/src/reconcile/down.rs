//! `down`: the project's containers stopped and removed in reverse dependency order, then
//! its networks, with `--rmi` its images, with `-v` its named volumes. Only objects that
//! carry the project's label are removed; external ones never are.

use berth_model::compose::Project;
use berth_model::labels;

use super::up::{remove_step, stop_steps, StopHow};
use super::{orphans, PlanError};
use crate::graph::{Graph, Widen};
use crate::observed::{Container, Observed};
use crate::plan::{Operation, Phase, Plan, Report, StepId, Word};

/// Which images `down --rmi` removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoveImages {
    /// Images without a custom `image:` name (those compose builds).
    Local,
    /// Every image the services use.
    All,
}

#[derive(Debug, Clone, Default)]
pub struct DownOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    pub remove_orphans: bool,
    pub images: Option<RemoveImages>,
    pub volumes: bool,
    pub timeout: Option<i32>,
}

/// The images `down --rmi` would remove, by the reference the services name (compose's
/// pruner); the observation keeps those the engine has.
pub fn image_candidates(project: &Project, mode: RemoveImages) -> Vec<String> {
    let mut candidates = Vec::new();
    for s in project.services.values() {
        match &s.image {
            Some(image) if !image.is_empty() => {
                if mode == RemoveImages::All {
                    candidates.push(image.clone());
                }
            }
            _ => candidates.push(s.image_name(project)),
        }
    }
    candidates
}

/// Plans `down` of project `name`. `project` is the loaded file when there is one; without
/// it the services come from the containers' labels, and every network and volume of the
/// project's label goes. `observed` has the project's containers (stopped and one-off ones
/// included), the networks and volumes listed by the project's label, and the images.
pub fn reconcile_down(
    name: &str,
    project: Option<&Project>,
    observed: &Observed,
    options: &DownOptions,
) -> Result<Plan, PlanError> {
    let mut plan = Plan::default();
    let containers: Vec<&Container> = observed
        .containers
        .iter()
        .filter(|c| options.remove_orphans || !c.oneoff)
        .collect();
    let owned: Vec<Container> = containers.iter().map(|c| (*c).clone()).collect();
    let graph = match project {
        Some(p) => Graph::of_project(p),
        None => Graph::of_labels(&owned),
    };
    let selected: Vec<String> = if options.services.is_empty() {
        graph.services().map(str::to_string).collect()
    } else {
        let mut chosen = Vec::new();
        for s in &options.services {
            if graph.contains(s) {
                chosen.push(s.clone());
            } else if project.is_some() {
                return Err(PlanError::NoSuchService(s.clone()));
            }
        }
        if chosen.is_empty() {
            return Ok(plan);
        }
        chosen
    };
    // Selected services and what depends on them go down (`WithRootNodesAndDown`).
    let going_down = graph
        .select(&selected, Widen::Dependents)
        .map_err(PlanError::NoSuchService)?;
    let empty = Project::default();
    let hooks_from = project.unwrap_or(&empty);
    let mut done: indexmap::IndexMap<&str, Vec<StepId>> = indexmap::IndexMap::new();
    for service in graph.order(true) {
        let mut after: Vec<StepId> = graph
            .prerequisites(service, true)
            .iter()
            .flat_map(|d| done.get(d).cloned().unwrap_or_default())
            .collect();
        if going_down.contains(service) {
            let mut last = Vec::new();
            // With --remove-orphans the service's run containers go with it (compose lists
            // them then, and filters by service only).
            for c in containers.iter().filter(|c| c.service == service) {
                let reason = format!("service {service} goes down");
                let how = StopHow {
                    timeout: options.timeout,
                    removing: true,
                    hooks: project.is_some(),
                };
                let stop = stop_steps(
                    &mut plan,
                    hooks_from,
                    c,
                    how,
                    Phase::Create,
                    &reason,
                    after.clone(),
                );
                last.push(remove_step(
                    &mut plan,
                    c,
                    options.volumes,
                    Phase::Create,
                    &reason,
                    stop,
                ));
            }
            if !last.is_empty() {
                after = last;
            }
        }
        done.insert(service, after);
    }
    let mut all: Vec<StepId> = plan.steps.iter().map(|s| s.id).collect();
    if options.remove_orphans {
        let known: Vec<&str> = graph.services().collect();
        // Exited run containers, and those of services that are not in the file; a run
        // container that runs on for a service without containers stays (compose's
        // `isOrphaned`). Those of the services that went down are gone already (compose
        // removes them twice, and reports the second removal's failure).
        let removed: Vec<&str> = containers
            .iter()
            .filter(|c| going_down.contains(&c.service))
            .map(|c| c.id.as_str())
            .collect();
        for c in orphans(&owned, &known) {
            if removed.contains(&c.id.as_str()) {
                continue;
            }
            let reason = if c.oneoff {
                "a run container (--remove-orphans)".to_string()
            } else {
                format!("orphan: service {} is not in the file", c.service)
            };
            let how = StopHow {
                timeout: options.timeout,
                removing: true,
                hooks: false,
            };
            let stop = stop_steps(
                &mut plan,
                hooks_from,
                c,
                how,
                Phase::Create,
                &reason,
                all.clone(),
            );
            remove_step(&mut plan, c, false, Phase::Create, &reason, stop);
        }
    }
    if !options.services.is_empty() {
        // `down svc` removes the containers only.
        return Ok(plan);
    }
    all = plan.steps.iter().map(|s| s.id).collect();
    let networks: Vec<(&String, &crate::observed::Network)> = observed
        .networks
        .iter()
        .filter(|(net_name, n)| {
            let key = n.labels.get(labels::NETWORK).cloned().unwrap_or_default();
            match project {
                Some(p) => p
                    .networks
                    .get(&key)
                    .is_some_and(|cfg| !cfg.external && p.network_name(&key) == **net_name),
                None => true,
            }
        })
        .collect();
    let volumes: Vec<&String> = if options.volumes {
        observed
            .volumes
            .iter()
            .filter(|(vol_name, v)| match project {
                Some(p) => {
                    let key = v.labels.get(labels::VOLUME).cloned().unwrap_or_default();
                    p.volumes
                        .get(&key)
                        .is_some_and(|cfg| !cfg.external && p.volume_name(&key) == **vol_name)
                }
                None => true,
            })
            .map(|(n, _)| n)
            .collect()
    } else {
        Vec::new()
    };
    let mut images: Vec<String> = match (options.images, project) {
        (Some(_), Some(_)) => observed
            .images
            .iter()
            .filter(|(_, image)| image.is_some())
            .map(|(r, _)| familiar_tagged(r))
            .collect(),
        _ => Vec::new(),
    };
    images.sort();
    images.dedup();
    if containers.is_empty() && networks.is_empty() && volumes.is_empty() && images.is_empty() {
        plan.warnings.push(format!(
            "Warning: No resource found to remove for project {name:?}."
        ));
        return Ok(plan);
    }
    let mut network_steps = Vec::new();
    for (net_name, n) in networks {
        network_steps.push(plan.add(
            Operation::RemoveNetwork {
                name: net_name.clone(),
                id: n.id.clone(),
                if_unused: true,
            },
            "the project's network",
            all.clone(),
            Phase::Create,
            Report::new(
                format!("Network {net_name}"),
                Some(Word::Removing),
                Some(Word::Removed),
            ),
        ));
    }
    let mut image_steps = Vec::new();
    for image in images {
        image_steps.push(plan.add(
            Operation::RemoveImage {
                reference: image.clone(),
            },
            "--rmi: an image of the project",
            [all.clone(), network_steps.clone()].concat(),
            Phase::Create,
            Report::new(
                format!("Image {image}"),
                Some(Word::Removing),
                Some(Word::Removed),
            ),
        ));
    }
    for volume in volumes {
        plan.add(
            Operation::RemoveVolume {
                name: volume.clone(),
            },
            "-v: the project's volume",
            [all.clone(), network_steps.clone(), image_steps.clone()].concat(),
            Phase::Create,
            Report::new(
                format!("Volume {volume}"),
                Some(Word::Removing),
                Some(Word::Removed),
            ),
        );
    }
    Ok(plan)
}

/// `reference.FamiliarString(TagNameOnly(ref))`: `:latest` added when there is no tag.
fn familiar_tagged(reference: &str) -> String {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    if last.contains(':') || last.contains('@') {
        reference.to_string()
    } else {
        format!("{reference}:latest")
    }
}
