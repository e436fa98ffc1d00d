//! `events`: the project's container events as the engine reports them (compose's
//! pkg/compose/events.go): one-off containers left out, compose's own labels dropped from
//! the attributes.

use std::collections::BTreeMap;

use berth_engine::{Engine, EngineError};
use berth_model::labels;
use futures_util::stream::StreamExt;

/// One container event (compose's `api.Event`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerEvent {
    /// Unix nanoseconds.
    pub time_nano: i64,
    pub service: String,
    pub container: String,
    pub action: String,
    /// The actor's attributes but compose's labels, sorted.
    pub attributes: BTreeMap<String, String>,
}

/// Passes the project's container events (of `services` when given) to `consumer`, from
/// `since` to `until` (as the engine takes them) or, without `until`, for as long as the
/// engine sends them.
pub async fn events(
    engine: &Engine,
    project: &str,
    services: &[String],
    since: Option<String>,
    until: Option<String>,
    consumer: &mut dyn FnMut(ContainerEvent),
) -> Result<(), EngineError> {
    let project = project.to_lowercase();
    let mut stream = engine.events(&[labels::project_filter(&project)], None, since, until);
    while let Some(event) = stream.next().await {
        let event = event?;
        if event.typ.map(|t| t.to_string()).as_deref() != Some("container") {
            continue;
        }
        let actor = event.actor.unwrap_or_default();
        let attributes = actor.attributes.unwrap_or_default();
        if attributes.get(labels::ONEOFF).map(String::as_str) == Some("True") {
            continue;
        }
        let service = attributes.get(labels::SERVICE).cloned().unwrap_or_default();
        if !services.is_empty() && !services.contains(&service) {
            continue;
        }
        let time_nano = match event.time_nano {
            Some(n) if n != 0 => n,
            _ => event.time.unwrap_or(0) * 1_000_000_000,
        };
        consumer(ContainerEvent {
            time_nano,
            service,
            container: actor.id.unwrap_or_default(),
            action: event.action.unwrap_or_default(),
            attributes: attributes
                .into_iter()
                .filter(|(k, _)| !k.starts_with("com.docker.compose."))
                .collect(),
        });
    }
    Ok(())
}
