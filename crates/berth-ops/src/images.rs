//! `images`: the image of each of the project's containers, stopped ones included
//! (compose's `Images`): one list call, then one inspect per container, all at once.

use berth_engine::models::ContainerSummary;
use berth_engine::{ContainerFilter, Engine, EngineError};
use berth_model::image_ref::ImageRef;
use berth_model::labels;

use crate::ps::canonical_name;

/// One container's image (`api.ImageSummary`, keyed by the container's name).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageSummary {
    pub container: String,
    /// `sha256:…`
    pub id: String,
    /// The familiar name (`busybox`, `example/app`), empty for an image referenced by ID.
    pub repository: String,
    pub tag: String,
    pub os: String,
    pub architecture: String,
    pub variant: String,
    pub os_version: String,
    pub size: i64,
    /// RFC 3339, as the engine gives them; `last_tag_time` is Go's zero time for an image
    /// never tagged.
    pub created: String,
    pub last_tag_time: String,
}

/// The images of the project's containers (of `services` only when given), sorted by
/// container name.
pub async fn images(
    engine: &Engine,
    project: &str,
    services: &[String],
) -> Result<Vec<ImageSummary>, EngineError> {
    let filter = ContainerFilter {
        labels: vec![format!("{}={}", labels::PROJECT, project.to_lowercase())],
        all: true,
    };
    let containers: Vec<ContainerSummary> = engine
        .list_containers(&filter)
        .await?
        .into_iter()
        .filter(|c| {
            services.is_empty()
                || c.labels
                    .as_ref()
                    .and_then(|l| l.get(labels::SERVICE))
                    .is_some_and(|s| services.contains(s))
        })
        .collect();
    let inspects = futures_util::future::join_all(
        containers
            .iter()
            .map(|c| inspect(engine, c.image.as_deref().unwrap_or_default())),
    )
    .await;
    let mut out = Vec::new();
    for (c, image) in containers.iter().zip(inspects) {
        let image = image?;
        let reference = c.image.as_deref().unwrap_or_default();
        let (repository, tag) = match ImageRef::parse_docker_ref(reference) {
            Ok(r) => (familiar_name(&r), r.tag.clone().unwrap_or_default()),
            Err(_) => (String::new(), String::new()),
        };
        out.push(ImageSummary {
            container: canonical_name(
                c.id.as_deref().unwrap_or_default(),
                c.names.as_deref().unwrap_or_default(),
            ),
            id: image.id.unwrap_or_default(),
            repository,
            tag,
            os: image.os.unwrap_or_default(),
            architecture: image.architecture.unwrap_or_default(),
            variant: image.variant.unwrap_or_default(),
            os_version: image.os_version.unwrap_or_default(),
            size: image.size.unwrap_or(0),
            created: image.created.unwrap_or_default(),
            last_tag_time: image
                .metadata
                .and_then(|m| m.last_tag_time)
                .unwrap_or_default(),
        });
    }
    out.sort_by(|a, b| a.container.cmp(&b.container));
    Ok(out)
}

/// The image, which must exist (the engine's 404 is the error).
async fn inspect(
    engine: &Engine,
    reference: &str,
) -> Result<berth_engine::models::ImageInspect, EngineError> {
    engine
        .inspect_image(reference)
        .await?
        .ok_or_else(|| EngineError::Daemon {
            status: 404,
            message: format!("No such image: {reference}"),
        })
}

/// distribution's `FamiliarName`: `docker.io/library/busybox` is `busybox`.
pub fn familiar_name(r: &ImageRef) -> String {
    if r.domain != "docker.io" {
        return r.name();
    }
    r.path
        .strip_prefix("library/")
        .filter(|rest| !rest.contains('/'))
        .unwrap_or(&r.path)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn familiar_names_drop_the_default_registry() {
        for (given, familiar) in [
            ("busybox", "busybox"),
            ("example/app:1", "example/app"),
            ("docker.io/library/busybox", "busybox"),
            ("127.0.0.1:5000/app", "127.0.0.1:5000/app"),
        ] {
            let r = ImageRef::parse_docker_ref(given).unwrap();
            assert_eq!(familiar_name(&r), familiar, "{given}");
        }
    }
}
