//! `events` lines: compose's text form (`api.Event.String`) and its `--json` objects.

use std::fmt::Write as _;

use berth_model::gotime::UtcTime;
use berth_ops::container_events::ContainerEvent;

use crate::format::value::json_string;

/// `2006-01-02 15:04:05.000000 container <action> <id> (k=v, …)` and the empty line that
/// compose's `Fprintln` of a string ending in a line break adds. Go prints the attributes
/// in its map order, which varies; they are sorted here.
pub fn text(event: &ContainerEvent) -> String {
    let (time, nanos) = split(event.time_nano);
    let attributes: Vec<String> = event
        .attributes
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!(
        "{} {}.{:06} container {} {} ({})\n\n",
        time.date(),
        time.clock(),
        nanos / 1000,
        event.action,
        event.container,
        attributes.join(", ")
    )
}

/// `{"action":…,"attributes":{…},"id":…,"service":…,"time":…,"type":"container"}`: Go's
/// `json.Marshal` of a map (sorted keys, HTML-escaped strings, RFC 3339 time with the
/// fraction's trailing zeros trimmed).
pub fn json(event: &ContainerEvent) -> String {
    let mut out = String::from("{\"action\":");
    json_string(&mut out, &event.action, true);
    out.push_str(",\"attributes\":{");
    for (i, (k, v)) in event.attributes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(&mut out, k, true);
        out.push(':');
        json_string(&mut out, v, true);
    }
    out.push_str("},\"id\":");
    json_string(&mut out, &event.container, true);
    out.push_str(",\"service\":");
    json_string(&mut out, &event.service, true);
    let (time, nanos) = split(event.time_nano);
    let mut fraction = String::new();
    if nanos > 0 {
        let _ = write!(fraction, ".{nanos:09}");
        while fraction.ends_with('0') {
            fraction.pop();
        }
    }
    let _ = writeln!(
        out,
        ",\"time\":\"{}T{}{fraction}Z\",\"type\":\"container\"}}",
        time.date(),
        time.clock()
    );
    out
}

fn split(time_nano: i64) -> (UtcTime, u32) {
    (
        UtcTime::from_unix(time_nano.div_euclid(1_000_000_000)),
        time_nano.rem_euclid(1_000_000_000) as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> ContainerEvent {
        ContainerEvent {
            time_nano: 1_796_455_248_370_451_946,
            service: "bb".into(),
            container: "74e7".into(),
            action: "die".into(),
            attributes: [("exitCode", "137"), ("name", "p-bb-1")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn text_is_compose_s() {
        assert_eq!(
            text(&event()),
            "2026-12-05 07:20:48.370451 container die 74e7 (exitCode=137, name=p-bb-1)\n\n"
        );
    }

    #[test]
    fn json_is_go_s() {
        assert_eq!(
            json(&event()),
            "{\"action\":\"die\",\"attributes\":{\"exitCode\":\"137\",\"name\":\"p-bb-1\"},\
             \"id\":\"74e7\",\"service\":\"bb\",\"time\":\"2026-12-05T07:20:48.370451946Z\",\
             \"type\":\"container\"}\n"
        );
    }
}
