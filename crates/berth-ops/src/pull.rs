//! Pulling the images `up` and `create` need, before anything is created (compose's
//! `pullRequiredImages`): which services must pull under their pull policy, the pulls in
//! parallel with compose's progress events (the service, and each layer under it), and the
//! pulled images' IDs.

use berth_engine::{DockerCredentials, EngineError, PullMessage};
use berth_model::compose::{PullPolicy, Service, VolumeType};
use berth_model::image_ref::ImageRef;
use futures_util::StreamExt;
use indexmap::IndexMap;

use crate::error::{OpsError, OpsResult};
use crate::events::{Event, Status};
use crate::runner::Runner;
use berth_model::compose::Project;

/// An image on the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalImage {
    pub id: String,
    /// When it was last tagged (unix seconds), for the time-based pull policies.
    pub last_tag_time: Option<i64>,
}

/// The local images by the reference the services name them with (`None`: not on the engine).
pub type LocalImages = IndexMap<String, Option<LocalImage>>;

/// How pulls report and authenticate.
#[derive(Debug, Clone, Default)]
pub struct PullOptions {
    /// `--quiet-pull`: only the services' events, not their layers'.
    pub quiet: bool,
    /// Whether a layer's progress shows its bar: the docker CLI draws it when standard input
    /// is not a terminal or is wider than 110 columns.
    pub bar: bool,
    /// Credentials by registry domain, from the docker CLI's config file.
    pub credentials: IndexMap<String, DockerCredentials>,
}

/// Whether `service`'s image must be pulled (compose's `mustPull`), `now` in unix seconds.
pub fn must_pull(service: &Service, local: Option<&LocalImage>, now: i64) -> Result<bool, String> {
    if service.provider.is_some() || service.image.as_deref().unwrap_or_default().is_empty() {
        return Ok(false);
    }
    let policy = service.pull_policy.as_ref();
    match policy {
        Some(PullPolicy::Always) => return Ok(true),
        Some(PullPolicy::Never | PullPolicy::Build) => return Ok(false),
        _ => {}
    }
    match policy.and_then(PullPolicy::refresh_interval) {
        Some(interval) => {
            let interval = interval?;
            Ok(match local {
                None => true,
                // An image never tagged here counts as tagged at Go's zero time: long ago.
                Some(image) => {
                    let tagged = image.last_tag_time.unwrap_or(i64::MIN / 2);
                    now > tagged.saturating_add(interval.nanos() / 1_000_000_000)
                }
            })
        }
        None => Ok(local.is_none()),
    }
}

/// Whether a failed pull may be ignored: the image can be built instead (compose's
/// `isServiceImageToBuild`).
fn buildable(image: &str, service: &Service, project: &Project) -> bool {
    service.build.is_some()
        || project
            .services
            .values()
            .any(|s| s.image.as_deref() == Some(image) && s.build.is_some())
}

/// One image to pull, under the name its events carry.
#[derive(Debug)]
struct Wanted<'a> {
    name: String,
    image: String,
    service: Option<&'a Service>,
}

/// What must be pulled, decided on the images the engine has, `now` in unix seconds.
fn wanted<'a>(project: &'a Project, images: &LocalImages, now: i64) -> OpsResult<Vec<Wanted<'a>>> {
    let mut wanted = Vec::new();
    for service in project.services.values() {
        let image = service.image_name(project);
        let local = images.get(&image).and_then(Option::as_ref);
        if must_pull(service, local, now).map_err(OpsError::message)? {
            wanted.push(Wanted {
                name: service.name.clone(),
                image,
                service: Some(service),
            });
        }
        // An image mounted as a volume is pulled when missing, under a name of its own.
        for (i, volume) in service.volumes.iter().enumerate() {
            let source = volume.source.clone().unwrap_or_default();
            if volume.kind == Some(VolumeType::Image)
                && images.get(&source).is_none_or(Option::is_none)
            {
                wanted.push(Wanted {
                    name: format!("{}:volume {i}", service.name),
                    image: source,
                    service: None,
                });
            }
        }
    }
    Ok(wanted)
}

