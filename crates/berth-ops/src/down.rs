//! `down`: stop and remove the project's containers in reverse dependency order, then its
//! networks, and with `-v` its named volumes, with `--rmi` its images. Only objects that
//! carry this project's label are removed; external ones never are.

use berth_engine::{Engine, ObjectFilter};
use berth_model::labels;
use berth_plan::Container;
use futures_util::future::{join_all, try_join_all};

use crate::error::{OpsError, OpsResult};
use crate::events::{status, Event, Progress, Status};
use crate::hooks::Hooks;
use crate::observe;
use crate::runner::Runner;
use crate::scope::{Scope, Widen};
use crate::walk::walk;
use berth_model::compose::Project;
use berth_model::labels::project_filter;

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
    pub parallel: Option<usize>,
    pub dry_run: bool,
}

/// Takes the project down. `project` is the loaded file when there is one; without it the
/// services, networks and volumes are found by the project's labels.
pub async fn down(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
    options: &DownOptions,
    progress: &dyn Progress,
) -> OpsResult<()> {
    let runner = Runner::new(engine, progress, options.dry_run, options.parallel);
    let all = observe::containers(engine, name, true).await?;
    let containers: Vec<Container> = all
        .into_iter()
        .filter(|c| options.remove_orphans || !c.oneoff)
        .collect();
    let scope = match project {
        Some(p) => Scope::from_project(p),
        None => Scope::from_labels(&containers),
    };
    let services: Vec<String> = scope.names().map(str::to_string).collect();
    let selected: Vec<String> = if options.services.is_empty() {
        services.clone()
    } else {
        let mut chosen = Vec::new();
        for s in &options.services {
            if services.contains(s) {
                chosen.push(s.clone());
            } else if project.is_some() {
                return Err(OpsError::message(format!("no such service: {s}")));
            }
        }
        if chosen.is_empty() {
            return Ok(());
        }
        chosen
    };
    let graph = scope.graph();
    let resource_to_remove = !containers.is_empty();
    // Selected services and what depends on them go down (`WithRootNodesAndDown`).
    let going_down: Vec<String> = scope
        .select(&selected, Widen::Dependents)?
        .names()
        .map(str::to_string)
        .collect();
    walk(&graph, true, |service| {
        let containers = &containers;
        let runner = &runner;
        let going = going_down.contains(&service.to_string());
        async move {
            if !going {
                return Ok(());
            }
            let list: Vec<&Container> = containers
                .iter()
                .filter(|c| c.service == service && !c.oneoff)
                .collect();
            try_join_all(list.iter().map(|c| {
                let hooks = Hooks::pre_stop(project, c);
                async move {
                    runner
                        .stop_and_remove(c, options.timeout, options.volumes, &hooks)
                        .await
                }
            }))
            .await?;
            Ok(())
        }
    })
    .await?;

    if options.remove_orphans {
        let known: Vec<&str> = services.iter().map(String::as_str).collect();
        let orphans = berth_plan::reconcile::orphans(&containers, &known);
        let orphans: Vec<&Container> = orphans
            .into_iter()
            .chain(containers.iter().filter(|c| c.oneoff))
            .collect();
        let mut seen = Vec::new();
        let unique: Vec<&Container> = orphans
            .into_iter()
            .filter(|c| {
                let new = !seen.contains(&c.id);
                seen.push(c.id.clone());
                new
            })
            .collect();
        let runner = &runner;
        try_join_all(unique.iter().map(|c| async move {
            runner
                .stop_and_remove(c, options.timeout, false, &Hooks::default())
                .await
        }))
        .await?;
    }
    if !options.services.is_empty() {
        // `down svc` removes the containers only.
        return Ok(());
    }

    let networks = project_networks(engine, name, project).await?;
    let volumes = if options.volumes {
        project_volumes(engine, name, project).await?
    } else {
        Vec::new()
    };
    let images = match (options.images, project) {
        (Some(mode), Some(p)) => images_to_remove(engine, p, mode).await?,
        _ => Vec::new(),
    };
    if !resource_to_remove && networks.is_empty() && volumes.is_empty() && images.is_empty() {
        progress.warning(&format!(
            "Warning: No resource found to remove for project {name:?}."
        ));
        return Ok(());
    }
    let network_ops = networks
        .iter()
        .map(|(id, n)| remove_network(&runner, id, n));
    let volume_ops = volumes.iter().map(|v| remove_volume(&runner, v));
    let image_ops = images.iter().map(|i| remove_image(&runner, i));
    for result in join_all(network_ops).await {
        result?;
    }
    for result in join_all(image_ops).await {
        result?;
    }
    for result in join_all(volume_ops).await {
        result?;
    }
    Ok(())
}

