//! `commit`: a new image from a service container's changes (compose's `Commit`). One
//! engine call on the container the arguments name: there is nothing observed to reconcile,
//! so no plan, as with `cp` and `export`.

use berth_engine::{CommitOptions, Engine};
use berth_model::image_ref::ImageRef;

use crate::events::{Event, Progress, Status};
use crate::targets::{specified_container, OneOff, TargetError};

/// What `commit` asks for (compose's `api.CommitOptions`).
#[derive(Debug, Clone, Default)]
pub struct CommitRequest {
    pub service: String,
    /// `REPOSITORY[:TAG]`, empty for an untagged image.
    pub reference: String,
    pub index: i64,
    pub comment: String,
    pub author: String,
    pub changes: Vec<String>,
    pub pause: bool,
}

/// Commits the service's container and reports it; in a dry run nothing is committed.
pub async fn commit(
    engine: &Engine,
    project: &str,
    request: &CommitRequest,
    progress: &dyn Progress,
    dry_run: bool,
) -> Result<(), TargetError> {
    let target = specified_container(
        engine,
        project,
        OneOff::Include,
        false,
        &request.service,
        request.index,
    )
    .await?;
    let event = |status, word: String| {
        let mut e = Event::new(&target.name, status, word);
        e.text = format!("Commit {}", target.name);
        e
    };
    progress.event(event(Status::Working, "Committing".into()));
    if dry_run {
        progress.event(event(Status::Done, "Committed".into()));
        return Ok(());
    }
    let (repo, tag) = repository_and_tag(&request.reference)?;
    let options = CommitOptions {
        repo,
        tag,
        comment: request.comment.clone(),
        author: request.author.clone(),
        changes: request.changes.clone(),
        pause: request.pause,
    };
    let id = engine.commit_container(&target.id, &options).await?;
    progress.event(event(Status::Done, format!("Committed as {id}")));
    Ok(())
}

/// The docker client's reading of a commit's reference: normalised, `latest` when it has
/// no tag, and never a digest.
fn repository_and_tag(reference: &str) -> Result<(String, String), TargetError> {
    if reference.is_empty() {
        return Ok((String::new(), String::new()));
    }
    let parsed =
        ImageRef::parse_docker_ref(reference).map_err(|e| TargetError::Message(e.to_string()))?;
    if parsed.digest.is_some() {
        return Err(TargetError::Message(
            "refusing to create a tag with a digest reference".into(),
        ));
    }
    Ok((parsed.name(), parsed.tag.unwrap_or_else(|| "latest".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_normalised_with_a_default_tag() {
        assert_eq!(
            repository_and_tag("app").unwrap(),
            ("docker.io/library/app".into(), "latest".into())
        );
        assert_eq!(
            repository_and_tag("127.0.0.1:5000/x/app:v1").unwrap(),
            ("127.0.0.1:5000/x/app".into(), "v1".into())
        );
        assert_eq!(
            repository_and_tag("App").unwrap_err().to_string(),
            "invalid reference format: repository name (library/App) must be lowercase"
        );
        let digest = format!("app@sha256:{}", "a".repeat(64));
        assert_eq!(
            repository_and_tag(&digest).unwrap_err().to_string(),
            "refusing to create a tag with a digest reference"
        );
    }
}