/// Pulls what the services need and records the pulled images in `images`.
pub(crate) async fn pull_required(
    runner: &Runner<'_>,
    project: &Project,
    images: &mut LocalImages,
    options: &PullOptions,
) -> OpsResult<()> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let wanted = wanted(project, images, now)?;
    let pulls = wanted.iter().map(|w| {
        let platform = project.platform(w.service);
        async move {
            let has_build = w.service.is_some_and(|s| s.build.is_some());
            let result = runner
                .pull(&w.name, &w.image, platform.as_deref(), has_build, options)
                .await;
            match result {
                // The image can be built instead.
                Err(_) if w.service.is_some_and(|s| buildable(&w.image, s, project)) => Ok(None),
                other => other.map(|id| Some((w.image.clone(), id))),
            }
        }
    });
    let results = futures_util::future::join_all(pulls).await;
    if !wanted.is_empty() {
        runner.progress.end_section();
    }
    let mut first_error = None;
    for result in results {
        match result {
            Ok(Some((image, id))) => {
                images.insert(
                    image,
                    Some(LocalImage {
                        id,
                        last_tag_time: Some(now),
                    }),
                );
            }
            Ok(None) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

impl Runner<'_> {
    /// Pulls `image` with compose's events under `name`; returns the pulled image's ID
    /// (empty in a dry run, where only the registry is asked). A refused pull is a warning
    /// for a service that has a `build` section of its own.
    async fn pull(
        &self,
        name: &str,
        image: &str,
        platform: Option<&str>,
        has_build: bool,
        options: &PullOptions,
    ) -> OpsResult<String> {
        let _permit = self.permit().await;
        let mut pulling = Event::new(name, Status::Working, "");
        pulling.text = "Pulling".into();
        self.progress.event(pulling);
        let reference =
            ImageRef::parse_docker_ref(image).map_err(|e| OpsError::message(e.to_string()))?;
        let credentials = options.credentials.get(&reference.domain).cloned();
        let fail = |message: &str| {
            let (status, text) = if has_build {
                (Status::Warning, "Warning")
            } else {
                (Status::Error, "Error")
            };
            let mut event = Event::new(name, status, message);
            event.text = text.into();
            self.progress.event(event);
        };
        if self.dry_run {
            // compose's dry-run client only asks the registry whether the image is there.
            if let Err(e) = self
                .engine
                .distribution_digest(&reference.to_string(), credentials)
                .await
            {
                let message = match &e {
                    EngineError::Daemon { message, .. }
                        if e.is_not_found() || message.contains("not found") =>
                    {
                        "not found".to_string()
                    }
                    EngineError::Daemon { message, .. } => message.clone(),
                    other => other.to_string(),
                };
                fail(&message);
                return Err(OpsError::message(format!("{image}: {message}")));
            }
            self.pulled(name);
            return Ok(String::new());
        }
        let tag = reference
            .digest
            .clone()
            .or_else(|| reference.tag.clone())
            .unwrap_or_else(|| "latest".into());
        let mut stream = self
            .engine
            .pull_image(&reference.name(), &tag, platform, credentials);
        let mut first = true;
        while let Some(message) = stream.next().await {
            let message = match message {
                Ok(m) => m,
                // The registry refused before the pull began: compose's event, the engine's error.
                Err(EngineError::Daemon { status, message }) if first => {
                    fail(&message);
                    return Err(EngineError::Daemon { status, message }.into());
                }
                Err(e) => return Err(e.into()),
            };
            first = false;
            if !options.quiet {
                if let Some(event) = layer_event(name, &message, options.bar) {
                    self.progress.event(event);
                }
            }
        }
        self.pulled(name);
        let inspect = self.engine.inspect_image(image).await?;
        Ok(inspect.and_then(|i| i.id).unwrap_or_default())
    }

    fn pulled(&self, name: &str) {
        let mut pulled = Event::new(name, Status::Done, "");
        pulled.text = "Pulled".into();
        self.progress.event(pulled);
    }
}

/// A layer's progress as compose reports it (`toPullProgressEvent`): only messages with an
/// ID and progress details.
fn layer_event(parent: &str, message: &PullMessage, bar: bool) -> Option<Event> {
    let (current, total) = message.progress?;
    if message.id.is_empty() {
        return None;
    }
    let mut status = Status::Working;
    let (mut shown_current, mut shown_total, mut percent) = (0, 0, 0);
    match message.status.as_str() {
        "Downloading" | "Extracting" | "Verifying Checksum" => {
            (shown_current, shown_total) = (current, total);
            if total > 0 {
                percent = current * 100 / total;
            }
        }
        "Download complete" | "Already exists" | "Pull complete" => {
            status = Status::Done;
            percent = 100;
        }
        _ => {}
    }
    if message.status.contains("Image is up to date")
        || message.status.contains("Downloaded newer image")
    {
        status = Status::Done;
        percent = 100;
    }
    let mut event = Event::new(&message.id, status, progress_text(current, total, bar));
    event.parent_id = parent.to_string();
    event.text = message.status.clone();
    event.current = shown_current;
    event.total = shown_total;
    event.percent = percent;
    Some(event)
}

/// The docker CLI's `JSONProgress.String()` for bytes: a 50-column bar (when there is room)
/// and `current/total` in decimal units.
fn progress_text(current: i64, total: i64, bar: bool) -> String {
    if current <= 0 && total <= 0 {
        return String::new();
    }
    let size = |n: i64| berth_model::gofmt::human_size(n as f64, 4);
    if total <= 0 {
        return format!("{:>8}", size(current));
    }
    let filled = ((current as f64 / total as f64 * 100.0) as i64 / 2).min(50) as usize;
    let bar = if bar {
        format!("[{}>{}] ", "=".repeat(filled), " ".repeat(50 - filled))
    } else {
        String::new()
    };
    let numbers = if current > total {
        format!("{:>8}", size(current))
    } else {
        format!("{:>8}/{}", size(current), size(total))
    };
    format!("{bar}{numbers}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(image: &str, policy: Option<PullPolicy>) -> Service {
        Service {
            name: "s".into(),
            image: Some(image.into()),
            pull_policy: policy,
            ..Default::default()
        }
    }

    const DAY: i64 = 24 * 3600;

    #[test]
    fn pull_policies_decide_as_compose_does() {
        let here = LocalImage {
            id: "sha256:1".into(),
            last_tag_time: Some(1_000 * DAY),
        };
        let now = 1_000 * DAY + 2 * DAY;
        let cases = [
            (None, None, true),
            (None, Some(&here), false),
            (Some(PullPolicy::Missing), Some(&here), false),
            (Some(PullPolicy::IfNotPresent), None, true),
            (Some(PullPolicy::Always), Some(&here), true),
            (Some(PullPolicy::Never), None, false),
            (Some(PullPolicy::Build), None, false),
            (Some(PullPolicy::Daily), Some(&here), true),
            (Some(PullPolicy::Weekly), Some(&here), false),
            (Some(PullPolicy::Weekly), None, true),
            (
                Some(PullPolicy::Other("every_3d".into())),
                Some(&here),
                false,
            ),
            (
                Some(PullPolicy::Other("every_1h".into())),
                Some(&here),
                true,
            ),
            // `refresh` alone is no time-based policy: compose treats it as `missing`.
            (Some(PullPolicy::Refresh), Some(&here), false),
        ];
        for (policy, local, expected) in cases {
            let s = service("busybox", policy.clone());
            assert_eq!(
                must_pull(&s, local, now),
                Ok(expected),
                "{policy:?} {local:?}"
            );
        }
        let bad = service("busybox", Some(PullPolicy::Other("every_x".into())));
        assert!(must_pull(&bad, None, now).is_err());
        let build_only = Service {
            name: "b".into(),
            ..Default::default()
        };
        assert_eq!(must_pull(&build_only, None, now), Ok(false));
    }

    /// An image mounted as a volume is pulled only when the engine lacks it, under the
    /// name compose gives it; the service's own image follows its policy.
    #[test]
    fn images_mounted_as_volumes_are_pulled_when_missing() {
        let mounted = |source: &str| berth_model::compose::ServiceVolume {
            kind: Some(VolumeType::Image),
            source: Some(source.into()),
            target: "/data".into(),
            ..Default::default()
        };
        let s = Service {
            volumes: vec![mounted("present:1"), mounted("absent:1")],
            ..service("busybox", Some(PullPolicy::Never))
        };
        let project = Project {
            name: "p".into(),
            services: [("s".to_string(), s)].into_iter().collect(),
            ..Default::default()
        };
        let here = LocalImage {
            id: "sha256:1".into(),
            last_tag_time: None,
        };
        let images: LocalImages = [
            ("busybox".to_string(), None),
            ("present:1".to_string(), Some(here)),
        ]
        .into_iter()
        .collect();
        let pulls: Vec<(String, String)> = wanted(&project, &images, 0)
            .unwrap()
            .into_iter()
            .map(|w| (w.name, w.image))
            .collect();
        assert_eq!(pulls, [("s:volume 1".to_string(), "absent:1".to_string())]);
        // The images the project needs are what `up` asks the engine about.
        let needed: Vec<String> = project.images().collect();
        assert_eq!(needed, ["busybox", "present:1", "absent:1"]);
    }

    #[test]
    fn layer_progress_reads_as_the_docker_cli_prints_it() {
        let message = |status: &str, progress: Option<(i64, i64)>| PullMessage {
            id: "1023033525b6".into(),
            status: status.into(),
            progress,
        };
        let e = layer_event("s", &message("Downloading", Some((69213, 4211335))), true).unwrap();
        assert_eq!(
            e.status_text,
            format!("[>{}]  69.21kB/4.211MB", " ".repeat(50))
        );
        assert_eq!((e.current, e.total, e.percent), (69213, 4211335, 1));
        assert_eq!(
            (e.parent_id.as_str(), e.text.as_str()),
            ("s", "Downloading")
        );
        let e = layer_event("s", &message("Extracting", Some((4211335, 4211335))), false).unwrap();
        assert_eq!(e.status_text, " 4.211MB/4.211MB");
        let e = layer_event("s", &message("Pull complete", Some((0, 0))), true).unwrap();
        assert_eq!(
            (e.status, e.percent, e.status_text.as_str()),
            (Status::Done, 100, "")
        );
        assert!(layer_event("s", &message("Already exists", None), true).is_none());
    }
}
