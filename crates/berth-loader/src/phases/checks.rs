//! Phase: model checks the schema cannot express, on the canonical model with defaults
//! (compose-go `validation/`): mutually exclusive file-object sources, port host IPs,
//! blank watch paths, GPU requests with both count and device ids.

use std::net::IpAddr;

use berth_model::Value;

use crate::error::LoadError;

fn fail(path: &str, message: String) -> LoadError {
    LoadError::Invalid {
        message,
        path: Some(path.to_string()),
    }
}

/// Runs every check over the model.
pub fn check(dict: &Value) -> Result<(), LoadError> {
    for (key, sources) in [
        ("configs", &["file", "environment", "content"][..]),
        ("secrets", &["file", "environment"][..]),
    ] {
        if let Some(Value::Map(objects)) = dict.get(key) {
            for (name, object) in objects {
                check_file_object(object, &format!("{key}.{name}"), sources)?;
            }
        }
    }
    if let Some(Value::Map(volumes)) = dict.get("volumes") {
        for (name, volume) in volumes {
            check_volume(volume, &format!("volumes.{name}"))?;
        }
    }
    let Some(Value::Map(services)) = dict.get("services") else {
        return Ok(());
    };
    for (name, service) in services {
        let base = format!("services.{name}");
        for port in service
            .get("ports")
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
        {
            if let Some(ip) = port.get("host_ip") {
                let text = ip.scalar_to_string().unwrap_or_default();
                if text.parse::<IpAddr>().is_err() {
                    return Err(fail(
                        &format!("{base}.ports"),
                        format!("{base}.ports.[]: invalid ip address: {text}"),
                    ));
                }
            }
        }
        let watches = service
            .get("develop")
            .and_then(|d| d.get("watch"))
            .and_then(Value::as_seq);
        for watch in watches.into_iter().flatten() {
            if watch.get("path").and_then(Value::as_str) == Some("") {
                return Err(fail(
                    &format!("{base}.develop.watch"),
                    format!("{base}.develop.watch.[].path: value can't be blank"),
                ));
            }
        }
        let reservations = service
            .get("deploy")
            .and_then(|d| d.get("resources"))
            .and_then(|r| r.get("reservations"))
            .and_then(|r| r.get("devices"))
            .and_then(Value::as_seq);
        let gpus = service.get("gpus").and_then(Value::as_seq);
        for (path, device) in reservations
            .into_iter()
            .flatten()
            .map(|d| {
                (
                    format!("{base}.deploy.resources.reservations.devices.[]"),
                    d,
                )
            })
            .chain(
                gpus.into_iter()
                    .flatten()
                    .map(|d| (format!("{base}.gpus.[]"), d)),
            )
        {
            if device.get("count").is_some() && device.get("device_ids").is_some() {
                return Err(fail(
                    &path,
                    format!("{path}: \"count\" and \"device_ids\" attributes are exclusive"),
                ));
            }
        }
    }
    Ok(())
}

fn check_file_object(object: &Value, path: &str, sources: &[&str]) -> Result<(), LoadError> {
    let Some(map) = object.as_map() else {
        return Ok(());
    };
    let count = sources.iter().filter(|k| map.contains_key(**k)).count();
    if count > 1 {
        return Err(fail(
            path,
            format!(
                "{path}: {} attributes are mutually exclusive",
                sources.join("|")
            ),
        ));
    }
    if count == 0 && !map.contains_key("driver") && !map.contains_key("external") {
        return Err(fail(
            path,
            format!("{path}: one of {} must be set", sources.join("|")),
        ));
    }
    Ok(())
}

fn check_volume(volume: &Value, path: &str) -> Result<(), LoadError> {
    let Some(map) = volume.as_map() else {
        return Ok(());
    };
    if !matches!(map.get("external"), Some(Value::Bool(true))) {
        return Ok(());
    }
    for key in map.keys() {
        if key == "name" || key == "external" || key.starts_with("x-") {
            continue;
        }
        return Err(fail(
            path,
            format!("{path}: conflicting parameters \"external\" and {key:?} specified"),
        ));
    }
    Ok(())
}
