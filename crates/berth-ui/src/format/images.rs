//! compose's `images` output: its table (`PrintPrettySection`) and its JSON list.

use berth_ops::images::ImageSummary;

use super::container::{human_duration, truncate_id};
use super::value::json_string;

/// containerd's `platforms.Format`: `os/arch[/variant]`, `unknown` without an OS.
pub fn platform(i: &ImageSummary) -> String {
    if i.os.is_empty() {
        return "unknown".into();
    }
    [&i.os, &i.architecture, &i.variant]
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join("/")
}

/// The seconds since an RFC 3339 time; Go's zero time (an image never tagged) gives the
/// longest duration Go has, as compose's `time.Since` saturates.
fn seconds_since(time: &str, now: i64) -> i64 {
    const MAX_GO_DURATION_SECS: i64 = i64::MAX / 1_000_000_000;
    match berth_model::gotime::Timestamp::parse(time) {
        Some(t) if !t.is_go_zero() => (now - t.unix_seconds()).min(MAX_GO_DURATION_SECS),
        _ => MAX_GO_DURATION_SECS,
    }
}

/// The `images` table; `now` in unix seconds, for CREATED.
pub fn write_table(images: &[ImageSummary], now: i64) -> String {
    let mut text = "CONTAINER\tREPOSITORY\tTAG\tPLATFORM\tIMAGE ID\tSIZE\tCREATED\n".to_string();
    let or_none = |s: &str| {
        if s.is_empty() {
            "<none>".to_string()
        } else {
            s.to_string()
        }
    };
    for i in images {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{} ago\n",
            i.container,
            or_none(&i.repository),
            or_none(&i.tag),
            platform(i),
            truncate_id(&i.id),
            berth_model::gofmt::human_size(i.size as f64, 3),
            human_duration(seconds_since(&i.last_tag_time, now)),
        ));
    }
    crate::tables::align(&text, crate::tables::PRETTY_SECTION)
}

/// `images --format json`: one array (`null` when empty), and the blank line compose's
/// `Fprintln` of the encoder's line adds.
pub fn write_json(images: &[ImageSummary]) -> String {
    if images.is_empty() {
        return "null\n\n".into();
    }
    let mut out = String::from("[");
    for (n, i) in images.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        // compose shows the creation time of an image never tagged.
        let last_tag_time = match berth_model::gotime::Timestamp::parse(&i.last_tag_time) {
            Some(t) if !t.is_go_zero() => &i.last_tag_time,
            _ => &i.created,
        };
        let strings = [
            ("ID", &i.id),
            ("ContainerName", &i.container),
            ("Repository", &i.repository),
            ("Tag", &i.tag),
            ("Platform", &platform(i)),
        ];
        out.push('{');
        for (key, value) in strings {
            out.push_str(&format!("\"{key}\":"));
            json_string(&mut out, value, false);
            out.push(',');
        }
        out.push_str(&format!("\"Size\":{},\"LastTagTime\":", i.size));
        json_string(&mut out, last_tag_time, false);
        out.push('}');
    }
    out.push_str("]\n\n");
    out
}

/// `images --format` in another case of `json` (`JSON`): compose then prints its summaries
/// as one indented JSON map, keyed by container name (Go sorts the keys).
pub fn write_summaries(images: &[ImageSummary]) -> String {
    if images.is_empty() {
        return "{}\n\n".into();
    }
    let string = |s: &str| {
        let mut out = String::new();
        json_string(&mut out, s, false);
        out
    };
    let mut sorted: Vec<&ImageSummary> = images.iter().collect();
    sorted.sort_by(|a, b| a.container.cmp(&b.container));
    let mut out = String::from("{\n");
    for (n, i) in sorted.iter().enumerate() {
        // The OCI platform's fields, the optional ones only when set.
        let mut platform = vec![
            format!("\"architecture\": {}", string(&i.architecture)),
            format!("\"os\": {}", string(&i.os)),
        ];
        if !i.os_version.is_empty() {
            platform.push(format!("\"os.version\": {}", string(&i.os_version)));
        }
        if !i.variant.is_empty() {
            platform.push(format!("\"variant\": {}", string(&i.variant)));
        }
        let last_tag_time = if i.last_tag_time.is_empty() {
            "0001-01-01T00:00:00Z"
        } else {
            &i.last_tag_time
        };
        out.push_str(&format!(
            "    {}: {{\n        \"ID\": {},\n        \"Repository\": {},\n        \"Tag\": {},\n        \"Platform\": {{\n            {}\n        }},\n        \"Size\": {},\n        \"Created\": {},\n        \"LastTagTime\": {}\n    }}{}\n",
            string(&i.container),
            string(&i.id),
            string(&i.repository),
            string(&i.tag),
            platform.join(",\n            "),
            i.size,
            string(&i.created),
            string(last_tag_time),
            if n + 1 < sorted.len() { "," } else { "" },
        ));
    }
    out.push_str("}\n\n");
    out
}

/// `images -q`: the IDs without their algorithm, each once.
pub fn write_quiet(images: &[ImageSummary]) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for i in images {
        let id = i.id.split_once(':').map_or(i.id.as_str(), |(_, rest)| rest);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.iter().map(|id| format!("{id}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> ImageSummary {
        ImageSummary {
            container: "p-web-1".into(),
            id: "sha256:a8fc40e807047c40c415e502cf5df007963ed230ade97e085ea28402220e542a".into(),
            repository: "example/busybox".into(),
            tag: "local".into(),
            os: "linux".into(),
            architecture: "amd64".into(),
            variant: String::new(),
            os_version: String::new(),
            size: 1984162,
            created: "2026-12-05T07:03:30Z".into(),
            last_tag_time: "0001-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn table_json_and_ids() {
        let now = berth_model::gotime::Timestamp::parse("2026-12-05T07:05:30Z")
            .unwrap()
            .unix_seconds();
        let mut tagged = image();
        tagged.last_tag_time = "2026-12-05T07:03:30Z".into();
        assert_eq!(
            write_table(&[tagged], now),
            "CONTAINER           REPOSITORY          TAG                 PLATFORM            IMAGE ID            SIZE                CREATED\n\
             p-web-1             example/busybox     local               linux/amd64         a8fc40e80704        1.98MB              2 minutes ago\n"
        );
        assert!(write_table(&[image()], now).contains("292 years ago"));
        assert_eq!(
            write_json(&[image()]),
            "[{\"ID\":\"sha256:a8fc40e807047c40c415e502cf5df007963ed230ade97e085ea28402220e542a\",\
             \"ContainerName\":\"p-web-1\",\"Repository\":\"example/busybox\",\"Tag\":\"local\",\
             \"Platform\":\"linux/amd64\",\"Size\":1984162,\"LastTagTime\":\"2026-12-05T07:03:30Z\"}]\n\n"
        );
        assert_eq!(write_json(&[]), "null\n\n");
        assert_eq!(
            write_quiet(&[image(), image()]),
            "a8fc40e807047c40c415e502cf5df007963ed230ade97e085ea28402220e542a\n"
        );
    }
}
