//! `port`: the public address of a service container's private port (compose's `Port`).

use berth_engine::Engine;

use crate::targets::{specified_container, OneOff, TargetError};

/// The host address and port that `private_port`/`protocol` is published on, in the
/// container's port list (its first match, as compose takes it).
pub async fn port(
    engine: &Engine,
    project: &str,
    service: &str,
    private_port: u16,
    protocol: &str,
    index: i64,
) -> Result<(String, u16), TargetError> {
    let target =
        specified_container(engine, project, OneOff::Include, false, service, index).await?;
    let ports = target.summary.ports.clone().unwrap_or_default();
    let kind =
        |p: &berth_engine::models::PortSummary| p.typ.map(|t| t.to_string()).unwrap_or_default();
    if let Some(p) = ports
        .iter()
        .find(|p| p.private_port == private_port && kind(p) == protocol)
    {
        return Ok((p.ip.clone().unwrap_or_default(), p.public_port.unwrap_or(0)));
    }
    // compose lists the container's public ports (not its private ones) after the colon.
    let listed: Vec<String> = ports
        .iter()
        .map(|p| format!("{}/{}", p.public_port.unwrap_or(0), kind(p)))
        .collect();
    Err(TargetError::Message(format!(
        "no port {private_port}/{protocol} for container {}: {}",
        target.name,
        listed.join(", ")
    )))
}
