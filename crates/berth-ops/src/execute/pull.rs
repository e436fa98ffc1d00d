//! Pull steps: one image pulled with compose's progress events (the service, and each
//! layer under it); the pulled image's ID is what the step made.

use berth_engine::{DockerCredentials, EngineError, PullMessage};
use berth_model::image_ref::ImageRef;
use futures_util::StreamExt;
use indexmap::IndexMap;

use super::Executor;
use crate::error::{OpsError, OpsResult};
use crate::events::{Event, Status};

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

impl Executor<'_> {
    /// Pulls `image` with compose's events under `name`; returns the pulled image's ID
    /// (empty in a dry run, where only the registry is asked). A refused pull is a warning
    /// for a service that has a `build` section of its own.
    pub(super) async fn pull_image(
        &self,
        name: &str,
        image: &str,
        platform: Option<&str>,
        has_build: bool,
    ) -> OpsResult<String> {
        let options = &self.pull;
        let mut pulling = Event::new(name, Status::Working, "");
        pulling.text = "Pulling".into();
        self.progress.event(pulling);
        let reference =
            ImageRef::parse_docker_ref(image).map_err(|e| OpsError::Reference(e.to_string()))?;
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
        let Some(engine) = self.hands.live() else {
            // compose's dry-run client only asks the registry whether the image is there.
            if let Err(e) = self
                .hands
                .read()
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
                return Err(OpsError::NotInRegistry {
                    image: image.to_string(),
                    message,
                });
            }
            self.pulled(name);
            return Ok(String::new());
        };
        let tag = reference
            .digest
            .clone()
            .or_else(|| reference.tag.clone())
            .unwrap_or_else(|| "latest".into());
        let mut stream = engine.pull_image(&reference.name(), &tag, platform, credentials);
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
        let inspect = engine.inspect_image(image).await?;
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