/// The project's own networks on the engine (id, name): created by compose for this
/// project, and named in the file when there is one.
async fn project_networks(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
) -> OpsResult<Vec<(String, String)>> {
    let filter = ObjectFilter {
        labels: vec![project_filter(name)],
        ..Default::default()
    };
    let listed = engine.list_networks(&filter).await?;
    let mut out = Vec::new();
    for n in listed {
        let (Some(id), Some(net_name)) = (n.id, n.name) else {
            continue;
        };
        let key = n
            .labels
            .as_ref()
            .and_then(|l| l.get(labels::NETWORK))
            .cloned()
            .unwrap_or_default();
        let wanted = match project {
            Some(p) => p
                .networks
                .get(&key)
                .is_some_and(|cfg| !cfg.external && p.network_name(&key) == net_name),
            None => true,
        };
        if wanted {
            out.push((id, net_name));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// The project's own named volumes: labelled for this project, never external ones.
async fn project_volumes(
    engine: &Engine,
    name: &str,
    project: Option<&Project>,
) -> OpsResult<Vec<String>> {
    let filter = ObjectFilter {
        labels: vec![project_filter(name)],
        ..Default::default()
    };
    let listed = engine.list_volumes(&filter).await?;
    let mut out: Vec<String> = listed
        .into_iter()
        .filter(|v| match project {
            Some(p) => {
                let key = v.labels.get(labels::VOLUME).cloned().unwrap_or_default();
                p.volumes
                    .get(&key)
                    .is_some_and(|cfg| !cfg.external && p.volume_name(&key) == v.name)
            }
            None => true,
        })
        .map(|v| v.name)
        .collect();
    out.sort();
    Ok(out)
}

/// `--rmi`: the images compose's pruner picks (present on the engine only).
async fn images_to_remove(
    engine: &Engine,
    project: &Project,
    mode: RemoveImages,
) -> OpsResult<Vec<String>> {
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
    let found = observe::images(engine, candidates).await?;
    let mut images: Vec<String> = found
        .into_iter()
        .filter(|(_, image)| image.is_some())
        .map(|(r, _)| familiar_tagged(&r))
        .collect();
    images.sort();
    images.dedup();
    Ok(images)
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

async fn remove_network(runner: &Runner<'_>, id: &str, name: &str) -> OpsResult<()> {
    let event = format!("Network {name}");
    runner.progress.event(status::removing(&event));
    if runner.dry_run {
        runner.progress.event(status::removed(&event));
        return Ok(());
    }
    let inspect = runner.engine.inspect_network(id).await?;
    let Some(inspect) = inspect else {
        runner.progress.event(Event::new(
            &event,
            Status::Warning,
            "No resource found to remove",
        ));
        return Ok(());
    };
    if inspect.containers.is_some_and(|c| !c.is_empty()) {
        runner.progress.event(Event::new(
            &event,
            Status::Warning,
            "Resource is still in use",
        ));
        return Ok(());
    }
    match runner.engine.remove_network(id).await {
        Ok(()) => {
            runner.progress.event(status::removed(&event));
            Ok(())
        }
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => {
            runner.progress.event(status::error(&event));
            Err(OpsError::message(format!(
                "failed to remove network {name}: {e}"
            )))
        }
    }
}

/// Removes a volume or an image with compose's events: in use is a warning, already
/// gone is done.
async fn remove_resource<F>(runner: &Runner<'_>, event: String, remove: F) -> OpsResult<()>
where
    F: std::future::Future<Output = Result<(), berth_engine::EngineError>>,
{
    runner.progress.event(status::removing(&event));
    if runner.dry_run {
        runner.progress.event(status::removed(&event));
        return Ok(());
    }
    match remove.await {
        Ok(()) => runner.progress.event(status::removed(&event)),
        Err(e) if e.is_conflict() => runner.progress.event(Event::new(
            &event,
            Status::Warning,
            "Resource is still in use",
        )),
        Err(e) if e.is_not_found() => runner.progress.event(Event::new(
            &event,
            Status::Done,
            "Warning: No resource found to remove",
        )),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

async fn remove_volume(runner: &Runner<'_>, name: &str) -> OpsResult<()> {
    let remove = runner.engine.remove_volume(name);
    remove_resource(runner, format!("Volume {name}"), remove).await
}

async fn remove_image(runner: &Runner<'_>, image: &str) -> OpsResult<()> {
    let remove = runner.engine.remove_image(image);
    remove_resource(runner, format!("Image {image}"), remove).await
}
